import { sql } from 'kysely';
import { deferred, prepared, type Tx } from '../../db/index.ts';
import { type Actor, actorId, type Clock, type Scope } from '../../kernel/index.ts';
import { type AuditEntryContent, GENESIS, leafHash } from './chain.ts';

export type AuditOutcome = AuditEntryContent['outcome'];

/** Detail values are ids, counts and codes only. */
export type AuditDetail = string | number | boolean | null | readonly string[];

export interface AuditEvent {
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly details?: Readonly<Record<string, AuditDetail>>;
}

export interface AuditContext {
  readonly tenantId: string;
  readonly actor: Actor;
  readonly purpose?: string;
  readonly requestId?: string;
}

export const auditContextOf = (scope: Scope): AuditContext => ({
  tenantId: scope.tenantId,
  actor: scope.actor,
  purpose: scope.purpose,
  ...(scope.requestId ? { requestId: scope.requestId } : {}),
});

/** Starts a tenant's chain; called once when the tenant is created. */
export async function startAuditChain(tx: Tx, tenantId: string): Promise<void> {
  await tx.insertInto('audit_heads').values({ tenant_id: tenantId, seq: 0, chain_hash: GENESIS }).execute();
}

/**
 * Appends events inside the caller's transaction, so an action and its audit
 * entry commit or vanish together. The chain head is locked until commit, which
 * orders concurrent appends of one tenant.
 */
export async function appendAudit(
  tx: Tx,
  clock: Clock,
  ctx: AuditContext,
  events: readonly AuditEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const at = clock.now();
  const entries = events.map((e) => ({
    tenantId: ctx.tenantId,
    at,
    actor: actorId(ctx.actor),
    action: e.action,
    purpose: ctx.purpose ?? null,
    subjectType: e.subjectType ?? null,
    subjectId: e.subjectId ?? null,
    outcome: e.outcome,
    details: e.details ?? {},
    requestId: ctx.requestId ?? null,
  }));
  const rows = entries.map((e) => ({
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    purpose: e.purpose,
    subject_type: e.subjectType,
    subject_id: e.subjectId,
    outcome: e.outcome,
    details: e.details,
    request_id: e.requestId,
  }));
  // Every audited action runs this: prepared once per session, and sent with the
  // transaction's next statement or its COMMIT (a failed append fails the transaction).
  await tx.executeQuery(
    deferred(
      prepared(
        sql`SELECT careloop_audit_append(${ctx.tenantId}, ${JSON.stringify(rows)}::jsonb, ${entries.map(leafHash)}::bytea[])`.compile(
          tx,
        ),
      ),
    ),
  );
}
