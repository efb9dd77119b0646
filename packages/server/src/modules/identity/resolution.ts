import { sql } from 'kysely';
import type { CandidateReason, Database, Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { Vault } from '../crypto/index.ts';
import { unsealPatient } from '../patients/index.ts';
import { requireClasses } from '../policy/index.ts';
import { type DedupeResult, dedupeRecords, type ScoredPair } from './dedupe.ts';
import { MERGE_CLASSES, type MergeRequest, mergePatientsBatch } from './merge.ts';
import { linkRecordOfPatient } from './patient-record.ts';
import type { DedupeOptions, LinkRecord } from './record.ts';

/** Patients decrypted per transaction while streaming the base. */
const READ_BATCH = 2_000;
/** Queue rows written per statement. */
const WRITE_BATCH = 500;
/** An import batch larger than this is resolved against the base with a full run. */
const INCREMENTAL_LIMIT = 50_000;
/** Other patients read alongside an incremental batch, for the engine's estimates. */
const BACKGROUND = 3_000;

export interface ResolutionOptions extends Pick<DedupeOptions, 'matchThreshold' | 'reviewThreshold'> {
  /** Only the patients of this import batch, against the base (found through the blind indexes). */
  readonly batchId?: string;
  /** Merge pairs above the upper threshold automatically (default true); else queue them too. */
  readonly autoMerge?: boolean;
}

export interface ResolutionReport {
  readonly runId: string;
  readonly mode: 'full' | 'incremental';
  readonly patients: number;
  readonly candidatePairs: number;
  readonly merged: number;
  readonly queued: number;
  readonly skippedRejected: number;
  /** Automatic merges left out because a record was erased, merged or changed meanwhile (next run looks again). */
  readonly mergeSkipped: number;
  readonly ms: number;
  /** Of `ms`, the time spent merging. */
  readonly mergeMs: number;
}

type Row = {
  id: string;
  key_version: number | null;
  key_wrapped: Buffer | null;
  identity_enc: Buffer | null;
  contact_enc: Buffer | null;
  sex: 'female' | 'male' | null;
  city: string | null;
  updated_at: Date;
};

const COLUMNS = [
  'id',
  'key_version',
  'key_wrapped',
  'identity_enc',
  'contact_enc',
  'sex',
  'city',
  'updated_at',
] as const;

/**
 * Streams records to link, decrypting a batch of patients per short transaction:
 * keyset pages by id over the whole base, or pages of a given id list. Only the
 * engine's integer-coded columns stay in memory, plus one id per record.
 */
async function* patientRecords(
  db: Database,
  vault: Vault,
  tenantId: string,
  ids: string[],
  stamps: number[],
  only?: readonly string[],
): AsyncGenerator<LinkRecord> {
  const toRecords = async (tx: Tx, rows: Row[]): Promise<LinkRecord[]> => {
    const keys = await vault.forTenant(tx, tenantId);
    const out: LinkRecord[] = [];
    for (const r of rows) {
      const plain = unsealPatient(keys, r, { identity: true, contact: true });
      if (!plain.identity) continue;
      ids.push(r.id);
      stamps.push(r.updated_at.getTime());
      out.push(linkRecordOfPatient(ids.length, plain.identity, plain.contact ?? {}, r));
    }
    return out;
  };
  if (only) {
    for (let i = 0; i < only.length; i += READ_BATCH) {
      const page = only.slice(i, i + READ_BATCH);
      yield* await db.tenant(tenantId, async (tx) =>
        toRecords(
          tx,
          await tx
            .selectFrom('patients')
            .select(COLUMNS)
            .where('status', '=', 'active')
            .where('id', 'in', page)
            .orderBy('id')
            .execute(),
        ),
      );
    }
    return;
  }
  let after: string | null = null;
  for (;;) {
    const last: string | null = after;
    const { records, next } = await db.tenant(tenantId, async (tx) => {
      let q = tx.selectFrom('patients').select(COLUMNS).where('status', '=', 'active');
      if (last) q = q.where('id', '>', last);
      const rows = await q.orderBy('id').limit(READ_BATCH).execute();
      return { records: await toRecords(tx, rows), next: rows.at(-1)?.id ?? null, count: rows.length };
    });
    yield* records;
    if (next === null) return;
    after = next;
  }
}

/** The patients of an import batch and everyone sharing a blind-index digest with them. */
async function incrementalScope(
  db: Database,
  tenantId: string,
  batchId: string,
): Promise<{ batch: Set<string>; all: string[] } | null> {
  return db.tenant(tenantId, async (tx) => {
    const batch = await tx
      .selectFrom('patient_sources')
      .select('patient_id')
      .distinct()
      .where('batch_id', '=', batchId)
      .execute();
    if (batch.length > INCREMENTAL_LIMIT) return null;
    if (batch.length === 0) return { batch: new Set<string>(), all: [] };
    const near = await sql<{ patient_id: string }>`
      SELECT DISTINCT l2.patient_id
      FROM patient_sources s
      JOIN patient_lookup l1 ON l1.tenant_id = s.tenant_id AND l1.patient_id = s.patient_id
      JOIN patient_lookup l2 ON l2.probe = l1.probe AND l2.tenant_id = l1.tenant_id AND l2.kind = l1.kind
                             AND l2.digest = l1.digest
      WHERE s.batch_id = ${batchId}`.execute(tx);
    const ids = new Set(batch.map((b) => b.patient_id));
    for (const r of near.rows) ids.add(r.patient_id);
    // A background of other patients gives the engine enough pairs to estimate its
    // parameters; only pairs involving the batch are kept.
    const background = await tx
      .selectFrom('patients')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id', 'desc')
      .limit(BACKGROUND)
      .execute();
    for (const r of background) ids.add(r.id);
    return { batch: new Set(batch.map((b) => b.patient_id)), all: [...ids].sort() };
  });
}

/** Automatic merges per transaction (whole clusters; a larger cluster goes alone). */
export const MERGE_BATCH = 250;

/**
 * Merges clusters in transactions of up to MERGE_BATCH merges each. A pair that no longer
 * holds is skipped inside its batch. Should a batch fail as a whole (a deadlock with a
 * concurrent writer, say), its clusters are retried one per transaction, and the pairs of
 * a cluster that fails again one by one; a pair that fails alone is skipped and counted.
 * One bad pair never stops the run.
 */
async function mergeInBatches(
  deps: { db: Database; vault: Vault; clock: Clock },
  scope: Scope,
  clusters: readonly MergeRequest[][],
  read: ReadonlyMap<string, number>,
): Promise<{ merged: number; skipped: number }> {
  const { db, vault, clock } = deps;
  const seen = new Map(read);
  let merged = 0;
  let skipped = 0;
  const run = async (requests: readonly MergeRequest[]): Promise<void> => {
    const out = await db.tenant(scope.tenantId, async (tx) =>
      mergePatientsBatch(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, requests, { seen }),
    );
    merged += out.merged.length;
    skipped += out.skipped.length;
    // A survivor this run updated is no longer as read; that change was ours, so later retries may proceed.
    for (const m of out.merged) seen.delete(m.survivorId);
  };
  const batches: MergeRequest[][][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const c of clusters) {
    if (size + c.length > MERGE_BATCH) {
      batches.push([]);
      size = 0;
    }
    batches.at(-1)!.push(c);
    size += c.length;
  }
  for (const batch of batches) {
    try {
      await run(batch.flat());
    } catch {
      for (const cluster of batch) {
        try {
          await run(cluster);
        } catch (e) {
          // A pair the data refuses is skipped; anything else is a fault and fails the run.
          if (cluster.length === 1) {
            if (!refusedByData(e)) throw e;
            skipped++;
            continue;
          }
          for (const pair of cluster) {
            try {
              await run([pair]);
            } catch (e) {
              if (!refusedByData(e)) throw e;
              skipped++;
            }
          }
        }
      }
    }
  }
  return { merged, skipped };
}

/** A refusal by the data itself: a domain conflict, an integrity constraint (SQLSTATE 23), a serialization failure or deadlock (40). */
const refusedByData = (e: unknown): boolean =>
  e instanceof AppError || /^(23|40)/.test(String((e as { code?: unknown }).code ?? ''));

const pairKey = (a: string, b: string): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/**
 * Finds duplicates among a tenant's active patients and records the outcome: clusters
 * the engine links above the upper threshold are merged (into their oldest record;
 * ids are time-ordered), pairs between the thresholds and pairs held back from
 * chaining go to the review queue with per-field agreement levels. Pairs a person
 * marked "not the same" are never merged or proposed again.
 */
export async function resolveIdentities(
  deps: { db: Database; vault: Vault; clock: Clock },
  scope: Scope,
  options: ResolutionOptions = {},
): Promise<ResolutionReport> {
  requireClasses(scope, 'write', [...MERGE_CLASSES]);
  const { db, vault, clock } = deps;
  const started = performance.now();
  const runId = newId();
  let mode: 'full' | 'incremental' = 'full';
  let focus: Set<string> | null = null;
  let only: string[] | undefined;
  if (options.batchId) {
    const inc = await incrementalScope(db, scope.tenantId, options.batchId);
    if (inc) {
      mode = 'incremental';
      focus = inc.batch;
      only = inc.all;
    }
  }
  await db.tenant(scope.tenantId, (tx) =>
    tx
      .insertInto('identity_runs')
      .values({
        tenant_id: scope.tenantId,
        id: runId,
        mode,
        batch_id: options.batchId ?? null,
        created_by: actorId(scope.actor),
        started_at: clock.now(),
      })
      .execute(),
  );
  const ids: string[] = [];
  // When each record was last updated, as read: a record changed since is not merged on this evidence.
  const stamps: number[] = [];
  let result: DedupeResult | null = null;
  if (!only || only.length > 1) {
    result = await dedupeRecords(patientRecords(db, vault, scope.tenantId, ids, stamps, only), {
      explain: false,
      ...(options.matchThreshold !== undefined ? { matchThreshold: options.matchThreshold } : {}),
      ...(options.reviewThreshold !== undefined ? { reviewThreshold: options.reviewThreshold } : {}),
    });
  }
  const idOf = (row: number): string => ids[row - 1]!;
  const concerns = (p: ScoredPair): boolean => !focus || focus.has(idOf(p.rowA)) || focus.has(idOf(p.rowB));

  const rejected = await db.tenant(scope.tenantId, async (tx) => {
    const rows = await tx
      .selectFrom('identity_candidates')
      .select(['patient_a', 'patient_b'])
      .where('status', '=', 'rejected')
      .execute();
    return new Set(rows.map((r) => pairKey(r.patient_a, r.patient_b)));
  });
  const review: { pair: ScoredPair; reason: CandidateReason }[] = [];
  let merged = 0;
  let skippedRejected = 0;
  const autoMerge = options.autoMerge ?? true;
  let mergeMs = 0;
  let mergeSkipped = 0;
  if (result) {
    const matchPairs = new Map<number, ScoredPair[]>();
    for (const p of result.pairs) {
      if (!concerns(p)) continue;
      if (rejected.has(pairKey(idOf(p.rowA), idOf(p.rowB)))) {
        skippedRejected++;
        continue;
      }
      if (p.decision === 'match' && !p.heldBack && autoMerge) {
        const c = result.clusterOf.get(p.rowA)!;
        matchPairs.set(c, [...(matchPairs.get(c) ?? []), p]);
      } else
        review.push({
          pair: p,
          // With auto-merge off, a confident match waits for a person to confirm it.
          reason: p.heldBack
            ? 'held_back'
            : p.decision === 'match'
              ? 'above_threshold'
              : 'between_thresholds',
        });
    }
    const m0 = performance.now();
    // Each cluster merges into its oldest record (ids are time-ordered); a batch holds whole clusters.
    const plan: MergeRequest[][] = [];
    const seen = new Map<string, number>();
    for (const cluster of result.clusters) {
      const pairs = matchPairs.get(cluster[0]!);
      if (!pairs) continue;
      const members = cluster.map(idOf);
      if (focus && !members.some((id) => focus.has(id))) continue;
      // A cluster holding a pair a person rejected is not merged: its pairs go to review.
      const conflict = members.some((x, i) => members.slice(i + 1).some((y) => rejected.has(pairKey(x, y))));
      if (conflict) {
        for (const p of pairs) review.push({ pair: p, reason: 'conflict' });
        continue;
      }
      const survivor = [...members].sort()[0]!;
      for (const row of cluster) seen.set(idOf(row), stamps[row - 1]!);
      const byProbability = new Map<string, number>();
      for (const p of pairs) {
        for (const id of [idOf(p.rowA), idOf(p.rowB)])
          byProbability.set(id, Math.max(byProbability.get(id) ?? 0, p.probability));
      }
      plan.push(
        [...members]
          .sort()
          .filter((other) => other !== survivor)
          .map((other) => ({
            survivorId: survivor,
            mergedId: other,
            method: 'auto' as const,
            ...(byProbability.has(other) ? { probability: byProbability.get(other)! } : {}),
          })),
      );
    }
    const outcome = await mergeInBatches(deps, scope, plan, seen);
    merged = outcome.merged;
    mergeSkipped = outcome.skipped;
    mergeMs = performance.now() - m0;
  }
  let queued = 0;
  const now = clock.now();
  for (let i = 0; i < review.length; i += WRITE_BATCH) {
    const values = review.slice(i, i + WRITE_BATCH).map(({ pair, reason }) => {
      const [a, b] = [idOf(pair.rowA), idOf(pair.rowB)].sort() as [string, string];
      const evidence = result!
        .explain(pair)
        .map((e) => ({ field: e.field, level: e.level, weight: e.weight }));
      return {
        tenant_id: scope.tenantId,
        id: newId(),
        patient_a: a,
        patient_b: b,
        probability: pair.probability,
        weight: pair.weight,
        reason,
        evidence: JSON.stringify(evidence),
        run_id: runId,
        created_at: now,
        updated_at: now,
      };
    });
    const written = await db.tenant(scope.tenantId, (tx) =>
      tx
        .insertInto('identity_candidates')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'patient_a', 'patient_b'])
            .doUpdateSet((eb) => ({
              probability: eb.ref('excluded.probability'),
              weight: eb.ref('excluded.weight'),
              reason: eb.ref('excluded.reason'),
              evidence: eb.ref('excluded.evidence'),
              run_id: eb.ref('excluded.run_id'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where('identity_candidates.status', '=', 'open'),
        )
        .executeTakeFirst(),
    );
    queued += Number(written.numInsertedOrUpdatedRows ?? 0);
  }
  const report: ResolutionReport = {
    runId,
    mode,
    patients: ids.length,
    candidatePairs: result?.stats.candidatePairs ?? 0,
    merged,
    queued,
    skippedRejected,
    ms: Math.round(performance.now() - started),
    mergeMs: Math.round(mergeMs),
    mergeSkipped,
  };
  await db.tenant(scope.tenantId, async (tx) => {
    await tx
      .updateTable('identity_runs')
      .set({
        status: 'completed',
        finished_at: clock.now(),
        counts: JSON.stringify({
          patients: report.patients,
          candidatePairs: report.candidatePairs,
          merged,
          mergeSkipped,
          queued,
          skippedRejected,
        }),
      })
      .where('id', '=', runId)
      .execute();
    await appendAudit(tx, clock, auditContextOf(scope), [
      {
        action: 'identity.resolve',
        outcome: 'done',
        details: {
          runId,
          mode,
          patients: report.patients,
          merged,
          mergeSkipped,
          queued,
          ...(options.batchId ? { batchId: options.batchId } : {}),
        },
      },
    ]);
  });
  return report;
}
