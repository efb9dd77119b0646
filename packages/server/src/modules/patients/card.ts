import type { DataClass } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { classesFor, decide, PATIENT_TABLE_CLASSES } from '../policy/index.ts';
import { maskDigits, maskEmail, maskPhone, type Revealable } from './mask.ts';
import { unsealPatient } from './seal.ts';
import type { PatientContact, PatientIdentity } from './types.ts';

type PatientColumn = keyof typeof PATIENT_TABLE_CLASSES.patients;

/** A patient as one staff member may see them: only the classes their role and purpose allow. */
export interface PatientCard {
  readonly id: string;
  readonly status: 'active' | 'merged' | 'erased';
  readonly mergedInto: string | null;
  /** Classes shown; the rest were withheld by the policy. */
  readonly classes: readonly DataClass[];
  readonly identity?: PatientIdentity;
  readonly contact?: PatientContact;
  readonly demographic?: { sex: string | null; birthYear: number | null; city: string | null };
  readonly preference?: {
    language: string;
    preferredChannel: string | null;
    preferredTime: string | null;
    visitMode: string | null;
    timeZone: string | null;
  };
  readonly visitTiming?: { homeBranchId: string | null };
  readonly revealed: readonly Revealable[];
}

/** The columns of `patients` a set of classes permits; keys always. */
export const permittedColumns = (classes: ReadonlySet<DataClass>): PatientColumn[] =>
  (Object.entries(PATIENT_TABLE_CLASSES.patients) as [PatientColumn, string][])
    .filter(([, c]) => c === 'key' || classes.has(c as DataClass))
    .map(([col]) => col);

function mask(
  identity: PatientIdentity | undefined,
  contact: PatientContact | undefined,
  reveal: ReadonlySet<Revealable>,
) {
  const id = identity && {
    ...identity,
    ...(identity.snils && !reveal.has('snils') ? { snils: maskDigits(identity.snils) } : {}),
    ...(identity.omsPolicy && !reveal.has('omsPolicy')
      ? { omsPolicy: maskDigits(identity.omsPolicy, 4) }
      : {}),
    ...(identity.nationalId && !reveal.has('nationalId')
      ? { nationalId: maskDigits(identity.nationalId, 2) }
      : {}),
  };
  const ct = contact && {
    ...contact,
    ...(contact.phone && !reveal.has('phone') ? { phone: maskPhone(contact.phone) } : {}),
    ...(contact.email && !reveal.has('email') ? { email: maskEmail(contact.email) } : {}),
  };
  return { identity: id, contact: ct };
}

/**
 * Reads one patient through the policy: the query selects only permitted columns,
 * decrypts only permitted classes, masks identifiers unless asked, and appends the
 * access to the audit trail in the same transaction. Another tenant's patient is
 * simply not found.
 */
export async function readCard(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
  reveal: readonly Revealable[] = [],
): Promise<PatientCard> {
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const classes = classesFor(scope, 'read');
  if (classes.size === 0) {
    // Say why: the role, or the purpose.
    if (scope.actor.kind === 'staff') {
      const d = decide({
        role: scope.actor.role,
        purpose: scope.purpose,
        action: 'read',
        dataClass: 'identity',
      });
      if (!d.allowed) throw new AppError(d.code, d.reason);
    }
    throw new AppError(
      'PURPOSE_NOT_PERMITTED',
      `purpose ${scope.purpose} does not allow reading patient records`,
    );
  }
  const row = (await tx
    .selectFrom('patients')
    .select(permittedColumns(classes))
    .where('id', '=', patientId)
    .executeTakeFirst()) as Partial<Record<PatientColumn, unknown>> | undefined;
  if (!row) throw new AppError('NOT_FOUND', 'No such patient.');
  const revealable = new Set(
    reveal.filter((r) => (r === 'phone' || r === 'email' ? classes.has('contact') : classes.has('identity'))),
  );
  const want = { identity: classes.has('identity'), contact: classes.has('contact') };
  const plain =
    want.identity || want.contact
      ? unsealPatient(
          keys,
          {
            id: patientId,
            key_version: (row.key_version as number | null) ?? null,
            key_wrapped: (row.key_wrapped as Buffer | null) ?? null,
            identity_enc: (row.identity_enc as Buffer | null) ?? null,
            contact_enc: (row.contact_enc as Buffer | null) ?? null,
          },
          want,
        )
      : {};
  const masked = mask(plain.identity, plain.contact, revealable);
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: revealable.size > 0 ? 'patient.reveal' : 'patient.read',
      outcome: 'allowed',
      subjectType: 'patient',
      subjectId: patientId,
      details: { classes: [...classes].sort(), revealed: [...revealable].sort() },
    },
  ]);
  return {
    id: patientId,
    status: row.status as PatientCard['status'],
    mergedInto: (row.merged_into as string | null) ?? null,
    classes: [...classes].sort(),
    ...(masked.identity ? { identity: masked.identity } : {}),
    ...(masked.contact ? { contact: masked.contact } : {}),
    ...(classes.has('demographic')
      ? {
          demographic: {
            sex: (row.sex as string | null) ?? null,
            birthYear: (row.birth_year as number | null) ?? null,
            city: (row.city as string | null) ?? null,
          },
        }
      : {}),
    ...(classes.has('preference')
      ? {
          preference: {
            language: row.language as string,
            preferredChannel: (row.preferred_channel as string | null) ?? null,
            preferredTime: (row.preferred_time as string | null) ?? null,
            visitMode: (row.visit_mode as string | null) ?? null,
            timeZone: (row.time_zone as string | null) ?? null,
          },
        }
      : {}),
    ...(classes.has('visit_timing')
      ? { visitTiming: { homeBranchId: (row.home_branch_id as string | null) ?? null } }
      : {}),
    revealed: [...revealable],
  };
}
