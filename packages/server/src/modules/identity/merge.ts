import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { openJson, sealJson, type TenantKeys } from '../crypto/index.ts';
import {
  birthParts,
  contactAad,
  identityAad,
  lookupValues,
  type PatientContact,
  type PatientIdentity,
} from '../patients/index.ts';
import { CONTACT_ATTRIBUTES, IDENTITY_ATTRIBUTES, requireClasses } from '../policy/index.ts';
import { chooseGolden, type SourceRecord } from './survivorship.ts';

/** The classes a merge rewrites: only roles that may write all of them merge or unmerge. */
export const MERGE_CLASSES = ['identity', 'contact', 'demographic', 'preference'] as const;

interface ConsentRow {
  kind: string;
  channel: string | null;
  status: string;
  since: Date;
  expires_at: Date | null;
  event_id: string;
  document_id: string | null;
}

/** A consent state the merge ended (survivor: withdrawn; merged record: superseded), with the state it replaced. */
interface ConsentChange {
  readonly patientId: string;
  readonly kind: string;
  readonly eventId: string;
  readonly previous: {
    status: string;
    since: string;
    expiresAt: string | null;
    eventId: string;
    documentId: string | null;
  };
}

/** What a merge moved, to move exactly that back. */
interface Moves {
  readonly visits: string[];
  readonly appointments: string[];
  readonly conditions: string[];
  readonly sources: { sourceId: string; recordHmac: string }[];
  readonly consent: ConsentChange[];
}

type PatientRow = {
  id: string;
  status: 'active' | 'merged' | 'erased';
  merged_into: string | null;
  key_version: number | null;
  key_wrapped: Buffer | null;
  identity_enc: Buffer | null;
  contact_enc: Buffer | null;
  sex: 'female' | 'male' | null;
  birth_year: number | null;
  birth_md: number | null;
  city: string | null;
  has_email: boolean;
  has_phone: boolean;
  updated_at: Date;
};

const lockPatients = async (tx: Tx, ids: readonly string[]): Promise<Map<string, PatientRow>> => {
  // Always in id order, so two merges touching the same patients cannot deadlock.
  const rows = await tx
    .selectFrom('patients')
    .select([
      'id',
      'status',
      'merged_into',
      'key_version',
      'key_wrapped',
      'identity_enc',
      'contact_enc',
      'sex',
      'birth_year',
      'birth_md',
      'city',
      'has_email',
      'has_phone',
      'updated_at',
    ])
    .where('id', 'in', [...ids].sort())
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, r as PatientRow]));
};

const openPatient = (keys: TenantKeys, p: PatientRow) => {
  if (p.key_version === null || p.key_wrapped === null || !p.identity_enc || !p.contact_enc)
    throw new AppError('CONFLICT', 'An erased patient cannot be merged.');
  const key = keys.unwrapPatientKey(p.id, p.key_version, p.key_wrapped);
  return {
    key,
    identity: openJson<PatientIdentity>(key, p.identity_enc, identityAad(keys.tenantId, p.id)),
    contact: openJson<PatientContact>(key, p.contact_enc, contactAad(keys.tenantId, p.id)),
  };
};

/** Rebuilds a patient's blind-index entries from its values. */
const reindex = async (
  tx: Tx,
  keys: TenantKeys,
  patientId: string,
  identity: PatientIdentity,
  contact: PatientContact,
): Promise<void> => {
  await tx.deleteFrom('patient_lookup').where('patient_id', '=', patientId).execute();
  const rows = lookupValues(identity, contact).map(([kind, value]) => ({
    tenant_id: keys.tenantId,
    kind,
    digest: keys.blind(kind, value),
    patient_id: patientId,
  }));
  const unique = [...new Map(rows.map((l) => [`${l.kind}:${l.digest}`, l])).values()];
  if (unique.length > 0) await tx.insertInto('patient_lookup').values(unique).execute();
};

/** The tables whose rows follow a patient into a merge, by their name in `Moves`. */
const MOVED_TABLES = {
  visits: 'visits',
  appointments: 'appointments',
  conditions: 'patient_conditions',
} as const;
type MovedKey = keyof typeof MOVED_TABLES;
const movedTables = Object.entries(MOVED_TABLES) as [MovedKey, (typeof MOVED_TABLES)[MovedKey]][];

/** Re-points every row of `from` at `to` and returns exactly what moved. */
const moveRecords = async (tx: Tx, from: string, to: string): Promise<Omit<Moves, 'consent'>> => {
  const ids = {} as Record<MovedKey, string[]>;
  for (const [key, table] of movedTables) {
    const rows = await tx
      .updateTable(table)
      .set({ patient_id: to })
      .where('patient_id', '=', from)
      .returning('id')
      .execute();
    ids[key] = rows.map((r) => r.id);
  }
  const sources = await tx
    .updateTable('patient_sources')
    .set({ patient_id: to })
    .where('patient_id', '=', from)
    .returning(['source_id', 'record_hmac'])
    .execute();
  return {
    ...ids,
    sources: sources.map((r) => ({ sourceId: r.source_id, recordHmac: r.record_hmac.toString('hex') })),
  };
};

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

/** Golden identity and contact of two records (survivorship rules; the newer record wins ties). */
export const goldenOf = (
  survivor: { identity: PatientIdentity; contact: PatientContact; updatedAt: Date },
  merged: { identity: PatientIdentity; contact: PatientContact; updatedAt: Date },
): { identity: PatientIdentity; contact: PatientContact } => {
  const source = (row: number, p: typeof survivor): SourceRecord => ({
    row,
    updatedAt: p.updatedAt.toISOString(),
    values: { ...p.identity, ...p.contact },
  });
  // On a tie (same update time) the later row wins: that is the survivor's, the record people already use.
  const golden = chooseGolden([source(2, survivor), source(1, merged)]);
  const pick = <K extends string>(names: readonly K[]): Partial<Record<K, string>> => {
    const out: Partial<Record<K, string>> = {};
    for (const n of names) if (golden[n]) out[n] = golden[n].value;
    return out;
  };
  const identity = pick(IDENTITY_ATTRIBUTES) as PatientIdentity;
  return {
    // A patient always keeps a surname and a first name: the survivor's if survivorship found none.
    identity: {
      ...identity,
      lastName: identity.lastName ?? survivor.identity.lastName,
      firstName: identity.firstName ?? survivor.identity.firstName,
    },
    contact: pick(CONTACT_ATTRIBUTES),
  };
};

export interface MergeRequest {
  readonly survivorId: string;
  readonly mergedId: string;
  readonly method: 'auto' | 'manual';
  readonly candidateId?: string;
  readonly probability?: number;
}

export interface MergeOutcome {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly moved: { visits: number; appointments: number; conditions: number; sources: number };
  readonly consentWithdrawn: readonly string[];
}

/**
 * Merges one patient into another in the caller's transaction. The survivor keeps its
 * id and gets the golden values; the merged record is marked `merged` (out of searches,
 * segments and sends: its blind-index entries go) and its visits, appointments,
 * clinical records and provenance move to the survivor. Everything needed to undo it
 * exactly is kept in the lineage row. Consent never widens: a withdrawal on the merged
 * record is carried over to the survivor on the ledger, and its grants stay behind.
 */
export async function mergePatients(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  req: MergeRequest,
): Promise<MergeOutcome> {
  requireClasses(scope, 'write', [...MERGE_CLASSES]);
  const { survivorId: s, mergedId: m } = req;
  if (!isUuid(s) || !isUuid(m)) throw new AppError('NOT_FOUND', 'No such patient.');
  if (s === m) throw new AppError('VALIDATION_FAILED', 'A patient cannot be merged into itself.');
  const rows = await lockPatients(tx, [s, m]);
  const S = rows.get(s);
  const M = rows.get(m);
  if (!S || !M) throw new AppError('NOT_FOUND', 'No such patient.');
  if (S.status !== 'active' || M.status !== 'active')
    throw new AppError('CONFLICT', 'Only two active patients can be merged.');
  const now = clock.now();
  const t = keys.tenantId;
  const sv = openPatient(keys, S);
  const mv = openPatient(keys, M);
  const golden = goldenOf(
    { identity: sv.identity, contact: sv.contact, updatedAt: S.updated_at },
    { identity: mv.identity, contact: mv.contact, updatedAt: M.updated_at },
  );
  const birth = birthParts(golden.identity.birthDate);
  await tx
    .updateTable('patients')
    .set({
      identity_enc: sealJson(sv.key, golden.identity, identityAad(t, s)),
      contact_enc: sealJson(sv.key, golden.contact, contactAad(t, s)),
      birth_year: birth.year ?? S.birth_year,
      birth_md: birth.md ?? S.birth_md,
      sex: S.sex ?? M.sex,
      city: S.city ?? M.city,
      has_email: Boolean(golden.contact.email),
      has_phone: Boolean(golden.contact.phone),
      updated_at: now,
    })
    .where('id', '=', s)
    .execute();
  await reindex(tx, keys, s, golden.identity, golden.contact);
  await tx.deleteFrom('patient_lookup').where('patient_id', '=', m).execute();
  await tx
    .updateTable('patients')
    .set({ status: 'merged', merged_into: s, updated_at: now })
    .where('id', '=', m)
    .execute();
  // Anything merged into the merged record earlier now points at the survivor too.
  const moved = await moveRecords(tx, m, s);
  const consent = await carryWithdrawals(tx, clock, scope, s, m);
  const mergeId = newId();
  const moves: Moves = { ...moved, consent };
  await tx
    .insertInto('patient_merges')
    .values({
      tenant_id: t,
      id: mergeId,
      survivor_id: s,
      merged_id: m,
      candidate_id: req.candidateId ?? null,
      method: req.method,
      probability: req.probability ?? null,
      previous_identity_enc: S.identity_enc,
      previous_contact_enc: S.contact_enc,
      previous_profile: JSON.stringify({
        sex: S.sex,
        birth_year: S.birth_year,
        birth_md: S.birth_md,
        city: S.city,
        has_email: S.has_email,
        has_phone: S.has_phone,
      }),
      moves: JSON.stringify(moves),
      actor: actorId(scope.actor),
      merged_at: now,
    })
    .execute();
  const [a, b] = s < m ? [s, m] : [m, s];
  await tx
    .updateTable('identity_candidates')
    .set({ status: 'merged', resolved_by: actorId(scope.actor), resolved_at: now, updated_at: now })
    .where('patient_a', '=', a)
    .where('patient_b', '=', b)
    .execute();
  const counts = {
    visits: moves.visits.length,
    appointments: moves.appointments.length,
    conditions: moves.conditions.length,
    sources: moves.sources.length,
  };
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'identity.merge',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: s,
      details: {
        mergeId,
        mergedId: m,
        method: req.method,
        visitsMoved: counts.visits,
        appointmentsMoved: counts.appointments,
        conditionsMoved: counts.conditions,
        sourcesMoved: counts.sources,
        consentWithdrawn: consent.filter((c) => c.patientId === s).map((c) => c.kind),
        consentSuperseded: consent.filter((c) => c.patientId === m).map((c) => c.kind),
      },
    },
  ]);
  return {
    mergeId,
    survivorId: s,
    mergedId: m,
    moved: counts,
    consentWithdrawn: consent.filter((c) => c.patientId === s).map((c) => c.kind),
  };
}

const consentStates = async (tx: Tx, patientId: string): Promise<ConsentRow[]> =>
  tx
    .selectFrom('consent_state')
    .select(['kind', 'channel', 'status', 'since', 'expires_at', 'event_id', 'document_id'])
    .where('patient_id', '=', patientId)
    .forUpdate()
    .execute();

/** Ends one consent state on the ledger (`withdrawn` or `superseded`, method `merge`), keeping what it replaced. */
async function endConsent(
  tx: Tx,
  scope: Scope,
  now: Date,
  patientId: string,
  prev: ConsentRow,
  event: 'withdrawn' | 'superseded',
): Promise<ConsentChange> {
  const eventId = newId();
  await tx
    .insertInto('consent_events')
    .values({
      tenant_id: scope.tenantId,
      id: eventId,
      patient_id: patientId,
      kind: prev.kind,
      channel: prev.channel as 'email' | 'sms' | 'messenger' | 'call' | null,
      event,
      document_id: null,
      document_hash: null,
      capture_method: 'merge',
      evidence_enc: null,
      representative_id: null,
      actor: actorId(scope.actor),
      occurred_at: now,
      recorded_at: now,
      expires_at: null,
    })
    .execute();
  await tx
    .updateTable('consent_state')
    .set({ status: event, since: now, expires_at: null, event_id: eventId })
    .where('patient_id', '=', patientId)
    .where('kind', '=', prev.kind)
    .execute();
  return {
    patientId,
    kind: prev.kind,
    eventId,
    previous: {
      status: prev.status,
      since: prev.since.toISOString(),
      expiresAt: prev.expires_at?.toISOString() ?? null,
      eventId: prev.event_id,
      documentId: prev.document_id,
    },
  };
}

/**
 * Consent never widens on a merge. A kind withdrawn on the merged record and granted on
 * the survivor is withdrawn on the survivor too: whoever the person told "no" on either
 * record, the answer stands. The merged record's own grants are not carried over; they
 * are superseded on the ledger, so nothing can reach the merged record either.
 */
async function carryWithdrawals(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  survivorId: string,
  mergedId: string,
): Promise<ConsentChange[]> {
  const [sStates, mStates] = await Promise.all([consentStates(tx, survivorId), consentStates(tx, mergedId)]);
  const granted = new Map(sStates.filter((r) => r.status === 'granted').map((r) => [r.kind, r]));
  const changes: ConsentChange[] = [];
  const now = clock.now();
  for (const w of mStates) {
    const prev = granted.get(w.kind);
    if (w.status === 'withdrawn' && prev)
      changes.push(await endConsent(tx, scope, now, survivorId, prev, 'withdrawn'));
    if (w.status === 'granted') changes.push(await endConsent(tx, scope, now, mergedId, w, 'superseded'));
  }
  if (changes.length > 0) {
    await appendAudit(
      tx,
      clock,
      auditContextOf(scope),
      changes.map((c) => ({
        action: c.patientId === survivorId ? 'consent.withdrawn' : 'consent.superseded',
        outcome: 'done' as const,
        subjectType: 'patient',
        subjectId: c.patientId,
        details: { kind: c.kind, method: 'merge', eventId: c.eventId },
      })),
    );
  }
  return changes;
}

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
  const profile = merge.previous_profile as {
    sex: 'female' | 'male' | null;
    birth_year: number | null;
    birth_md: number | null;
    city: string | null;
    has_email: boolean;
    has_phone: boolean;
  };
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
  await reindex(tx, keys, s, restoredS.identity, restoredS.contact);
  await reindex(tx, keys, m, restoredM.identity, restoredM.contact);
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

/** Marks a pair "not the same person", creating its queue row when there is none. */
export async function rejectPair(tx: Tx, scope: Scope, now: Date, a: string, b: string): Promise<void> {
  await tx
    .insertInto('identity_candidates')
    .values({
      tenant_id: scope.tenantId,
      id: newId(),
      patient_a: a,
      patient_b: b,
      probability: 0,
      weight: 0,
      reason: 'conflict',
      evidence: '[]',
      status: 'rejected',
      created_at: now,
      updated_at: now,
      resolved_by: actorId(scope.actor),
      resolved_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'patient_a', 'patient_b']).doUpdateSet({
        status: 'rejected',
        resolved_by: actorId(scope.actor),
        resolved_at: now,
        updated_at: now,
      }),
    )
    .execute();
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
