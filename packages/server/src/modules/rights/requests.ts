import type { SubjectRequestKind, Tx } from '../../db/index.ts';
import {
  AppError,
  actorId,
  type Clock,
  endOfLocalDay,
  isUuid,
  localDay,
  newId,
  type Scope,
} from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { calendarOf } from '../tenants/index.ts';
import { canExtend, dueDay } from './deadlines.ts';

export interface SubjectRequest {
  readonly id: string;
  readonly patientId: string;
  readonly kind: SubjectRequestKind;
  readonly jurisdiction: 'RU' | 'EU' | 'US';
  readonly receivedVia: string;
  readonly receivedAt: Date;
  readonly dueAt: Date;
  readonly extendedDueAt: Date | null;
  readonly status: 'open' | 'completed' | 'rejected';
  readonly closedAt: Date | null;
  readonly outcome: Record<string, unknown> | null;
  /** Whole days left until the effective deadline; negative once overdue. */
  readonly daysLeft: number;
  readonly overdue: boolean;
}

type Row = {
  id: string;
  patient_id: string;
  kind: SubjectRequestKind;
  jurisdiction: 'RU' | 'EU' | 'US';
  received_via: string;
  received_at: Date;
  due_at: Date;
  extended_due_at: Date | null;
  status: 'open' | 'completed' | 'rejected';
  closed_at: Date | null;
  outcome: Record<string, unknown> | null;
};

const toRequest = (r: Row, now: Date): SubjectRequest => {
  const due = new Date(r.extended_due_at ?? r.due_at);
  return {
    id: r.id,
    patientId: r.patient_id,
    kind: r.kind,
    jurisdiction: r.jurisdiction,
    receivedVia: r.received_via,
    receivedAt: new Date(r.received_at),
    dueAt: new Date(r.due_at),
    extendedDueAt: r.extended_due_at ? new Date(r.extended_due_at) : null,
    status: r.status,
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    outcome: r.outcome,
    daysLeft: Math.floor((due.getTime() - now.getTime()) / 86_400_000),
    overdue: r.status === 'open' && due < now,
  };
};

const RECEIVED_VIA = new Set(['front_desk', 'post', 'email', 'web', 'phone', 'preference_page']);

/** Records a request with its legal deadline, counted from the day it arrived in the clinic's zone. */
export async function openRequest(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: { patientId: string; kind: SubjectRequestKind; receivedVia: string; receivedAt?: Date },
): Promise<SubjectRequest> {
  if (!isUuid(input.patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  if (!RECEIVED_VIA.has(input.receivedVia)) {
    throw new AppError('VALIDATION_FAILED', 'Unknown way of receiving a request.', [
      { field: 'receivedVia', issue: 'unknown' },
    ]);
  }
  const patient = await tx
    .selectFrom('patients')
    .select('id')
    .where('id', '=', input.patientId)
    .executeTakeFirst();
  if (!patient) throw new AppError('NOT_FOUND', 'No such patient.');
  const { calendar, tz, jurisdiction } = await calendarOf(tx, scope.tenantId);
  const receivedAt = input.receivedAt ?? clock.now();
  const day = localDay(receivedAt, tz);
  const due = dueDay(calendar, jurisdiction, input.kind, new Date(`${day}T00:00:00Z`));
  const row = await tx
    .insertInto('subject_requests')
    .values({
      tenant_id: scope.tenantId,
      id: newId(),
      patient_id: input.patientId,
      kind: input.kind,
      jurisdiction,
      received_via: input.receivedVia as never,
      received_at: receivedAt,
      due_at: endOfLocalDay(due.toISOString().slice(0, 10), tz),
      created_by: actorId(scope.actor),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'subject_request.opened',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: input.patientId,
      details: { kind: input.kind, requestId: row.id },
    },
  ]);
  return toRequest(row, clock.now());
}

/** A reasoned extension where the law allows one (RU +5 working days, GDPR +2 months). */
export async function extendRequest(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  id: string,
  reason: string,
): Promise<SubjectRequest> {
  if (!reason.trim()) throw new AppError('REASON_REQUIRED', 'An extension is notified with its reason.');
  const r = await tx
    .selectFrom('subject_requests')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', 'No such request.');
  if (r.status !== 'open' || r.extended_due_at)
    throw new AppError('CONFLICT', 'Only an open request is extended, once.');
  if (!canExtend(r.jurisdiction, r.kind))
    throw new AppError('CONFLICT', 'The law allows no extension for this request.');
  const { calendar, tz } = await calendarOf(tx, scope.tenantId);
  const day = localDay(new Date(r.received_at), tz);
  const due = dueDay(calendar, r.jurisdiction, r.kind, new Date(`${day}T00:00:00Z`), true);
  const row = await tx
    .updateTable('subject_requests')
    .set({ extended_due_at: endOfLocalDay(due.toISOString().slice(0, 10), tz), extension_reason: reason })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'subject_request.extended',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: r.patient_id,
      details: { requestId: id },
    },
  ]);
  return toRequest(row, clock.now());
}

export async function closeRequest(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  id: string,
  status: 'completed' | 'rejected',
  outcome: Record<string, unknown>,
): Promise<SubjectRequest> {
  const row = await tx
    .updateTable('subject_requests')
    .set({ status, closed_at: clock.now(), outcome: JSON.stringify(outcome) })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('CONFLICT', 'No such open request.');
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: `subject_request.${status}`,
      outcome: 'done',
      subjectType: 'patient',
      subjectId: row.patient_id,
      details: { requestId: id },
    },
  ]);
  return toRequest(row, clock.now());
}

/** Open requests by deadline, the overdue and nearly due first. */
export async function listRequests(
  tx: Tx,
  clock: Clock,
  filter: { status?: 'open' | 'completed' | 'rejected' } = {},
): Promise<SubjectRequest[]> {
  let q = tx.selectFrom('subject_requests').selectAll().orderBy('due_at').limit(500);
  if (filter.status) q = q.where('status', '=', filter.status);
  const now = clock.now();
  return (await q.execute()).map((r) => toRequest(r, now)).sort((a, b) => a.daysLeft - b.daysLeft);
}
