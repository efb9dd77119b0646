import type { ErrorDetail, Role } from '@careloop/contracts';
import { AppError, type Scope } from '../../kernel/index.ts';

/** Who reads, authors and approves in the content library. */
export const CONTENT_AUTHOR_ROLES: readonly Role[] = ['owner', 'marketer'];
/** R13: the policy has no separate compliance role; the owner holds compliance approval. */
export const CONTENT_APPROVER_ROLES: readonly Role[] = ['owner'];
export const CONTENT_READER_ROLES: readonly Role[] = ['owner', 'marketer', 'front_desk', 'doctor', 'auditor'];

export const invalid = (message: string, details?: readonly ErrorDetail[]): AppError =>
  new AppError('VALIDATION_FAILED', message, details);

export const requireRole = (scope: Scope, roles: readonly Role[]): void => {
  if (scope.actor.kind === 'patient') throw new AppError('ROLE_NOT_PERMITTED');
  if (scope.actor.kind === 'staff' && !roles.includes(scope.actor.role))
    throw new AppError('ROLE_NOT_PERMITTED');
};
