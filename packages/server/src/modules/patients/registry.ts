import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { openJson, sealJson, type TenantKeys } from '../crypto/index.ts';
import { requireClasses } from '../policy/index.ts';
import { reindexPatient } from './lookup.ts';
import { contactAad, derivedColumns, identityAad, sealPatient } from './seal.ts';
import type { NewPatient, PatientContact, PatientIdentity, PatientProfile } from './types.ts';

/** Registers a patient: the row with its own key, its blind-index entries, and the audit entry. */
export async function registerPatient(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  input: NewPatient,
): Promise<string> {
  requireClasses(scope, 'write', ['identity', 'contact', 'demographic', 'preference']);
  const sealed = sealPatient(keys, input, clock.now());
  await tx.insertInto('patients').values(sealed.patient).execute();
  if (sealed.lookups.length > 0) await tx.insertInto('patient_lookup').values(sealed.lookups).execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    { action: 'patient.registered', outcome: 'done', subjectType: 'patient', subjectId: sealed.patient.id },
  ]);
  return sealed.patient.id;
}

export interface Rectification {
  readonly identity?: Partial<Record<keyof PatientIdentity, string | null>>;
  readonly contact?: Partial<Record<keyof PatientContact, string | null>>;
  readonly profile?: Partial<PatientProfile>;
}

const merge = <T extends object>(
  current: T,
  changes: Partial<Record<keyof T, string | null>> | undefined,
): T => {
  if (!changes) return current;
  const out = { ...current } as Record<string, unknown>;
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as T;
};

/**
 * Corrects a patient's data (R9 rectification, or a front-desk correction): the new
 * values are sealed under the patient's own key and the blind indexes rebuilt.
 * The audit entry names the fields changed, never their values.
 */
export async function rectifyPatient(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
  changes: Rectification,
): Promise<void> {
  requireClasses(scope, 'write', ['identity', 'contact', 'demographic', 'preference']);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const row = await tx
    .selectFrom('patients')
    .select(['id', 'status', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
    .where('id', '=', patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such patient.');
  if (row.status !== 'active' || row.key_version === null || row.key_wrapped === null) {
    throw new AppError('CONFLICT', 'Only an active patient can be corrected.');
  }
  const t = keys.tenantId;
  const key = keys.unwrapPatientKey(patientId, row.key_version, row.key_wrapped);
  const identity = merge(
    openJson<PatientIdentity>(key, row.identity_enc!, identityAad(t, patientId)),
    changes.identity,
  );
  const contact = merge(
    openJson<PatientContact>(key, row.contact_enc!, contactAad(t, patientId)),
    changes.contact,
  );
  if (!identity.lastName || !identity.firstName) {
    throw new AppError('VALIDATION_FAILED', 'A patient keeps a surname and a first name.', [
      { field: 'identity', issue: 'required' },
    ]);
  }
  const p = changes.profile ?? {};
  await tx
    .updateTable('patients')
    .set({
      identity_enc: sealJson(key, identity, identityAad(t, patientId)),
      contact_enc: sealJson(key, contact, contactAad(t, patientId)),
      ...derivedColumns({ identity, contact }),
      ...(p.sex !== undefined ? { sex: p.sex } : {}),
      ...(p.city !== undefined ? { city: p.city } : {}),
      ...(p.language !== undefined ? { language: p.language } : {}),
      ...(p.preferredChannel !== undefined ? { preferred_channel: p.preferredChannel } : {}),
      ...(p.preferredTime !== undefined ? { preferred_time: p.preferredTime } : {}),
      ...(p.visitMode !== undefined ? { visit_mode: p.visitMode } : {}),
      ...(p.timeZone !== undefined ? { time_zone: p.timeZone } : {}),
      ...(p.homeBranchId !== undefined ? { home_branch_id: p.homeBranchId } : {}),
      updated_at: clock.now(),
    })
    .where('id', '=', patientId)
    .execute();
  await reindexPatient(tx, keys, patientId, identity, contact);
  const fields = [
    ...Object.keys(changes.identity ?? {}).map((k) => `identity.${k}`),
    ...Object.keys(changes.contact ?? {}).map((k) => `contact.${k}`),
    ...Object.keys(p).map((k) => `profile.${k}`),
  ];
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'patient.rectified',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: { fields },
    },
  ]);
}
