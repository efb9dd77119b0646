import { INBOUND_RESOLUTION_VALUES } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope, systemActor } from '../../kernel/index.ts';
import { type AuditEvent, appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { unsealPatient } from '../patients/index.ts';
import { requireClasses } from '../policy/index.ts';
import { workingDeadline } from '../tenants/index.ts';
import { withdrawAdvertising } from './withdrawal.ts';
import { looksLikeWithdrawal } from './withdrawal-phrases.ts';

/**
 * The inbound review queue (R8): what patients write back that is not a STOP keyword. Free text
 * can be a "reasonable means" of withdrawal («больше не пишите мне»), so every such message waits
 * for a person, due at the end of the next working day; the ones that look like a withdrawal sort
 * first. Sender and text are sealed under the tenant's data key (they may say anything, health
 * included) and decrypted only for someone who may act on them, with an audit entry (R41).
 */

export type InboundResolution = (typeof INBOUND_RESOLUTION_VALUES)[number];

/** Working days a message may wait (R8). */
export const INBOUND_DUE_WORKING_DAYS = 1;

export interface InboundItem {
  readonly id: string;
  readonly channel: 'sms' | 'messenger';
  readonly provider: string;
  readonly receivedAt: Date;
  readonly dueAt: Date;
  readonly overdue: boolean;
  readonly looksLikeWithdrawal: boolean;
  /** How many patients the sender matched; 0 for an unknown sender. */
  readonly patients: number;
  readonly status: 'open' | 'resolved';
  readonly resolution: InboundResolution | null;
  readonly resolvedAt: Date | null;
}

export interface InboundDetail extends InboundItem {
  readonly from: string;
  readonly text: string;
  readonly note: string | null;
  readonly resolvedBy: string | null;
  /** The sender's patients as they stand now (a merged record shows its survivor). */
  readonly matched: readonly { readonly id: string; readonly name: string }[];
}

interface Sealed {
  readonly from: string;
  readonly text: string;
  readonly note?: string;
}

const aad = (tenantId: string, id: string) => `${tenantId}/inbound/${id}`;

/**
 * Who works the queue: whoever may record a patient's consent at the registry (owner, front
 * desk) — so marketers, analysts, doctors and auditors are refused by the policy, whatever purpose
 * they came with: the queue always runs under `registry.operations`.
 */
const asWorker = (scope: Scope, action: 'list' | 'read'): Scope => {
  const s: Scope = { ...scope, purpose: 'registry.operations' };
  requireClasses(s, action, action === 'list' ? ['engagement', 'preference'] : ['contact', 'identity']);
  requireClasses(s, 'write', ['preference']);
  return s;
};

/** Stores a message for review; a repeated provider event is the same row (R54). */
export async function queueInbound(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  msg: {
    readonly provider: string;
    readonly eventId: string;
    readonly channel: 'sms' | 'messenger';
    readonly from: string;
    readonly text: string;
    readonly patientIds: readonly string[];
  },
): Promise<string | null> {
  const tenantId = keys.tenantId;
  const now = clock.now();
  const id = newId();
  const sealed = keys.sealForTenant(
    Buffer.from(JSON.stringify({ from: msg.from, text: msg.text } satisfies Sealed)),
    aad(tenantId, id),
  );
  const looks = looksLikeWithdrawal(msg.text);
  const inserted = await tx
    .insertInto('inbound_messages')
    .values({
      tenant_id: tenantId,
      id,
      provider: msg.provider,
      event_id: msg.eventId,
      channel: msg.channel,
      patient_ids: [...msg.patientIds],
      key_version: sealed.version,
      content_enc: sealed.sealed,
      looks_like_withdrawal: looks,
      received_at: now,
      due_at: await workingDeadline(tx, tenantId, now, INBOUND_DUE_WORKING_DAYS),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await appendAudit(
    tx,
    clock,
    { tenantId, actor: systemActor(`provider:${msg.provider}`), purpose: 'registry.operations' },
    [
      {
        action: 'inbound.queued',
        outcome: 'done',
        subjectType: 'inbound_message',
        subjectId: id,
        details: { channel: msg.channel, patients: msg.patientIds.length, looksLikeWithdrawal: looks },
      },
    ],
  );
  return id;
}

type Row = {
  id: string;
  channel: 'sms' | 'messenger';
  provider: string;
  patient_ids: string[];
  received_at: Date;
  due_at: Date;
  looks_like_withdrawal: boolean;
  status: 'open' | 'resolved';
  resolution: InboundResolution | null;
  resolved_at: Date | null;
};

const ITEM_COLUMNS = [
  'id',
  'channel',
  'provider',
  'patient_ids',
  'received_at',
  'due_at',
  'looks_like_withdrawal',
  'status',
  'resolution',
  'resolved_at',
] as const;

const toItem = (r: Row, now: Date): InboundItem => {
  const dueAt = new Date(r.due_at);
  return {
    id: r.id,
    channel: r.channel,
    provider: r.provider,
    receivedAt: new Date(r.received_at),
    dueAt,
    overdue: r.status === 'open' && dueAt < now,
    looksLikeWithdrawal: r.looks_like_withdrawal,
    patients: r.patient_ids.length,
    status: r.status,
    resolution: r.resolution,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
  };
};

/** The replies a patient's number or chat sent, decrypted (the patient's own export reads them). */
export async function repliesOf(
  tx: Tx,
  keys: TenantKeys,
  patientId: string,
): Promise<(InboundItem & { readonly text: string })[]> {
  const rows = await tx
    .selectFrom('inbound_messages')
    .select([...ITEM_COLUMNS, 'key_version', 'content_enc'])
    .where(sql<boolean>`patient_ids @> ARRAY[${patientId}]::uuid[]`)
    .orderBy('received_at')
    .execute();
  const now = new Date();
  return rows.map((r) => ({ ...toItem(r as Row, now), text: openContent(keys, r).text }));
}

/**
 * Open messages, overdue first, then those that look like a withdrawal, then by deadline. No
 * sender, text or name: the list shows that a message waits, reading it is a separate, audited step.
 */
export async function listInbound(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  opts: { readonly limit?: number } = {},
): Promise<InboundItem[]> {
  const s = asWorker(scope, 'list');
  const now = clock.now();
  const rows = (await tx
    .selectFrom('inbound_messages')
    .select(ITEM_COLUMNS)
    .where('status', '=', 'open')
    .orderBy(sql`due_at < ${now}`, 'desc')
    .orderBy('looks_like_withdrawal', 'desc')
    .orderBy('due_at')
    .orderBy('received_at')
    .orderBy('id')
    .limit(Math.min(Math.max(opts.limit ?? 200, 1), 500))
    .execute()) as Row[];
  await appendAudit(tx, clock, auditContextOf(s), [
    { action: 'inbound.listed', outcome: 'allowed', details: { items: rows.length } },
  ]);
  return rows.map((r) => toItem(r, now));
}

/** Active patients the ids stand for now: a merged record is followed to its survivor. */
async function currentPatients(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: string }>`
    WITH RECURSIVE chain(id, status, merged_into, depth) AS (
      SELECT id, status, merged_into, 0 FROM patients WHERE id = ANY(${[...ids]}::uuid[])
      UNION ALL
      SELECT p.id, p.status, p.merged_into, c.depth + 1
      FROM chain c JOIN patients p ON p.id = c.merged_into
      WHERE c.status = 'merged' AND c.depth < 8
    )
    SELECT DISTINCT id FROM chain WHERE status = 'active' ORDER BY id`.execute(tx);
  return r.rows.map((x) => x.id);
}

const openContent = (keys: TenantKeys, r: { id: string; key_version: number; content_enc: Buffer }): Sealed =>
  JSON.parse(keys.openForTenant(r.key_version, r.content_enc, aad(keys.tenantId, r.id)).toString('utf8'));

/** One message decrypted, with the patients it came from; every reading is audited (R41). */
export async function readInbound(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  id: string,
): Promise<InboundDetail> {
  const s = asWorker(scope, 'read');
  if (!isUuid(id)) throw new AppError('NOT_FOUND', 'No such message.');
  const r = await tx
    .selectFrom('inbound_messages')
    .select([...ITEM_COLUMNS, 'key_version', 'content_enc', 'resolved_by'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', 'No such message.');
  const content = openContent(keys, r);
  const ids = await currentPatients(tx, r.patient_ids);
  const patients = ids.length
    ? await tx
        .selectFrom('patients')
        .select(['id', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
        .where('id', 'in', ids)
        .execute()
    : [];
  const matched = patients.map((p) => {
    const i = unsealPatient(keys, p, { identity: true, contact: false }).identity;
    return { id: p.id, name: [i?.lastName, i?.firstName, i?.middleName].filter(Boolean).join(' ') };
  });
  const events: AuditEvent[] = [
    { action: 'inbound.read', outcome: 'allowed', subjectType: 'inbound_message', subjectId: id },
    ...ids.map(
      (patientId): AuditEvent => ({
        action: 'inbound.read',
        outcome: 'allowed',
        subjectType: 'patient',
        subjectId: patientId,
        details: { message: id },
      }),
    ),
  ];
  await appendAudit(tx, clock, auditContextOf(s), events);
  return {
    ...toItem(r as Row, clock.now()),
    from: content.from,
    text: content.text,
    note: content.note ?? null,
    resolvedBy: r.resolved_by,
    matched,
  };
}

/**
 * A person's decision on a message. `withdrawal` withdraws advertising on the message's channel
 * for the sender's patients exactly as STOP does — ledger event and suppression — recorded under
 * the person who read it; `no_action` needs a note saying why. The note is sealed with the text.
 */
export async function resolveInbound(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  id: string,
  input: { readonly resolution: InboundResolution; readonly note?: string },
): Promise<{ readonly resolution: InboundResolution; readonly withdrawn: number }> {
  const s = asWorker(scope, 'read');
  if (!INBOUND_RESOLUTION_VALUES.includes(input.resolution))
    throw new AppError('VALIDATION_FAILED', 'Unknown resolution.', [
      { field: 'resolution', issue: 'unknown' },
    ]);
  const note = input.note?.trim() ?? '';
  if (input.resolution === 'no_action' && !note)
    throw new AppError('REASON_REQUIRED', 'Say why the message needs nothing done.');
  if (!isUuid(id)) throw new AppError('NOT_FOUND', 'No such message.');
  const r = await tx
    .selectFrom('inbound_messages')
    .select(['id', 'channel', 'patient_ids', 'status', 'key_version', 'content_enc'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', 'No such message.');
  if (r.status !== 'open') throw new AppError('CONFLICT', 'The message is already resolved.');
  let withdrawn: string[] = [];
  if (input.resolution === 'withdrawal') {
    withdrawn = await currentPatients(tx, r.patient_ids);
    if (withdrawn.length === 0)
      throw new AppError(
        'CONFLICT',
        'No patient is known by this sender: find the patient and record the withdrawal on their card.',
      );
    await withdrawAdvertising(tx, keys, clock, () => s, withdrawn, {
      channel: r.channel,
      reason: 'opt_out',
      source: `inbound:${id}`,
      evidence: { note: `Free-text message on ${r.channel}, read by staff (inbound ${id})` },
    });
  }
  const now = clock.now();
  const resealed = note
    ? keys.sealForTenant(
        Buffer.from(JSON.stringify({ ...openContent(keys, r), note } satisfies Sealed)),
        aad(keys.tenantId, id),
      )
    : null;
  await tx
    .updateTable('inbound_messages')
    .set({
      status: 'resolved',
      resolution: input.resolution,
      resolved_by: actorId(s.actor),
      resolved_at: now,
      ...(resealed ? { key_version: resealed.version, content_enc: resealed.sealed } : {}),
    })
    .where('id', '=', id)
    .execute();
  await appendAudit(tx, clock, auditContextOf(s), [
    {
      action: 'inbound.resolved',
      outcome: 'done',
      subjectType: 'inbound_message',
      subjectId: id,
      details: { resolution: input.resolution, patients: withdrawn, noted: Boolean(note) },
    },
  ]);
  return { resolution: input.resolution, withdrawn: withdrawn.length };
}
