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

const CHUNK = 5_000;
const CHANNELS = new Set(['email', 'sms', 'messenger', 'call', 'preferred']);

/** LIKE patterns of the consent kinds an item needs at queue time; 'preferred' needs some ads channel. */
const kindPatterns = (item: OutboxItem): string => {
  const esc = (k: string) => k.replace(/[\\%_]/g, (c) => `\\${c}`);
  if (item.channel === 'preferred') {
    const base = requiredKinds(item.purpose).map(esc);
    const marketing = item.purpose === 'marketing.general' || item.purpose === 'marketing.health';
    return [...base, ...(marketing ? [`${esc('ads.receive.')}%`] : [])].join(',');
  }
  return requiredKinds(item.purpose, item.channel).map(esc).join(',');
};

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
        SELECT * FROM unnest(
          ${chunk.map(() => newId())}::uuid[],
          ${chunk.map((it) => idempotencyKey(scope.tenantId, it))}::bytea[],
          ${chunk.map((it) => it.patientId)}::uuid[],
          ${chunk.map((it) => it.purpose)}::text[],
          ${chunk.map((it) => it.campaignId)}::uuid[],
          ${chunk.map((it) => it.channel)}::text[],
          ${chunk.map((it) => it.content.templateId)}::text[],
          ${chunk.map((it) => it.content.version)}::int[],
          ${chunk.map((it) => JSON.stringify(it.context ?? {}))}::jsonb[],
          ${chunk.map((it) => it.occurrenceKey)}::text[],
          ${chunk.map((it) => it.notBefore ?? now)}::timestamptz[],
          ${chunk.map((it) => it.notAfter ?? null)}::timestamptz[],
          ${chunk.map(kindPatterns)}::text[]
        ) AS t(id, idem_key, patient_id, purpose, campaign_id, channel_requested, template_id,
               template_version, context, occurrence_key, not_before, expires_at, kinds)
      ), checked AS (
        SELECT i.*,
          CASE
            WHEN p.status = 'erased' THEN 'patient_erased'
            WHEN p.status = 'merged' THEN 'patient_merged'
            WHEN i.kinds <> '' AND EXISTS (
              SELECT 1 FROM unnest(string_to_array(i.kinds, ',')) AS k(pattern)
              WHERE NOT EXISTS (
                SELECT 1 FROM consent_state s
                WHERE s.tenant_id = ${scope.tenantId} AND s.patient_id = i.patient_id
                  AND s.kind LIKE k.pattern AND s.status = 'granted'
                  AND (s.expires_at IS NULL OR s.expires_at > ${now}))) THEN 'consent_missing'
            ELSE NULL
          END AS reason
        FROM input i
        JOIN patients p ON p.tenant_id = ${scope.tenantId} AND p.id = i.patient_id
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
