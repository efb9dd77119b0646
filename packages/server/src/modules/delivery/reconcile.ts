import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { type Clock, systemActor } from '../../kernel/index.ts';
import { appendAudit } from '../audit/index.ts';
import type { ChannelAdapter } from './ports.ts';

/**
 * Resolves messages left in `sending` past the lease by a worker that died (R52): an idempotent
 * provider is simply asked again with the same key; otherwise the provider is asked whether it
 * accepted the message, and only a clear "not found" sends again. Anything uncertain goes to review.
 */
export async function reconcileStale(
  tx: Tx,
  clock: Clock,
  tenantId: string,
  byProvider: ReadonlyMap<string, ChannelAdapter>,
  leaseMs: number,
): Promise<number> {
  const now = clock.now();
  const staleBefore = new Date(now.getTime() - leaseMs);
  const stale = await sql<{
    id: string;
    idem_key: Buffer;
    provider: string | null;
    provider_message_id: string | null;
  }>`
    SELECT id, idem_key, provider, provider_message_id FROM outbox_messages
    WHERE tenant_id = ${tenantId} AND state = 'sending' AND sending_at < ${staleBefore}
    ORDER BY sending_at LIMIT 500 FOR UPDATE SKIP LOCKED`.execute(tx);
  if (stale.rows.length === 0) return 0;
  const verdicts = await Promise.all(
    stale.rows.map(async (r) => {
      const adapter = r.provider ? byProvider.get(r.provider) : undefined;
      if (adapter?.idempotent) return { id: r.id, state: 'queued', how: 'resend_same_key' };
      if (!adapter?.lookup) return { id: r.id, state: 'review', how: 'no_lookup' };
      const found = await adapter
        .lookup({
          messageId: r.id,
          idempotencyKey: r.idem_key.toString('hex'),
          providerMessageId: r.provider_message_id,
        })
        .catch(() => 'unknown' as const);
      return found === 'accepted'
        ? { id: r.id, state: 'sent', how: 'provider_accepted' }
        : found === 'not_found'
          ? { id: r.id, state: 'queued', how: 'provider_not_found' }
          : { id: r.id, state: 'review', how: 'provider_unknown' };
    }),
  );
  await sql`
    UPDATE outbox_messages o SET
      state = v.state,
      next_attempt_at = CASE WHEN v.state = 'queued' THEN ${now}::timestamptz ELSE o.next_attempt_at END,
      sent_at = CASE WHEN v.state = 'sent' THEN ${now}::timestamptz ELSE o.sent_at END,
      decision = coalesce(o.decision, '{}'::jsonb) || jsonb_build_object('reconciled', v.how),
      updated_at = ${now}
    FROM unnest(${verdicts.map((v) => v.id)}::uuid[], ${verdicts.map((v) => v.state)}::text[], ${verdicts.map((v) => v.how)}::text[])
      AS v(id, state, how)
    WHERE o.tenant_id = ${tenantId} AND o.id = v.id`.execute(tx);
  await appendAudit(
    tx,
    clock,
    { tenantId, actor: systemActor('delivery'), purpose: 'registry.operations' },
    verdicts.map((v) => ({
      action: 'delivery.reconciled',
      outcome: 'done',
      subjectType: 'message',
      subjectId: v.id,
      details: { result: v.state, how: v.how },
    })),
  );
  return verdicts.length;
}
