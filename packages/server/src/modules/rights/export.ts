import { DATA_CLASSES } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf, listAudit } from '../audit/index.ts';
import { consentHistory, currentConsents } from '../consent/index.ts';
import { openJson, type TenantKeys } from '../crypto/index.ts';
import { type Correspondence, correspondenceOf } from '../delivery/index.ts';
import { type PatientContact, type PatientIdentity, unsealPatient } from '../patients/index.ts';
import { requireClasses } from '../policy/index.ts';
import { recipientsOf } from '../processors/index.ts';

/** Everything Careloop holds about one patient (R36), in plain values. */
export interface SubjectPackage {
  readonly generatedAt: string;
  readonly clinic: { name: string };
  readonly patient: {
    id: string;
    status: string;
    registeredAt: string;
    identity: PatientIdentity | null;
    contact: PatientContact | null;
    sex: string | null;
    city: string | null;
    preferences: {
      language: string;
      channel: string | null;
      timeOfDay: string | null;
      visitMode: string | null;
    };
  };
  readonly visits: {
    at: string;
    branch: string;
    specialty: string | null;
    doctor: string | null;
    services: string[];
    amountRub: number;
  }[];
  readonly appointments: {
    at: string;
    status: string;
    branch: string;
    doctor: string;
    service: string | null;
  }[];
  readonly consents: {
    current: { kind: string; status: string; since: string; expiresAt: string | null }[];
    history: { at: string; kind: string; event: string; method: string; document: string | null }[];
  };
  readonly representatives: { relationship: string; fullName: string; authorityDocument: string }[];
  /** Messages the clinic queued for the patient (sent or skipped, and why). */
  readonly messages: Correspondence['messages'];
  /** What the patient wrote back, in their words. */
  readonly replies: Correspondence['replies'];
  /** Who accessed the record, when and why: the recipients of the data inside the clinic. */
  readonly accesses: { at: string; actor: string; action: string; purpose: string | null; outcome: string }[];
  /** Outside parties the clinic entrusts with patients' data, and what went to each (R58). */
  readonly processors: {
    legalName: string;
    service: string;
    role: string;
    country: string;
    dataClasses: string[];
    since: string;
    until: string | null;
    messages: number;
  }[];
}

export async function buildSubjectPackage(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
): Promise<SubjectPackage> {
  requireClasses(scope, 'export', [...DATA_CLASSES]);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const p = await tx.selectFrom('patients').selectAll().where('id', '=', patientId).executeTakeFirst();
  if (!p) throw new AppError('NOT_FOUND', 'No such patient.');
  const tenant = await tx
    .selectFrom('tenants')
    .select('name')
    .where('tenant_id', '=', scope.tenantId)
    .executeTakeFirstOrThrow();
  const plain = unsealPatient(keys, p, { identity: true, contact: true });
  const visits = await tx
    .selectFrom('visits as v')
    .innerJoin('branches as b', (j) =>
      j.onRef('b.tenant_id', '=', 'v.tenant_id').onRef('b.id', '=', 'v.branch_id'),
    )
    .leftJoin('specialties as s', (j) =>
      j.onRef('s.tenant_id', '=', 'v.tenant_id').onRef('s.id', '=', 'v.specialty_id'),
    )
    .leftJoin('doctors as d', (j) =>
      j.onRef('d.tenant_id', '=', 'v.tenant_id').onRef('d.id', '=', 'v.doctor_id'),
    )
    .leftJoin('services as m', (j) =>
      j.onRef('m.tenant_id', '=', 'v.tenant_id').onRef('m.id', '=', 'v.service_id'),
    )
    .select([
      'v.id',
      'v.visited_at',
      'v.amount_minor',
      'b.name_ru as branch',
      's.name_ru as specialty',
      'd.full_name as doctor',
      'm.name_ru as main',
    ])
    .where('v.patient_id', '=', patientId)
    .orderBy('v.visited_at')
    .execute();
  const extras = visits.length
    ? await tx
        .selectFrom('visit_services as vs')
        .innerJoin('services as m', (j) =>
          j.onRef('m.tenant_id', '=', 'vs.tenant_id').onRef('m.id', '=', 'vs.service_id'),
        )
        .select(['vs.visit_id', 'm.name_ru'])
        .where(
          'vs.visit_id',
          'in',
          visits.map((v) => v.id),
        )
        .orderBy('vs.line_no')
        .execute()
    : [];
  const appointments = await tx
    .selectFrom('appointments as a')
    .innerJoin('branches as b', (j) =>
      j.onRef('b.tenant_id', '=', 'a.tenant_id').onRef('b.id', '=', 'a.branch_id'),
    )
    .innerJoin('doctors as d', (j) =>
      j.onRef('d.tenant_id', '=', 'a.tenant_id').onRef('d.id', '=', 'a.doctor_id'),
    )
    .leftJoin('services as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.service_id'),
    )
    .select([
      'a.starts_at',
      'a.status',
      'b.name_ru as branch',
      'd.full_name as doctor',
      'm.name_ru as service',
    ])
    .where('a.patient_id', '=', patientId)
    .orderBy('a.starts_at')
    .execute();
  const reps = await tx
    .selectFrom('patient_representatives')
    .selectAll()
    .where('patient_id', '=', patientId)
    .execute();
  const key =
    p.key_version !== null && p.key_wrapped
      ? keys.unwrapPatientKey(patientId, p.key_version, p.key_wrapped)
      : null;
  const current = await currentConsents(tx, clock, scope, patientId);
  const history = await consentHistory(tx, keys, clock, scope, patientId);
  const accesses = await listAudit(tx, { subjectId: patientId, limit: 500 });
  const { messages, replies } = await correspondenceOf(tx, keys, scope, patientId);
  const recipients = await recipientsOf(tx, scope.tenantId, patientId);
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'patient.exported',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: { visits: visits.length, messages: messages.length, replies: replies.length },
    },
  ]);
  return {
    generatedAt: clock.now().toISOString(),
    clinic: { name: tenant.name },
    patient: {
      id: patientId,
      status: p.status,
      registeredAt: new Date(p.created_at).toISOString(),
      identity: plain.identity ?? null,
      contact: plain.contact ?? null,
      sex: p.sex,
      city: p.city,
      preferences: {
        language: p.language,
        channel: p.preferred_channel,
        timeOfDay: p.preferred_time,
        visitMode: p.visit_mode,
      },
    },
    visits: visits.map((v) => ({
      at: new Date(v.visited_at).toISOString(),
      branch: v.branch,
      specialty: v.specialty,
      doctor: v.doctor,
      services: [
        ...(v.main ? [v.main] : []),
        ...extras.filter((e) => e.visit_id === v.id).map((e) => e.name_ru),
      ],
      amountRub: v.amount_minor / 100,
    })),
    appointments: appointments.map((a) => ({
      at: new Date(a.starts_at).toISOString(),
      status: a.status,
      branch: a.branch,
      doctor: a.doctor,
      service: a.service,
    })),
    consents: {
      current: current.map((c) => ({
        kind: c.kind,
        status: c.active ? 'granted' : c.status,
        since: c.since.toISOString(),
        expiresAt: c.expiresAt?.toISOString() ?? null,
      })),
      history: history.map((h) => ({
        at: h.occurredAt.toISOString(),
        kind: h.kind,
        event: h.event,
        method: h.captureMethod,
        document: h.document ? `${h.document.title} (v${h.document.version})` : null,
      })),
    },
    representatives: key
      ? reps.map((r) => ({
          relationship: r.relationship,
          ...openJson<{ fullName: string; authorityDocument: string }>(
            key,
            r.details_enc,
            `${scope.tenantId}/${patientId}/representative/${r.id}`,
          ),
        }))
      : [],
    messages,
    replies,
    accesses: accesses.map((a) => ({
      at: a.at.toISOString(),
      actor: a.actor,
      action: a.action,
      purpose: a.purpose,
      outcome: a.outcome,
    })),
    processors: recipients.map((r) => ({
      ...r,
      dataClasses: [...r.dataClasses],
      since: r.since.toISOString(),
      until: r.until?.toISOString() ?? null,
    })),
  };
}
