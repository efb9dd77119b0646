import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { requireClasses } from '../policy/index.ts';

/** What erasure destroyed and what it kept, for the destruction act (R35). No personal data. */
export interface DestructionAct {
  readonly patientId: string;
  readonly erasedAt: string;
  readonly shredded: readonly string[];
  readonly removed: Readonly<Record<string, number>>;
  readonly retained: readonly string[];
}

/**
 * Erases a patient by crypto-shredding (R35): the patient key and every ciphertext
 * go, and so do the blind-index entries, links, representatives and clear
 * demographic columns, so nothing can be read or found again. Future appointments
 * are cancelled. What remains is pseudonymous: the consent ledger as proof of
 * lawful processing, and visits for aggregate statistics.
 */
export async function erasePatient(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  patientId: string,
): Promise<DestructionAct> {
  requireClasses(scope, 'write', ['identity', 'contact', 'demographic', 'preference']);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const p = await tx
    .selectFrom('patients')
    .select(['status'])
    .where('id', '=', patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!p) throw new AppError('NOT_FOUND', 'No such patient.');
  if (p.status === 'erased') throw new AppError('CONFLICT', 'The patient is already erased.');
  const now = clock.now();
  const lookups = await tx
    .deleteFrom('patient_lookup')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  const links = await tx.deleteFrom('patient_links').where('patient_id', '=', patientId).executeTakeFirst();
  const reps = await tx
    .deleteFrom('patient_representatives')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  const conditions = await tx
    .deleteFrom('patient_conditions')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  const sources = await tx
    .deleteFrom('patient_sources')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  // A source row imported for this patient still holds their data, encrypted under the tenant key.
  const quarantined = await tx
    .deleteFrom('import_quarantine')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  // What they wrote to the clinic goes too; a message from a number others share stays for them.
  const inbound = await tx
    .deleteFrom('inbound_messages')
    .where(sql<boolean>`patient_ids = ARRAY[${patientId}]::uuid[]`)
    .executeTakeFirst();
  await tx
    .updateTable('inbound_messages')
    .set({ patient_ids: sql`array_remove(patient_ids, ${patientId}::uuid)` })
    .where(sql<boolean>`patient_ids @> ARRAY[${patientId}]::uuid[]`)
    .execute();
  const appts = await tx
    .updateTable('appointments')
    .set({ status: 'cancelled' })
    .where('patient_id', '=', patientId)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  await tx
    .updateTable('consent_state')
    .set({ status: 'withdrawn', since: now, expires_at: null })
    .where('patient_id', '=', patientId)
    .where('status', '=', 'granted')
    .execute();
  await tx
    .updateTable('patients')
    .set({
      status: 'erased',
      erased_at: now,
      updated_at: now,
      key_version: null,
      key_wrapped: null,
      identity_enc: null,
      contact_enc: null,
      sex: null,
      birth_year: null,
      birth_md: null,
      city: null,
      time_zone: null,
      preferred_channel: null,
      preferred_time: null,
      visit_mode: null,
      has_email: false,
      has_phone: false,
    })
    .where('id', '=', patientId)
    .execute();
  // Records merged into this one are the same person: they go with it (their lineage is shredded too).
  const absorbed = await tx
    .selectFrom('patients')
    .select('id')
    .where('merged_into', '=', patientId)
    .where('status', '=', 'merged')
    .execute();
  for (const a of absorbed) await erasePatient(tx, clock, scope, a.id);
  const removed = {
    mergedRecords: absorbed.length,
    blindIndexEntries: Number(lookups.numDeletedRows),
    links: Number(links.numDeletedRows),
    representatives: Number(reps.numDeletedRows),
    clinicalRecords: Number(conditions.numDeletedRows),
    provenance: Number(sources.numDeletedRows),
    quarantinedRows: Number(quarantined.numDeletedRows),
    inboundMessages: Number(inbound.numDeletedRows),
    cancelledAppointments: Number(appts.numUpdatedRows),
  };
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'patient.erased',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: removed,
    },
  ]);
  return {
    patientId,
    erasedAt: now.toISOString(),
    shredded: [
      'patient key',
      'identity',
      'contact',
      'consent evidence',
      'demographic and preference columns',
    ],
    removed,
    retained: [
      'consent ledger events (pseudonymous proof of lawful processing)',
      'visits and appointments (pseudonymous, for aggregate statistics)',
    ],
  };
}
