import type { Channel } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { type Clock, localDay, systemActor } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { loadApproved } from '../content/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { canonicalLookup, lookupMatches, unsealPatient } from '../patients/index.ts';
import { getTenant } from '../tenants/index.ts';
import { measureDomain } from './domains.ts';
import { enqueueMessages } from './enqueue.ts';
import { queueInbound } from './inbound.ts';
import { withdrawAdvertising } from './withdrawal.ts';

/** Channel-native opt-out words (R8), matched case-insensitively on the whole trimmed message. */
export const STOP_KEYWORDS: readonly string[] = [
  'stop',
  'quit',
  'end',
  'revoke',
  'opt out',
  'cancel',
  'unsubscribe',
  'стоп',
  'отписаться',
  'отписка',
  '/stop',
];

export const isStopKeyword = (text: string): boolean =>
  STOP_KEYWORDS.includes(
    text
      .normalize('NFC')
      .trim()
      .toLowerCase()
      .replace(/[\s.!]+$/u, '')
      .replace(/\s+/g, ' '),
  );

export const RECEIPT_STATUSES = ['delivered', 'failed', 'bounced', 'complained'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export interface Receipt {
  /** The provider's own event id: a repeated webhook changes nothing (R54). */
  readonly eventId: string;
  /** Our reference (the idempotency key) or the provider's message id. */
  readonly reference?: string;
  readonly providerMessageId?: string;
  readonly status: ReceiptStatus;
}

export interface InboundMessage {
  readonly eventId: string;
  /** The sender's phone number or messenger id. */
  readonly from: string;
  readonly text: string;
}

const firstTime = async (
  tx: Tx,
  tenantId: string,
  provider: string,
  eventId: string,
  kind: string,
  now: Date,
  messageId: string | null,
) => {
  const r = await sql<{ event_id: string }>`
    INSERT INTO delivery_provider_events (tenant_id, provider, event_id, kind, message_id, received_at)
    VALUES (${tenantId}, ${provider}, ${eventId}, ${kind}, ${messageId}, ${now})
    ON CONFLICT DO NOTHING RETURNING event_id`.execute(tx);
  return r.rows.length > 0;
};

/**
 * A delivery receipt (R54): delivered or failed moves the message on (a receipt also settles a
 * message left in `sending`, R52); a hard bounce suppresses the address for every purpose, a
 * complaint for marketing and counts against the domain the e-mail came from (R20).
 */
export async function applyReceipt(
  tx: Tx,
  clock: Clock,
  tenantId: string,
  provider: string,
  receipt: Receipt,
) {
  const now = clock.now();
  const ref =
    receipt.reference && /^[0-9a-f]{32}$/.test(receipt.reference)
      ? Buffer.from(receipt.reference, 'hex')
      : null;
  const msg = await tx
    .selectFrom('outbox_messages')
    .select(['id', 'patient_id', 'channel', 'state', 'sender_domain'])
    .where('provider', '=', provider)
    .where((eb) =>
      ref ? eb('idem_key', '=', ref) : eb('provider_message_id', '=', receipt.providerMessageId ?? '\u0000'),
    )
    .forUpdate()
    .executeTakeFirst();
  if (
    !(await firstTime(
      tx,
      tenantId,
      provider,
      receipt.eventId,
      `receipt.${receipt.status}`,
      now,
      msg?.id ?? null,
    ))
  )
    return { duplicate: true, matched: Boolean(msg) };
  if (!msg) return { duplicate: false, matched: false };
  const delivered = receipt.status === 'delivered';
  await tx
    .updateTable('outbox_messages')
    .set({
      state: delivered ? 'delivered' : 'failed',
      ...(delivered ? { delivered_at: now } : { last_error: receipt.status }),
      ...(msg.state === 'sending' ? { sent_at: now } : {}),
      updated_at: now,
    })
    .where('id', '=', msg.id)
    .where('state', 'in', ['sending', 'sent', 'delivered', 'review'])
    .execute();
  if ((receipt.status === 'bounced' || receipt.status === 'complained') && msg.channel) {
    await tx
      .insertInto('delivery_suppressions')
      .values({
        tenant_id: tenantId,
        patient_id: msg.patient_id,
        channel: msg.channel,
        reason: receipt.status === 'bounced' ? 'hard_bounce' : 'complaint',
        scope: receipt.status === 'bounced' ? 'all' : 'marketing',
        source: provider,
        created_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  // Each complaint re-measures its sending domain at once: the breaker trips on the complaint that
  // crosses the line, not at the next scheduled measurement (R20).
  if (receipt.status === 'complained' && msg.sender_domain)
    await measureDomain(tx, clock, tenantId, msg.sender_domain);
  await appendAudit(
    tx,
    clock,
    { tenantId, actor: systemActor(`provider:${provider}`), purpose: 'registry.operations' },
    [
      {
        action: 'delivery.receipt',
        outcome: 'done',
        subjectType: 'message',
        subjectId: msg.id,
        details: { status: receipt.status },
      },
    ],
  );
  return { duplicate: false, matched: true };
}

/**
 * An inbound message on a channel (R8). A STOP keyword withdraws advertising consent for that
 * channel through the ledger, suppresses marketing on it, and queues the one confirmation R22
 * allows. Any other text goes to the review queue, whoever sent it, due within a working day.
 */
export async function applyInbound(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  tenantId: string,
  provider: string,
  channel: Extract<Channel, 'sms' | 'messenger'>,
  msg: InboundMessage,
): Promise<{ duplicate: boolean; action: 'withdrawn' | 'review' | 'unknown_sender'; patients: number }> {
  const now = clock.now();
  const stop = isStopKeyword(msg.text);
  if (
    !(await firstTime(tx, tenantId, provider, msg.eventId, stop ? 'inbound.stop' : 'inbound.text', now, null))
  )
    return { duplicate: true, action: stop ? 'withdrawn' : 'review', patients: 0 };
  const patients = await findBySender(tx, keys, channel, msg.from);
  if (!stop) {
    await queueInbound(tx, keys, clock, { ...msg, provider, channel, patientIds: patients });
    return { duplicate: false, action: 'review', patients: patients.length };
  }
  await withdrawAdvertising(
    tx,
    keys,
    clock,
    (patientId) => ({ tenantId, actor: { kind: 'patient', patientId }, purpose: 'subject.rights' }),
    patients,
    { channel, reason: 'stop_keyword', source: provider },
  );
  await confirmStop(tx, clock, tenantId, channel, patients);
  return {
    duplicate: false,
    action: patients.length > 0 ? 'withdrawn' : 'unknown_sender',
    patients: patients.length,
  };
}

/** The approved content of the confirmation after STOP, in the content library (R22). */
export const STOP_CONFIRMATION_TEMPLATE = 'stop.confirmation';
/** After this the confirmation is never sent: R22 allows it within 5 minutes of the STOP only. */
export const STOP_CONFIRMATION_WINDOW_MS = 5 * 60_000;

/**
 * Queues the one confirmation R22 allows after STOP, on the channel the STOP came from, under
 * `service.notice`: not advertising, so the marketing suppression the STOP just made and the
 * advertising budget do not hold it back, and quiet hours do not delay it. It expires after
 * 5 minutes, so it is never sent late. Its occurrence is the clinic's calendar day, so a second
 * STOP that day (or a replay) adds nothing: at most one per patient, channel and day. Without an
 * approved template nothing is sent, and the audit says why.
 */
async function confirmStop(
  tx: Tx,
  clock: Clock,
  tenantId: string,
  channel: 'sms' | 'messenger',
  patientIds: readonly string[],
): Promise<void> {
  if (patientIds.length === 0) return;
  const scope = { tenantId, actor: systemActor('delivery'), purpose: 'service.notice' as const };
  const template = (await loadApproved(tx, [STOP_CONFIRMATION_TEMPLATE])).get(STOP_CONFIRMATION_TEMPLATE);
  if (!template) {
    await appendAudit(tx, clock, auditContextOf(scope), [
      {
        action: 'delivery.stop_confirmation',
        outcome: 'denied',
        details: { reason: 'no_approved_template', patients: patientIds.length },
      },
    ]);
    return;
  }
  const tenant = await getTenant(tx, tenantId);
  const now = clock.now();
  await enqueueMessages(
    tx,
    scope,
    patientIds.map((patientId) => ({
      patientId,
      purpose: 'service.notice' as const,
      campaignId: null,
      channel,
      content: { templateId: template.version.templateId, version: template.version.version },
      context: { clinic: { name: tenant.name } },
      occurrenceKey: `stop-confirmation:${localDay(now, tenant.timeZone)}`,
      notBefore: now,
      notAfter: new Date(now.getTime() + STOP_CONFIRMATION_WINDOW_MS),
    })),
    { clock },
  );
}

/** Patients whose phone (or messenger id) is the sender: blind-index candidates, confirmed by decrypting. */
async function findBySender(
  tx: Tx,
  keys: TenantKeys,
  channel: 'sms' | 'messenger',
  from: string,
): Promise<string[]> {
  if (channel === 'sms') {
    const phone = canonicalLookup('phone', from);
    if (!phone) return [];
    const candidates = await tx
      .selectFrom('patient_lookup as l')
      .innerJoin('patients as p', (j) =>
        j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.patient_id'),
      )
      .select(['p.id', 'p.key_version', 'p.key_wrapped', 'p.identity_enc', 'p.contact_enc'])
      .where(lookupMatches(keys, 'phone', phone))
      .where('p.status', '=', 'active')
      .execute();
    return candidates
      .filter((c) => {
        const u = unsealPatient(keys, c, { identity: false, contact: true });
        return u.contact?.phone !== undefined && canonicalLookup('phone', u.contact.phone) === phone;
      })
      .map((c) => c.id);
  }
  // Messenger ids are not blind-indexed: the bot's own chat id is matched on messages we sent.
  const rows = await tx
    .selectFrom('outbox_messages as o')
    .innerJoin('patients as p', (j) =>
      j.onRef('p.tenant_id', '=', 'o.tenant_id').onRef('p.id', '=', 'o.patient_id'),
    )
    .select(['p.id', 'p.key_version', 'p.key_wrapped', 'p.identity_enc', 'p.contact_enc'])
    .distinct()
    .where('o.channel', '=', 'messenger')
    .where('p.status', '=', 'active')
    .limit(10_000)
    .execute();
  return rows
    .filter((c) => unsealPatient(keys, c, { identity: false, contact: true }).contact?.messenger === from)
    .map((c) => c.id);
}
