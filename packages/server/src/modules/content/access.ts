import type { ErrorDetail, Role } from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';

/** Who reads, authors and approves in the content library. */
export const CONTENT_AUTHOR_ROLES: readonly Role[] = ['owner', 'marketer'];
/** R13: the policy has no separate compliance role; the owner holds compliance approval. */
export const CONTENT_APPROVER_ROLES: readonly Role[] = ['owner'];
export const CONTENT_READER_ROLES: readonly Role[] = ['owner', 'marketer', 'front_desk', 'doctor', 'auditor'];

export const invalid = (message: string, details?: readonly ErrorDetail[]): AppError =>
  new AppError('VALIDATION_FAILED', message, details);
