import { type Action, type DataClass, PURPOSES, type Role } from '@careloop/contracts';
import { AppError, type Scope } from '../../kernel/index.ts';
import { decide, PURPOSE_CLASSES } from './policy.ts';

/**
 * The data classes a scope may touch with an action. Staff are held to their role
 * and purpose; Careloop's own jobs to the purpose; a patient on their own page to
 * their own record. Any failure inside the decision denies (R45).
 */
export function classesFor(scope: Scope, action: Action): ReadonlySet<DataClass> {
  try {
    if (!PURPOSES.includes(scope.purpose)) return new Set();
    const actor = scope.actor;
    if (actor.kind === 'system') return new Set(PURPOSE_CLASSES[scope.purpose]);
    if (actor.kind === 'patient') {
      return scope.purpose === 'subject.rights' && action !== 'export'
        ? new Set(PURPOSE_CLASSES['subject.rights'])
        : new Set();
    }
    const out = new Set<DataClass>();
    for (const dataClass of PURPOSE_CLASSES[scope.purpose]) {
      const d = decide({
        role: actor.role,
        purpose: scope.purpose,
        action,
        dataClass,
        hasReason: Boolean(scope.reason?.trim()),
      });
      if (d.allowed) out.add(dataClass);
    }
    return out;
  } catch {
    return new Set();
  }
}

/** Throws the policy's own reason unless the scope may take the action on every class asked for. */
export function requireClasses(scope: Scope, action: Action, needed: readonly DataClass[]): void {
  let allowed: ReadonlySet<DataClass>;
  try {
    allowed = classesFor(scope, action);
  } catch {
    throw new AppError('PURPOSE_NOT_PERMITTED');
  }
  for (const c of needed) {
    if (allowed.has(c)) continue;
    if (scope.actor.kind === 'staff') {
      const d = decide({
        role: scope.actor.role,
        purpose: scope.purpose,
        action,
        dataClass: c,
        hasReason: Boolean(scope.reason?.trim()),
      });
      if (!d.allowed) throw new AppError(d.code, d.reason);
    }
    throw new AppError(
      'PURPOSE_NOT_PERMITTED',
      `purpose ${scope.purpose} does not allow ${action} of ${c} data`,
    );
  }
}

/**
 * Refuses a staff member whose role is not among `roles`, and any patient. Careloop's own jobs
 * pass: their purpose still bounds the data they touch.
 */
export function requireRole(scope: Scope, roles: readonly Role[]): void {
  if (scope.actor.kind === 'patient') throw new AppError('ROLE_NOT_PERMITTED');
  if (scope.actor.kind === 'staff' && !roles.includes(scope.actor.role))
    throw new AppError('ROLE_NOT_PERMITTED');
}

/** Runs a permission or consent evaluation; any exception inside it is a denial, never a pass (R45). */
export function failClosed<T>(evaluate: () => T, denied: T): T {
  try {
    return evaluate();
  } catch {
    return denied;
  }
}
