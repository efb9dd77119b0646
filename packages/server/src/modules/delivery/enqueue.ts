import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, newId, type Scope, systemClock } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { requiredKinds } from '../consent/index.ts';
import { requireClasses } from '../policy/index.ts';
import { idempotencyKey, MESSAGING_PURPOSES, type OutboxItem } from './model.ts';

export interface EnqueueResult {
  /** New rows waiting to be sent. */
  readonly queued: number;
  /** New rows recorded as skipped at queue time, with their reason (R7, R56). */
  readonly skipped: number;
  /** Items whose idempotency key already had a row: nothing was added (R51). */
  readonly duplicates: number;
}

export interface EnqueueOptions {
  readonly clock?: Clock;
}

const CHUNK = 20_000;
const CHANNELS = new Set(['email', 'sms', 'messenger', 'call', 'preferred']);

/** Consent kinds an item needs at queue time; 'preferred' advertising needs some ads channel besides. */
const kindsOf = (item: OutboxItem): string[] =>
  item.channel === 'preferred' ? requiredKinds(item.purpose) : requiredKinds(item.purpose, item.channel);
const needsAnyAds = (item: OutboxItem): boolean =>
  item.channel === 'preferred' &&
  (item.purpose === 'marketing.general' || item.purpose === 'marketing.health');

const validate = (scope: Scope, items: readonly OutboxItem[]): void => {
  for (const [i, item] of items.entries()) {
    const bad = (field: string, issue: string) =>
      new AppError('VALIDATION_FAILED', `Outbox item ${i}: ${field} ${issue}.`, [
        { field: `items[${i}].${field}`, issue },
      ]);
    if (!isUuid(item.patientId)) throw bad('patientId', 'invalid');
    if (item.campaignId !== null && !isUuid(item.campaignId)) throw bad('campaignId', 'invalid');
    if (!MESSAGING_PURPOSES.has(item.purpose)) throw bad('purpose', 'not_messaging');
    // One purpose per unit of work (DESIGN §2): a campaign queues under the purpose it runs under.
    if (item.purpose !== scope.purpose) throw bad('purpose', 'other_than_scope');
    if (!CHANNELS.has(item.channel)) throw bad('channel', 'invalid');
    if (!item.content.templateId || !Number.isInteger(item.content.version) || item.content.version < 1)
      throw bad('content', 'invalid');
    if (!item.occurrenceKey || item.occurrenceKey.length > 200) throw bad('occurrenceKey', 'invalid');
    if (item.notAfter && item.notBefore && item.notAfter <= item.notBefore)
      throw bad('notAfter', 'before_start');
  }
};

/**
 * Writes messages to the outbox inside the caller's transaction, so a campaign's audience
 * snapshot and its messages commit together (R50). Consent is checked here already (R7): an
 * item without it is recorded as skipped with its reason, never queued; the claim checks again.
 * Replaying the same items adds nothing (R25, R51). Set-based: one statement per 5,000 items.
 */
export async function enqueueMessages(
  tx: Tx,
  scope: Scope,
  items: readonly OutboxItem[],
  opts: EnqueueOptions = {},
): Promise<EnqueueResult> {
  if (items.length === 0) return { queued: 0, skipped: 0, duplicates: 0 };
  requireClasses(scope, 'message', ['contact']);
  validate(scope, items);
  const now = (opts.clock ?? systemClock).now();
  let queued = 0;
  let skipped = 0;
  let unknown = 0;
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    const rows = await sql<{ state: string; n: number }>`
      WITH input AS (
        -- One JSON document per chunk: parsed once, far cheaper than a dozen typed arrays.
        SELECT t.id, decode(t.key, 'hex') AS idem_key, t.patient_id, t.purpose, t.campaign_id,
               t.channel_requested, t.template_id, t.template_version, coalesce(t.context, '{}'::jsonb) AS context,
               t.occurrence_key, t.not_before, t.expires_at, t.kinds, t.any_ads
        FROM jsonb_to_recordset(${JSON.stringify(
          chunk.map((it) => ({
            id: newId(),
            key: idempotencyKey(scope.tenantId, it).toString('hex'),
            patient_id: it.patientId,
            purpose: it.purpose,
            campaign_id: it.campaignId,
            channel_requested: it.channel,
            template_id: it.content.templateId,
            template_version: it.content.version,
            context: it.context ?? null,
            occurrence_key: it.occurrenceKey,
            not_before: (it.notBefore ?? now).toISOString(),
            expires_at: it.notAfter?.toISOString() ?? null,
            kinds: kindsOf(it).join(','),
            any_ads: needsAnyAds(it),
          })),
        )}::jsonb) AS t(id uuid, key text, patient_id uuid, purpose text, campaign_id uuid, channel_requested text,
                        template_id text, template_version int, context jsonb, occurrence_key text,
                        not_before timestamptz, expires_at timestamptz, kinds text, any_ads boolean)
      ), granted AS (
        -- The chunk's patients' active consents, aggregated once: a hash join, not a lookup per item.
        SELECT s.patient_id, array_agg(s.kind) AS kinds
        FROM consent_state s
        WHERE s.tenant_id = ${scope.tenantId} AND s.status = 'granted'
          AND (s.expires_at IS NULL OR s.expires_at > ${now})
          AND s.patient_id IN (SELECT patient_id FROM input)
        GROUP BY s.patient_id
      ), checked AS (
        SELECT i.*,
          CASE
            WHEN p.status = 'erased' THEN 'patient_erased'
            WHEN p.status = 'merged' THEN 'patient_merged'
            WHEN NOT (string_to_array(i.kinds, ',') <@ coalesce(g.kinds, '{}'::text[])) THEN 'consent_missing'
            WHEN i.any_ads AND NOT EXISTS (
              SELECT 1 FROM unnest(g.kinds) AS k(kind) WHERE k.kind LIKE 'ads.receive.%') THEN 'consent_missing'
            ELSE NULL
          END AS reason
        FROM input i
        JOIN patients p ON p.tenant_id = ${scope.tenantId} AND p.id = i.patient_id
        LEFT JOIN granted g ON g.patient_id = i.patient_id
      ), inserted AS (
        INSERT INTO outbox_messages (tenant_id, id, idem_key, patient_id, purpose, campaign_id,
          channel_requested, template_id, template_version, context, occurrence_key, state, skip_reason,
          not_before, expires_at, next_attempt_at, created_at, updated_at, decision)
        SELECT ${scope.tenantId}, id, idem_key, patient_id, purpose, campaign_id, channel_requested,
          template_id, template_version, context, occurrence_key,
          CASE WHEN reason IS NULL THEN 'queued' ELSE 'skipped' END, reason,
          not_before, expires_at, not_before, ${now}, ${now},
          CASE WHEN reason IS NULL THEN NULL ELSE jsonb_build_object('stage', 'queue', 'reason', reason) END
        FROM checked
        ON CONFLICT (tenant_id, idem_key) DO NOTHING
        RETURNING state
      )
      SELECT state, count(*)::int AS n FROM inserted GROUP BY state
      UNION ALL
      SELECT 'unknown', count(*)::int FROM input i
      WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.tenant_id = ${scope.tenantId} AND p.id = i.patient_id)`.execute(
      tx,
    );
    for (const r of rows.rows) {
      if (r.state === 'queued') queued += r.n;
      else if (r.state === 'unknown') unknown += r.n;
      else skipped += r.n;
    }
  }
  // A patient of another tenant or none at all is a caller's bug: refuse the whole unit of work.
  if (unknown > 0) throw new AppError('NOT_FOUND', `${unknown} outbox items name no patient of this clinic.`);
  const duplicates = items.length - queued - skipped;
  await appendAudit(tx, opts.clock ?? systemClock, auditContextOf(scope), [
    {
      action: 'delivery.enqueued',
      outcome: 'done',
      subjectType: 'campaign',
      ...(items[0]?.campaignId ? { subjectId: items[0].campaignId } : {}),
      details: { items: items.length, queued, skipped, duplicates },
    },
  ]);
  return { queued, skipped, duplicates };
}
