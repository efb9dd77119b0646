import { sql } from 'kysely';
import { chunks, type Tx, valuesList } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { sealJson, type TenantKeys } from '../crypto/index.ts';
import {
  birthParts,
  contactAad,
  identityAad,
  lookupRows,
  type PatientContact,
  type PatientIdentity,
} from '../patients/index.ts';
import { requireClasses } from '../policy/index.ts';
import { carryWithdrawals } from './merge-consents.ts';
import {
  goldenOf,
  lockPatients,
  type Moves,
  movedTables,
  openPatient,
  type PatientProfileColumns,
  type PatientRow,
} from './merge-records.ts';

/** The classes a merge rewrites: only roles that may write all of them merge or unmerge. */
export const MERGE_CLASSES = ['identity', 'contact', 'demographic', 'preference'] as const;

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

/** Why a requested merge was left out of a batch (nothing of it was written). */
export type MergeSkipReason =
  /** Not a patient of this tenant. */
  | 'not_found'
  /** One of the two records is no longer active (merged or erased since it was read). */
  | 'not_active'
  /** One of the two records changed after the caller read it: its score may no longer hold. */
  | 'changed'
  /** Both ids name one record, or the pair is already joined by earlier pairs of the batch. */
  | 'same_record';

export interface MergeBatchOutcome {
  readonly merged: readonly MergeOutcome[];
  readonly skipped: readonly (MergeRequest & { readonly reason: MergeSkipReason })[];
}

export interface MergeBatchOptions {
  /**
   * Each record's `updated_at` (epoch ms) when the caller read it: a pair with a record
   * updated since is skipped as `changed`, since its score was for the values read then.
   */
  readonly seen?: ReadonlyMap<string, number>;
}

/** Rows per multi-row statement: well under PostgreSQL's 65,535 parameters at 12 per row. */

/** One record the batch merges away, into the survivor of its group. */
interface Step {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly req: MergeRequest;
  /** The survivor just before this step: what undoing it restores. */
  readonly previous: PatientRow;
}

/**
 * Groups the valid pairs of a batch into clusters, deterministically, taking pairs in the
 * order given. The first survivor of a cluster stays its survivor: a pair between a record
 * of an existing cluster and a new one brings the new one in; a pair joining two clusters
 * brings the later cluster (its survivor and everything merged into it) into the earlier.
 * So a chain A~B, B~C becomes B and C merged into A, and a record merged away in the batch
 * is never the survivor of a later pair. Each survivor comes with its members in the order
 * they joined; a pair already inside one cluster is returned as redundant.
 */
const groupPairs = (
  pairs: readonly MergeRequest[],
): { groups: Map<string, { id: string; req: MergeRequest }[]>; redundant: MergeRequest[] } => {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  const groups = new Map<string, { id: string; req: MergeRequest }[]>();
  // When each cluster was formed: the earlier one keeps its survivor.
  const formed = new Map<string, number>();
  const rank = (root: string): number => formed.get(root) ?? Number.POSITIVE_INFINITY;
  const redundant: MergeRequest[] = [];
  for (const req of pairs) {
    let rs = find(req.survivorId);
    let rm = find(req.mergedId);
    if (rs === rm) {
      redundant.push(req);
      continue;
    }
    if (rank(rm) < rank(rs)) [rs, rm] = [rm, rs];
    parent.set(rm, rs);
    if (!formed.has(rs)) formed.set(rs, formed.size);
    const joined = [{ id: rm, req }, ...(groups.get(rm) ?? [])];
    groups.delete(rm);
    groups.set(rs, [...(groups.get(rs) ?? []), ...joined]);
  }
  return { groups, redundant };
};

/**
 * Merges many pairs in the caller's transaction, set-based: each table is written by a few
 * statements for the whole batch rather than a few per merge, so the statement-level facts
 * triggers refresh the batch's patients once per table. Every merge still gets its own
 * lineage row, holding the survivor's state just before it, so each can be undone alone
 * and exactly (later merges into the same survivor first, as ever); several records merged
 * into one survivor are folded in order, exactly as merging them one by one would. Pairs
 * that no longer hold (a record erased, merged or changed since it was read) are skipped
 * and reported, and the rest go through. Consent never widens; one audit entry per merge.
 */
export async function mergePatientsBatch(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  requests: readonly MergeRequest[],
  options: MergeBatchOptions = {},
): Promise<MergeBatchOutcome> {
  requireClasses(scope, 'write', [...MERGE_CLASSES]);
  const skipped: (MergeRequest & { reason: MergeSkipReason })[] = [];
  const wellFormed: MergeRequest[] = [];
  for (const r of requests) {
    if (!isUuid(r.survivorId) || !isUuid(r.mergedId)) skipped.push({ ...r, reason: 'not_found' });
    else if (r.survivorId === r.mergedId) skipped.push({ ...r, reason: 'same_record' });
    else wellFormed.push(r);
  }
  const rows = await lockPatients(tx, [...new Set(wellFormed.flatMap((r) => [r.survivorId, r.mergedId]))]);
  const seen = options.seen;
  const problem = (id: string): MergeSkipReason | null => {
    const p = rows.get(id);
    if (!p) return 'not_found';
    if (p.status !== 'active' || p.key_version === null || p.key_wrapped === null) return 'not_active';
    if (!p.identity_enc || !p.contact_enc) return 'not_active';
    const read = seen?.get(id);
    if (read !== undefined && p.updated_at.getTime() !== read) return 'changed';
    return null;
  };
  const valid: MergeRequest[] = [];
  for (const r of wellFormed) {
    const reason = problem(r.survivorId) ?? problem(r.mergedId);
    if (reason) skipped.push({ ...r, reason });
    else valid.push(r);
  }
  const { groups, redundant } = groupPairs(valid);
  for (const r of redundant) skipped.push({ ...r, reason: 'same_record' });
  if (groups.size === 0) return { merged: [], skipped };

  const now = clock.now();
  const t = keys.tenantId;
  // Fold each group in order: every step's golden record is the next step's survivor.
  const steps: Step[] = [];
  const finals: { id: string; row: PatientRow; identity: PatientIdentity; contact: PatientContact }[] = [];
  for (const [s, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let S = rows.get(s)!;
    let sv = openPatient(keys, S);
    for (const { id: m, req } of members) {
      const M = rows.get(m)!;
      const mv = openPatient(keys, M);
      const golden = goldenOf(
        { identity: sv.identity, contact: sv.contact, updatedAt: S.updated_at },
        { identity: mv.identity, contact: mv.contact, updatedAt: M.updated_at },
      );
      const birth = birthParts(golden.identity.birthDate);
      steps.push({
        mergeId: newId(),
        survivorId: s,
        mergedId: m,
        // A record joined through a chain keeps the probability of the pair that linked it; the
        // candidate row named belongs to that other pair, so the lineage does not claim it.
        req:
          req.survivorId === s && req.mergedId === m
            ? req
            : {
                survivorId: s,
                mergedId: m,
                method: req.method,
                ...(req.probability !== undefined ? { probability: req.probability } : {}),
              },
        previous: S,
      });
      S = {
        ...S,
        identity_enc: sealJson(sv.key, golden.identity, identityAad(t, s)),
        contact_enc: sealJson(sv.key, golden.contact, contactAad(t, s)),
        birth_year: birth.year ?? S.birth_year,
        birth_md: birth.md ?? S.birth_md,
        sex: S.sex ?? M.sex,
        city: S.city ?? M.city,
        has_email: Boolean(golden.contact.email),
        has_phone: Boolean(golden.contact.phone),
        updated_at: now,
      };
      sv = { key: sv.key, identity: golden.identity, contact: golden.contact };
    }
    finals.push({ id: s, row: S, identity: sv.identity, contact: sv.contact });
  }

  // Patients: survivors get their golden values, merged records leave (one statement, one facts refresh).
  for (const part of chunks([
    ...finals.map((f) => [
      f.id,
      null,
      f.row.identity_enc,
      f.row.contact_enc,
      f.row.birth_year,
      f.row.birth_md,
      f.row.sex,
      f.row.city,
      f.row.has_email,
      f.row.has_phone,
    ]),
    ...steps.map((st) => [st.mergedId, st.survivorId, null, null, null, null, null, null, null, null]),
  ]))
    await sql`
      UPDATE patients AS p SET
        identity_enc = CASE WHEN v.target IS NULL THEN v.identity_enc ELSE p.identity_enc END,
        contact_enc = CASE WHEN v.target IS NULL THEN v.contact_enc ELSE p.contact_enc END,
        birth_year = CASE WHEN v.target IS NULL THEN v.birth_year ELSE p.birth_year END,
        birth_md = CASE WHEN v.target IS NULL THEN v.birth_md ELSE p.birth_md END,
        sex = CASE WHEN v.target IS NULL THEN v.sex ELSE p.sex END,
        city = CASE WHEN v.target IS NULL THEN v.city ELSE p.city END,
        has_email = CASE WHEN v.target IS NULL THEN v.has_email ELSE p.has_email END,
        has_phone = CASE WHEN v.target IS NULL THEN v.has_phone ELSE p.has_phone END,
        status = CASE WHEN v.target IS NULL THEN p.status ELSE 'merged' END,
        merged_into = v.target,
        updated_at = ${now}
      FROM ${valuesList(part, ['uuid', 'uuid', 'bytea', 'bytea', 'smallint', 'smallint', 'text', 'text', 'boolean', 'boolean'])}
        AS v(id, target, identity_enc, contact_enc, birth_year, birth_md, sex, city, has_email, has_phone)
      WHERE p.tenant_id = ${t} AND p.id = v.id`.execute(tx);

  // Blind indexes: the survivors' rebuilt from their golden values, the merged records' gone.
  const touched = [...finals.map((f) => f.id), ...steps.map((st) => st.mergedId)];
  for (const part of chunks(touched))
    await tx.deleteFrom('patient_lookup').where('patient_id', 'in', part).execute();
  const lookups = finals.flatMap((f) => lookupRows(keys, f.id, f.identity, f.contact));
  for (const part of chunks(lookups)) await tx.insertInto('patient_lookup').values(part).execute();

  // Moved rows, by the merge that moved them. Anything merged into a merged record earlier follows it.
  const moves = new Map(
    steps.map((st) => [
      st.mergedId,
      {
        visits: [] as string[],
        appointments: [] as string[],
        conditions: [] as string[],
        sources: [] as { sourceId: string; recordHmac: string }[],
      },
    ]),
  );
  for (const part of chunks(steps.map((st) => [st.mergedId, st.survivorId]))) {
    const pairs = valuesList(part, ['uuid', 'uuid']);
    for (const [key, table] of movedTables) {
      const moved = await sql<{ id: string; m: string }>`
        UPDATE ${sql.table(table)} AS r SET patient_id = p.s FROM ${pairs} AS p(m, s)
        WHERE r.tenant_id = ${t} AND r.patient_id = p.m RETURNING r.id, p.m`.execute(tx);
      for (const r of moved.rows) moves.get(r.m)![key].push(r.id);
    }
    const sources = await sql<{ source_id: string; record_hmac: Buffer; m: string }>`
      UPDATE patient_sources AS r SET patient_id = p.s FROM ${pairs} AS p(m, s)
      WHERE r.tenant_id = ${t} AND r.patient_id = p.m RETURNING r.source_id, r.record_hmac, p.m`.execute(tx);
    for (const r of sources.rows)
      moves.get(r.m)!.sources.push({ sourceId: r.source_id, recordHmac: r.record_hmac.toString('hex') });
  }
  for (const m of moves.values()) for (const list of [m.visits, m.appointments, m.conditions]) list.sort();

  const consent = await carryWithdrawals(tx, clock, scope, steps);

  for (const part of chunks(steps, 100))
    await tx
      .insertInto('patient_merges')
      .values(
        part.map((st) => ({
          tenant_id: t,
          id: st.mergeId,
          survivor_id: st.survivorId,
          merged_id: st.mergedId,
          candidate_id: st.req.candidateId ?? null,
          method: st.req.method,
          probability: st.req.probability ?? null,
          previous_identity_enc: st.previous.identity_enc,
          previous_contact_enc: st.previous.contact_enc,
          previous_profile: JSON.stringify({
            sex: st.previous.sex,
            birth_year: st.previous.birth_year,
            birth_md: st.previous.birth_md,
            city: st.previous.city,
            has_email: st.previous.has_email,
            has_phone: st.previous.has_phone,
          } satisfies PatientProfileColumns),
          moves: JSON.stringify({
            ...moves.get(st.mergedId)!,
            consent: consent.get(st.mergeId) ?? [],
          } satisfies Moves),
          actor: actorId(scope.actor),
          merged_at: now,
        })),
      )
      .execute();
  for (const part of chunks(steps))
    await tx
      .updateTable('identity_candidates')
      .set({ status: 'merged', resolved_by: actorId(scope.actor), resolved_at: now, updated_at: now })
      .where(({ eb, refTuple, tuple }) =>
        eb(
          refTuple('patient_a', 'patient_b'),
          'in',
          part.map((st) =>
            st.survivorId < st.mergedId
              ? tuple(st.survivorId, st.mergedId)
              : tuple(st.mergedId, st.survivorId),
          ),
        ),
      )
      .execute();

  const merged = steps.map((st): MergeOutcome => {
    const m = moves.get(st.mergedId)!;
    const changes = consent.get(st.mergeId) ?? [];
    return {
      mergeId: st.mergeId,
      survivorId: st.survivorId,
      mergedId: st.mergedId,
      moved: {
        visits: m.visits.length,
        appointments: m.appointments.length,
        conditions: m.conditions.length,
        sources: m.sources.length,
      },
      consentWithdrawn: changes.filter((c) => c.patientId === st.survivorId).map((c) => c.kind),
    };
  });
  await appendAudit(
    tx,
    clock,
    auditContextOf(scope),
    merged.map((o, i) => {
      const changes = consent.get(o.mergeId) ?? [];
      return {
        action: 'identity.merge',
        outcome: 'done' as const,
        subjectType: 'patient',
        subjectId: o.survivorId,
        details: {
          mergeId: o.mergeId,
          mergedId: o.mergedId,
          method: steps[i]!.req.method,
          visitsMoved: o.moved.visits,
          appointmentsMoved: o.moved.appointments,
          conditionsMoved: o.moved.conditions,
          sourcesMoved: o.moved.sources,
          consentWithdrawn: o.consentWithdrawn,
          consentSuperseded: changes.filter((c) => c.patientId === o.mergedId).map((c) => c.kind),
          ...(requests.length > 1 ? { batchSize: steps.length } : {}),
        },
      };
    }),
  );
  return { merged, skipped };
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
  if (!isUuid(req.survivorId) || !isUuid(req.mergedId)) throw new AppError('NOT_FOUND', 'No such patient.');
  if (req.survivorId === req.mergedId)
    throw new AppError('VALIDATION_FAILED', 'A patient cannot be merged into itself.');
  const { merged, skipped } = await mergePatientsBatch(tx, keys, clock, scope, [req]);
  const reason = skipped[0]?.reason;
  if (reason === 'not_found') throw new AppError('NOT_FOUND', 'No such patient.');
  if (reason || !merged[0]) throw new AppError('CONFLICT', 'Only two active patients can be merged.');
  return merged[0];
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
