import type { Channel, Purpose } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { classesFor, requireClasses } from '../policy/index.ts';
import { repliesOf } from './inbound.ts';
import type { OutboxState } from './model.ts';

export interface MessageHistoryItem {
  readonly id: string;
  readonly purpose: Purpose;
  readonly channel: Channel | null;
  readonly state: OutboxState;
  readonly skipReason: string | null;
  readonly campaignId: string | null;
  /** Hidden for messages derived from health data unless the reader may see visit_clinical data. */
  readonly template: { readonly id: string; readonly version: number } | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly deliveredAt: Date | null;
}

/** Purposes whose messages reveal what the patient came for (their content is health information). */
const HEALTH_PURPOSES: ReadonlySet<string> = new Set(['marketing.health', 'care.followup']);

/** A patient's messages for the patient card: what went out or why not, newest first (R56). */
export async function messageHistory(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  patientId: string,
  limit = 200,
): Promise<MessageHistoryItem[]> {
  requireClasses(scope, 'read', ['engagement']);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const exists = await tx.selectFrom('patients').select('id').where('id', '=', patientId).executeTakeFirst();
  if (!exists) throw new AppError('NOT_FOUND', 'No such patient.');
  const health = classesFor(scope, 'read').has('visit_clinical');
  const rows = await tx
    .selectFrom('outbox_messages')
    .select([
      'id',
      'purpose',
      'channel',
      'state',
      'skip_reason',
      'campaign_id',
      'template_id',
      'template_version',
      'created_at',
      'sent_at',
      'delivered_at',
    ])
    .where('patient_id', '=', patientId)
    .orderBy('created_at', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1_000))
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'delivery.history_read',
      outcome: 'allowed',
      subjectType: 'patient',
      subjectId: patientId,
      details: { rows: rows.length, health },
    },
  ]);
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose as Purpose,
    channel: r.channel,
    state: r.state,
    skipReason: r.skip_reason,
    campaignId: r.campaign_id,
    template:
      !HEALTH_PURPOSES.has(r.purpose) || health ? { id: r.template_id, version: r.template_version } : null,
    createdAt: new Date(r.created_at),
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
  }));
}

export interface CampaignStats {
  readonly campaignId: string;
  readonly total: number;
  readonly byState: Readonly<Partial<Record<OutboxState, number>>>;
  readonly bySkipReason: Readonly<Record<string, number>>;
  readonly byChannel: Readonly<Record<string, number>>;
}

/** Outbox counts of one campaign: aggregate only, no patient in sight. */
export async function campaignStats(tx: Tx, scope: Scope, campaignId: string): Promise<CampaignStats> {
  requireClasses(scope, 'aggregate', ['engagement']);
  if (!isUuid(campaignId)) throw new AppError('NOT_FOUND', 'No such campaign.');
  const rows = await sql<{
    state: OutboxState;
    skip_reason: string | null;
    channel: string | null;
    n: number;
  }>`
    SELECT state, skip_reason, channel, count(*)::int AS n FROM outbox_messages
    WHERE tenant_id = ${scope.tenantId} AND campaign_id = ${campaignId}
    GROUP BY state, skip_reason, channel`.execute(tx);
  const byState: Partial<Record<OutboxState, number>> = {};
  const bySkipReason: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  let total = 0;
  for (const r of rows.rows) {
    total += r.n;
    byState[r.state] = (byState[r.state] ?? 0) + r.n;
    if (r.skip_reason) bySkipReason[r.skip_reason] = (bySkipReason[r.skip_reason] ?? 0) + r.n;
    if (r.channel) byChannel[r.channel] = (byChannel[r.channel] ?? 0) + r.n;
  }
  return { campaignId, total, byState, bySkipReason, byChannel };
}

/** What went between the clinic and one patient, for their data export (R36). */
export interface Correspondence {
  readonly messages: readonly {
    readonly at: string;
    readonly channel: string;
    readonly purpose: string;
    readonly state: string;
    readonly skipReason: string | null;
    readonly sentAt: string | null;
  }[];
  readonly replies: readonly {
    readonly at: string;
    readonly channel: string;
    readonly text: string;
    readonly status: string;
    readonly resolution: string | null;
  }[];
}

/**
 * Every message queued for the patient and every reply they sent, replies decrypted. Only a
 * scope that may export every class reaches it; the export that calls it audits the whole.
 */
export async function correspondenceOf(
  tx: Tx,
  keys: TenantKeys,
  scope: Scope,
  patientId: string,
): Promise<Correspondence> {
  requireClasses(scope, 'export', ['engagement', 'contact']);
  const messages = await tx
    .selectFrom('outbox_messages')
    .select(['created_at', 'channel', 'channel_requested', 'purpose', 'state', 'skip_reason', 'sent_at'])
    .where('patient_id', '=', patientId)
    .orderBy('created_at')
    .execute();
  return {
    messages: messages.map((m) => ({
      at: new Date(m.created_at).toISOString(),
      // The channel it went out on, or the one asked for while it waits.
      channel: m.channel ?? m.channel_requested,
      purpose: m.purpose,
      state: m.state,
      skipReason: m.skip_reason,
      sentAt: m.sent_at ? new Date(m.sent_at).toISOString() : null,
    })),
    replies: (await repliesOf(tx, keys, patientId)).map((r) => ({
      at: r.receivedAt.toISOString(),
      channel: r.channel,
      text: r.text,
      status: r.status,
      resolution: r.resolution,
    })),
  };
}
