import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { type Actor, actorId, type Clock, type Scope } from '../../kernel/index.ts';
import { type AuditEntryContent, chainHash, GENESIS, leafHash } from './chain.ts';

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
  const head = await sql<{ seq: number; chain_hash: Buffer }>`
    SELECT seq, chain_hash FROM audit_heads WHERE tenant_id = ${ctx.tenantId} FOR UPDATE`.execute(tx);
  const current = head.rows[0];
  if (!current) throw new Error(`Audit chain of tenant ${ctx.tenantId} is not started`);
  let seq = current.seq;
  let chain = current.chain_hash;
  const at = clock.now();
  const rows = events.map((e) => {
    seq += 1;
    const content: AuditEntryContent = {
      tenantId: ctx.tenantId,
      seq,
      at,
      actor: actorId(ctx.actor),
      action: e.action,
      purpose: ctx.purpose ?? null,
      subjectType: e.subjectType ?? null,
      subjectId: e.subjectId ?? null,
      outcome: e.outcome,
      details: e.details ?? {},
      requestId: ctx.requestId ?? null,
    };
    const leaf = leafHash(content);
    chain = chainHash(chain, leaf);
    return {
      tenant_id: content.tenantId,
      seq,
      at,
      actor: content.actor,
      action: content.action,
      purpose: content.purpose,
      subject_type: content.subjectType,
      subject_id: content.subjectId,
      outcome: content.outcome,
      details: JSON.stringify(content.details),
      request_id: content.requestId,
      leaf_hash: leaf,
      chain_hash: chain,
    };
  });
  await tx.insertInto('audit_log').values(rows).execute();
  await tx
    .updateTable('audit_heads')
    .set({ seq, chain_hash: chain })
    .where('tenant_id', '=', ctx.tenantId)
    .execute();
}
