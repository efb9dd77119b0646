import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { reindexPatient } from '../patients/index.ts';
import { requireClasses } from '../policy/index.ts';
import { MERGE_CLASSES, rejectPair } from './merge.ts';
import type { ConsentChange } from './merge-consents.ts';
import {
  lockPatients,
  type Moves,
  movedTables,
  openPatient,
  type PatientProfileColumns,
} from './merge-records.ts';

/** Moves what a merge moved from `from` back to `to`; rows re-pointed since are left alone. */
const moveRecordsBack = async (tx: Tx, moves: Moves, from: string, to: string): Promise<void> => {
  const CHUNK = 1000;
  for (const [key, table] of movedTables) {
    const ids = moves[key];
    for (let i = 0; i < ids.length; i += CHUNK)
      await tx
        .updateTable(table)
        .set({ patient_id: to })
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('patient_id', '=', from)
        .execute();
  }
  for (let i = 0; i < moves.sources.length; i += CHUNK) {
    const keys = moves.sources.slice(i, i + CHUNK);
    await tx
      .updateTable('patient_sources')
      .set({ patient_id: to })
      .where(({ eb, refTuple, tuple }) =>
        eb(
          refTuple('source_id', 'record_hmac'),
          'in',
          keys.map((r) => tuple(r.sourceId, Buffer.from(r.recordHmac, 'hex'))),
        ),
      )
      .where('patient_id', '=', from)
      .execute();
  }
};

export interface UnmergeOutcome {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly consentRestored: readonly string[];
}

/**
 * Undoes a merge exactly: the survivor's previous ciphertexts and clear columns come
 * back, the moved rows return, both records are findable again, and a withdrawal the
 * merge carried over is reversed on the ledger unless the survivor's consent changed
 * since. Later merges into the same survivor must be undone first. The pair is then
 * marked "not the same person", so no later run merges or proposes it again.
 */
export async function unmergePatients(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  mergeId: string,
): Promise<UnmergeOutcome> {
  requireClasses(scope, 'write', [...MERGE_CLASSES]);
  if (!isUuid(mergeId)) throw new AppError('NOT_FOUND', 'No such merge.');
  const merge = await tx
    .selectFrom('patient_merges')
    .selectAll()
    .where('id', '=', mergeId)
    .forUpdate()
    .executeTakeFirst();
  if (!merge) throw new AppError('NOT_FOUND', 'No such merge.');
  if (merge.undone_at) throw new AppError('CONFLICT', 'This merge was already undone.');
  const s = merge.survivor_id;
  const m = merge.merged_id;
  const rows = await lockPatients(tx, [s, m]);
  const S = rows.get(s);
  const M = rows.get(m);
  if (S?.status !== 'active' || M?.status !== 'merged' || M.merged_into !== s)
    throw new AppError(
      'CONFLICT',
      'One of the two records was erased or merged again since; it cannot be undone.',
    );
  const later = await tx
    .selectFrom('patient_merges')
    .select('id')
    .where('survivor_id', '=', s)
    .where('undone_at', 'is', null)
    .where('id', '>', mergeId)
    .executeTakeFirst();
  if (later) throw new AppError('CONFLICT', 'Undo the later merges into this patient first.');
  const now = clock.now();
  const moves = merge.moves as unknown as Moves;
  const profile = merge.previous_profile as PatientProfileColumns;
  await tx
    .updateTable('patients')
    .set({
      identity_enc: merge.previous_identity_enc,
      contact_enc: merge.previous_contact_enc,
      ...profile,
      updated_at: now,
    })
    .where('id', '=', s)
    .execute();
  await tx
    .updateTable('patients')
    .set({ status: 'active', merged_into: null, updated_at: now })
    .where('id', '=', m)
    .execute();
  await moveRecordsBack(tx, moves, s, m);
  const restoredS = openPatient(keys, {
    ...S,
    identity_enc: merge.previous_identity_enc,
    contact_enc: merge.previous_contact_enc,
  });
  const restoredM = openPatient(keys, M);
  await reindexPatient(tx, keys, s, restoredS.identity, restoredS.contact);
  await reindexPatient(tx, keys, m, restoredM.identity, restoredM.contact);
  const restored = await restoreConsents(tx, clock, scope, moves.consent);
  const consentRestored = restored.filter((c) => c.patientId === s).map((c) => c.kind);
  const [a, b] = s < m ? [s, m] : [m, s];
  await tx
    .updateTable('patient_merges')
    .set({ undone_at: now, undone_by: actorId(scope.actor) })
    .where('id', '=', mergeId)
    .execute();
  await rejectPair(tx, scope, now, a, b);
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'identity.unmerge',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: s,
      details: { mergeId, mergedId: m, consentRestored },
    },
  ]);
  return { mergeId, survivorId: s, mergedId: m, consentRestored };
}

/** Reverses the consent states a merge ended, where nobody has touched them since. */
async function restoreConsents(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  changes: readonly ConsentChange[],
): Promise<ConsentChange[]> {
  const restored: ConsentChange[] = [];
  const now = clock.now();
  for (const c of changes) {
    const patientId = c.patientId;
    const state = await tx
      .selectFrom('consent_state')
      .select(['event_id', 'channel'])
      .where('patient_id', '=', patientId)
      .where('kind', '=', c.kind)
      .forUpdate()
      .executeTakeFirst();
    // The patient acted on this consent after the merge: their latest word stands.
    if (state?.event_id !== c.eventId) continue;
    const original = await tx
      .selectFrom('consent_events')
      .select(['document_id', 'document_hash', 'legal_basis', 'jurisdiction', 'channel'])
      .where('id', '=', c.previous.eventId)
      .executeTakeFirst();
    const eventId = newId();
    const expiresAt = c.previous.expiresAt ? new Date(c.previous.expiresAt) : null;
    await tx
      .insertInto('consent_events')
      .values({
        tenant_id: scope.tenantId,
        id: eventId,
        patient_id: patientId,
        kind: c.kind,
        channel: original?.channel ?? null,
        event: 'granted',
        document_id: original?.document_id ?? c.previous.documentId,
        document_hash: original?.document_hash ?? null,
        legal_basis: original?.legal_basis ?? 'consent',
        jurisdiction: original?.jurisdiction ?? 'RU',
        capture_method: 'merge',
        evidence_enc: null,
        representative_id: null,
        actor: actorId(scope.actor),
        occurred_at: now,
        recorded_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await tx
      .updateTable('consent_state')
      .set({
        status: c.previous.status as 'granted',
        since: now,
        expires_at: expiresAt,
        event_id: eventId,
        document_id: c.previous.documentId,
      })
      .where('patient_id', '=', patientId)
      .where('kind', '=', c.kind)
      .execute();
    restored.push(c);
  }
  if (restored.length > 0) {
    await appendAudit(
      tx,
      clock,
      auditContextOf(scope),
      restored.map((c) => ({
        action: 'consent.granted',
        outcome: 'done' as const,
        subjectType: 'patient',
        subjectId: c.patientId,
        details: { kind: c.kind, method: 'merge', restored: true },
      })),
    );
  }
  return restored;
}
