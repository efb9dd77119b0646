import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, newId, type Scope, systemClock } from '../../kernel/index.ts';
import { type AuditDetail, appendAudit, auditContextOf } from '../audit/index.ts';
import { requiredKinds } from '../consent/index.ts';
import { requireClasses } from '../policy/index.ts';
import { MESSAGING_PURPOSES, type OutboxItem } from './model.ts';

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

/** What the items of a campaign share: sent once per chunk instead of once per item. */
interface Shape {
  readonly n: number;
  readonly purpose: string;
  readonly campaign: string | null;
  readonly channel: string;
  readonly template_id: string;
  readonly template_version: number;
  readonly not_before: string;
  readonly expires_at: string | null;
  readonly kinds: readonly string[];
  readonly any_ads: boolean;
}

const NO_CONTEXT = {};

/** A chunk as column arrays, with shapes and contexts deduplicated (1-based references). */
function columns(items: readonly OutboxItem[], now: Date) {
  const ids: string[] = [];
  const patients: string[] = [];
  const occurrences: string[] = [];
  const shapeOf: number[] = [];
  const contextOf: number[] = [];
  const shapes: Shape[] = [];
  const contexts: string[] = [];
  const shapeIndex = new Map<string, number>();
  const contextByRef = new Map<object, number>();
  const contextByJson = new Map<string, number>();
  for (const it of items) {
    const key = JSON.stringify([
      it.purpose,
      it.campaignId,
      it.channel,
      it.content.templateId,
      it.content.version,
      it.notBefore?.getTime(),
      it.notAfter?.getTime(),
    ]);
    let shape = shapeIndex.get(key);
    if (shape === undefined) {
      shapes.push({
        n: shapes.length + 1,
        purpose: it.purpose,
        campaign: it.campaignId,
        channel: it.channel,
        template_id: it.content.templateId,
        template_version: it.content.version,
        not_before: (it.notBefore ?? now).toISOString(),
        expires_at: it.notAfter?.toISOString() ?? null,
        kinds: kindsOf(it),
        any_ads: needsAnyAds(it),
      });
      shape = shapes.length;
      shapeIndex.set(key, shape);
    }
    const ctx = it.context ?? NO_CONTEXT;
    let context = contextByRef.get(ctx);
    if (context === undefined) {
      const json = JSON.stringify(ctx);
      context = contextByJson.get(json);
      if (context === undefined) {
        contexts.push(json);
        context = contexts.length;
        contextByJson.set(json, context);
      }
      contextByRef.set(ctx, context);
    }
    ids.push(newId());
    patients.push(it.patientId);
    occurrences.push(it.occurrenceKey);
    shapeOf.push(shape);
    contextOf.push(context);
  }
  return { ids, patients, occurrences, shapeOf, contextOf, shapes, contexts: `[${contexts.join(',')}]` };
}

/**
 * Writes messages to the outbox inside the caller's transaction, so a campaign's audience
 * snapshot and its messages commit together (R50). Consent is checked here already (R7): an
 * item without it is recorded as skipped with its reason, never queued; the claim checks again.
 * Replaying the same items adds nothing (R25, R51): the idempotency key is derived in the
 * statement, exactly as `idempotencyKey` does, and an item whose key has a row is passed over
 * before any consent lookup. Set-based: one statement per 20,000 items, which travel as column
 * arrays with what a campaign's items share (purpose, template, window, context) sent once.
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
  const clock = opts.clock ?? systemClock;
  const now = clock.now();
  const tenantId = scope.tenantId;
  let queued = 0;
  let unknown = 0;
  const skippedBy = new Map<string, number>();
  for (let start = 0; start < items.length; start += CHUNK) {
    const c = columns(items.slice(start, start + CHUNK), now);
    const rows = await sql<{ state: string; reason: string | null; n: number }>`
      WITH shape AS MATERIALIZED (
        -- idem_key = first 16 bytes of SHA-256(tenant ‖ 0 ‖ campaign or 'trigger' ‖ 0 ‖ patient ‖ 0 ‖ channel ‖ 0 ‖ occurrence), as in idempotencyKey().
        SELECT s.n, s.purpose, s.campaign::uuid AS campaign_id, s.channel, s.template_id, s.template_version,
               s.not_before, s.expires_at, ARRAY(SELECT jsonb_array_elements_text(s.kinds)) AS kinds, s.any_ads,
               convert_to(${tenantId}::text, 'UTF8') || '\\x00'::bytea || convert_to(coalesce(s.campaign, 'trigger'), 'UTF8')
                 || '\\x00'::bytea AS key_head,
               '\\x00'::bytea || convert_to(s.channel, 'UTF8') || '\\x00'::bytea AS key_mid
        FROM jsonb_to_recordset(${JSON.stringify(c.shapes)}::jsonb)
          AS s(n int, purpose text, campaign text, channel text, template_id text, template_version int,
               not_before timestamptz, expires_at timestamptz, kinds jsonb, any_ads boolean)
      ), context AS MATERIALIZED (
        SELECT e.n::int AS n, e.context FROM jsonb_array_elements(${c.contexts}::jsonb) WITH ORDINALITY AS e(context, n)
      ), input AS MATERIALIZED (
        -- Materialized, so that patient_id is a uuid column: a cast from text is not leakproof, and
        -- row-level security would keep it out of the index conditions below.
        SELECT u.id, u.patient::uuid AS patient_id, u.occurrence_key, u.shape, u.context,
               substring(sha256(s.key_head || convert_to(u.patient, 'UTF8') || s.key_mid || convert_to(u.occurrence_key, 'UTF8'))
                 FROM 1 FOR 16) AS idem_key
        FROM unnest(${c.ids}::uuid[], ${c.patients}::text[], ${c.occurrences}::text[], ${c.shapeOf}::int[], ${c.contextOf}::int[])
          AS u(id, patient, occurrence_key, shape, context)
        JOIN shape s ON s.n = u.shape
      ), checked AS MATERIALIZED (
        -- New keys only: a replay costs one index probe per item and reads no consent.
        SELECT i.*, s.purpose, s.campaign_id, s.channel, s.template_id, s.template_version, s.not_before, s.expires_at,
          CASE
            WHEN p.id IS NULL THEN 'unknown'
            WHEN p.status = 'erased' THEN 'patient_erased'
            WHEN p.status = 'merged' THEN 'patient_merged'
            -- Every kind the purpose needs on the channel, granted and unexpired, and for 'preferred'
            -- advertising some ads channel besides: one range scan of the patient's consent states.
            WHEN CASE WHEN cardinality(s.kinds) = 0 AND NOT s.any_ads THEN false ELSE NOT (
              SELECT count(*) FILTER (WHERE g.kind = ANY (s.kinds)) = cardinality(s.kinds)
                     AND (NOT s.any_ads OR coalesce(bool_or(g.kind LIKE 'ads.receive.%'), false))
              FROM consent_state g
              WHERE g.tenant_id = ${tenantId} AND g.patient_id = i.patient_id
                AND g.status = 'granted' AND (g.expires_at IS NULL OR g.expires_at > ${now})) END
              THEN 'consent_missing'
          END AS reason
        FROM input i
        JOIN shape s ON s.n = i.shape
        LEFT JOIN patients p ON p.tenant_id = ${tenantId} AND p.id = i.patient_id
        WHERE NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE o.tenant_id = ${tenantId} AND o.idem_key = i.idem_key)
      ), inserted AS (
        INSERT INTO outbox_messages (tenant_id, id, idem_key, patient_id, purpose, campaign_id,
          channel_requested, template_id, template_version, context, occurrence_key, state, skip_reason,
          not_before, expires_at, next_attempt_at, created_at, updated_at, decision)
        SELECT ${tenantId}, k.id, k.idem_key, k.patient_id, k.purpose, k.campaign_id, k.channel,
          k.template_id, k.template_version, x.context, k.occurrence_key,
          CASE WHEN k.reason IS NULL THEN 'queued' ELSE 'skipped' END, k.reason,
          k.not_before, k.expires_at, k.not_before, ${now}, ${now},
          CASE WHEN k.reason IS NULL THEN NULL ELSE jsonb_build_object('stage', 'queue', 'reason', k.reason) END
        FROM checked k JOIN context x ON x.n = k.context
        WHERE k.reason IS DISTINCT FROM 'unknown'
        -- Two equal items in one call, or a row committed since the probe: still one row.
        ON CONFLICT (tenant_id, idem_key) DO NOTHING
        RETURNING state, skip_reason
      )
      SELECT state, skip_reason AS reason, count(*)::int AS n FROM inserted GROUP BY state, skip_reason
      UNION ALL
      SELECT 'unknown', NULL, count(*)::int FROM checked WHERE reason = 'unknown'`.execute(tx);
    for (const r of rows.rows) {
      if (r.state === 'queued') queued += r.n;
      else if (r.state === 'unknown') unknown += r.n;
      else skippedBy.set(r.reason as string, (skippedBy.get(r.reason as string) ?? 0) + r.n);
    }
  }
  // A patient of another tenant or none at all is a caller's bug: refuse the whole unit of work.
  if (unknown > 0) throw new AppError('NOT_FOUND', `${unknown} outbox items name no patient of this clinic.`);
  const skipped = [...skippedBy.values()].reduce((a, b) => a + b, 0);
  const duplicates = items.length - queued - skipped;
  // One entry per call: the campaign, how many were queued, skipped (by reason) and already there.
  // The claim audits each message's send decision (R41).
  const reasons: Record<string, AuditDetail> = {};
  for (const [reason, n] of [...skippedBy].sort()) reasons[`skipped.${reason}`] = n;
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'delivery.enqueued',
      outcome: 'done',
      subjectType: 'campaign',
      ...(items[0]?.campaignId ? { subjectId: items[0].campaignId } : {}),
      details: { items: items.length, queued, skipped, duplicates, ...reasons },
    },
  ]);
  return { queued, skipped, duplicates };
}
