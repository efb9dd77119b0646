import type { Purpose, Role } from '@careloop/contracts';

/** Who acts. `system` is Careloop itself (jobs, imports, the demo generator). */
export type Actor =
  | { readonly kind: 'staff'; readonly userId: string; readonly role: Role }
  | { readonly kind: 'system'; readonly name: string }
  | { readonly kind: 'patient'; readonly patientId: string };

/**
 * Every read and write of tenant data runs in a Scope: the tenant, the actor and
 * the one purpose the work serves. Stores take a Scope, never a bare tenant id.
 */
export interface Scope {
  readonly tenantId: string;
  readonly actor: Actor;
  readonly purpose: Purpose;
  /** A stated reason, required for elevated access (R30). */
  readonly reason?: string;
  /** Correlates the audit trail with the request log. */
  readonly requestId?: string;
}

export const systemActor = (name: string): Actor => ({ kind: 'system', name });

export const actorId = (a: Actor): string =>
  a.kind === 'staff'
    ? `staff:${a.userId}`
    : a.kind === 'patient'
      ? `patient:${a.patientId}`
      : `system:${a.name}`;
