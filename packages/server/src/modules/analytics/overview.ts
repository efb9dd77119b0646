import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { CONSENT_BITS, cellKeySql, KEY_SPACE, perturbCount, SMALL_COUNT } from '../segments/index.ts';

/** Counts of 1…10 are never shown to aggregate-only roles (R32: every cell ≥ 11; zero allowed). */
export const MIN_CELL = SMALL_COUNT;

export interface OverviewFigures {
  readonly asOf: Date;
  readonly patients: number;
  readonly visitsLast12Months: number;
  readonly upcomingAppointments: number;
  readonly consents: readonly { kind: string; patients: number }[];
  readonly branches: readonly { id: string; nameRu: string; nameEn: string }[];
  readonly months: readonly string[];
  readonly visitsByMonth: readonly { month: string; branchId: string; visits: number }[];
}

export type Suppressed<T> = {
  [K in keyof T]: T[K] extends number
    ? number | null
    : T[K] extends readonly (infer U)[]
      ? readonly Suppressed<U>[]
      : T[K] extends object
        ? T[K] extends Date
          ? Date
          : Suppressed<T[K]>
        : T[K];
};

/** The twelve calendar months ending with the month of `now` (UTC), as YYYY-MM. */
export function lastTwelveMonths(now: Date): string[] {
  const out: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/**
 * The home screen's key figures, each one set-based aggregate over indexed columns:
 * no per-patient rows leave the database. Visits come from the maintained rollup
 * (`visit_month_stats`, see visit-stats.ts): at most 12 × branches rows, never a scan of
 * the visits table. A month counts every visit dated in it, so the current month also
 * counts a visit recorded ahead of time (visits are recorded after they happen).
 */
export async function overviewFigures(tx: Tx, now: Date): Promise<OverviewFigures>;
export async function overviewFigures(
  tx: Tx,
  now: Date,
  withKeys: true,
): Promise<OverviewFigures & { readonly cellKeys: OverviewCellKeys }>;
export async function overviewFigures(
  tx: Tx,
  now: Date,
  withKeys = false,
): Promise<OverviewFigures & { readonly cellKeys?: OverviewCellKeys }> {
  const months = lastTwelveMonths(now);
  const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(tx)).rows[0]?.n ?? 0;
  const [people, upcoming, branches, byMonth] = await Promise.all([
    withKeys
      ? keyedPatientCells(tx, now)
      : Promise.all([
          one(sql`SELECT count(*)::int n FROM patients WHERE status = 'active'`),
          sql<{ kind: string; n: number }>`
            SELECT kind, count(DISTINCT patient_id)::int n FROM consent_state
            WHERE status = 'granted' AND (expires_at IS NULL OR expires_at > ${now})
            GROUP BY kind ORDER BY kind`.execute(tx),
        ]).then(([n, consents]) => ({
          patients: { n, k: 0 },
          consents: consents.rows.map((r) => ({ ...r, k: 0 })),
        })),
    one(sql`SELECT count(*)::int n FROM appointments WHERE status = 'booked' AND starts_at >= ${now}`),
    sql<{ id: string; name_ru: string; name_en: string }>`
      SELECT id, name_ru, name_en FROM branches ORDER BY code`.execute(tx),
    sql<{ month: string; branch_id: string; n: number }>`
      SELECT to_char(month, 'YYYY-MM') AS month, branch_id, visits::int n
      FROM visit_month_stats
      WHERE month >= ${`${months[0]}-01`}::date AND month <= ${`${months[11]}-01`}::date`.execute(tx),
  ]);
  const cells = new Map(byMonth.rows.map((r) => [`${r.month}|${r.branch_id}`, r.n]));
  const figures: OverviewFigures = {
    asOf: now,
    patients: people.patients.n,
    visitsLast12Months: byMonth.rows.reduce((sum, r) => sum + r.n, 0),
    upcomingAppointments: upcoming,
    consents: people.consents.map((r) => ({ kind: r.kind, patients: r.n })),
    branches: branches.rows.map((b) => ({ id: b.id, nameRu: b.name_ru, nameEn: b.name_en })),
    months,
    // Every month × branch, zeros included, so the chart has no gaps.
    visitsByMonth: months.flatMap((month) =>
      branches.rows.map((b) => ({ month, branchId: b.id, visits: cells.get(`${month}|${b.id}`) ?? 0 })),
    ),
  };
  if (!withKeys) return figures;
  return {
    ...figures,
    cellKeys: {
      patients: people.patients.k,
      consents: new Map(people.consents.map((r) => [r.kind, r.k])),
    },
  };
}

/**
 * Active patients, and active patients per consent kind granted and unexpired now, each with
 * its cell key, from the facts (which carry the record keys): one pass over them for everyone
 * and the kinds with a consent bit, less the grants whose term has run out but are not yet
 * marked (few: a partial index), plus the ledger for kinds without a bit (per-recipient
 * transfers and disclosures). About twice as fast at 1 M patients as the owner's count of the
 * ledger, where joining the ledger to patients for the keys took 3.6 s.
 */
async function keyedPatientCells(
  tx: Tx,
  now: Date,
): Promise<{ patients: { n: number; k: number }; consents: { kind: string; n: number; k: number }[] }> {
  const bits = Object.entries(CONSENT_BITS);
  const [all, lapsed, unbitted] = await Promise.all([
    sql<Record<string, number>>`
      SELECT count(*)::int AS n, ${cellKeySql(sql`record_key`)} AS k,
             ${sql.join(
               bits.map(
                 ([, bit], i) =>
                   sql`count(*) FILTER (WHERE consent_bits & ${sql.lit(bit)} <> 0)::int AS ${sql.id(`n${i}`)},
                       ${cellKeySql(sql`record_key`, sql`consent_bits & ${sql.lit(bit)} <> 0`)} AS ${sql.id(`k${i}`)}`,
               ),
             )}
      FROM patient_facts`.execute(tx),
    sql<{ kind: string; n: number; k: number }>`
      SELECT cs.kind, count(*)::int AS n, ${cellKeySql(sql`f.record_key`)} AS k
      FROM consent_state cs
      JOIN patient_facts f ON f.tenant_id = cs.tenant_id AND f.patient_id = cs.patient_id
      WHERE cs.status = 'granted' AND cs.expires_at <= ${now} AND careloop_consent_bit(cs.kind) <> 0
        AND f.consent_bits & careloop_consent_bit(cs.kind) <> 0
      GROUP BY cs.kind`.execute(tx),
    sql<{ kind: string; n: number; k: number }>`
      SELECT cs.kind, count(*)::int AS n, ${cellKeySql(sql`f.record_key`)} AS k
      FROM consent_state cs
      JOIN patient_facts f ON f.tenant_id = cs.tenant_id AND f.patient_id = cs.patient_id
      WHERE cs.status = 'granted' AND (cs.expires_at IS NULL OR cs.expires_at > ${now})
        AND careloop_consent_bit(cs.kind) = 0
      GROUP BY cs.kind`.execute(tx),
  ]);
  const row = all.rows[0]!;
  const out = new Map(bits.map(([kind], i) => [kind, { kind, n: row[`n${i}`]!, k: row[`k${i}`]! }]));
  for (const l of lapsed.rows) {
    const c = out.get(l.kind)!;
    out.set(l.kind, { kind: l.kind, n: c.n - l.n, k: (c.k - l.k + KEY_SPACE) % KEY_SPACE });
  }
  for (const u of unbitted.rows) out.set(u.kind, u);
  return {
    patients: { n: row.n!, k: row.k! },
    consents: [...out.values()].filter((c) => c.n > 0).sort((a, b) => (a.kind < b.kind ? -1 : 1)),
  };
}

/** The cell keys of the overview's counts of patients (never shown). */
export interface OverviewCellKeys {
  readonly patients: number;
  readonly consents: ReadonlyMap<string, number>;
}

/** Replaces every count of 1…10 with null (zero stays: it reveals nobody). */
export function suppressSmallCounts(f: OverviewFigures): Suppressed<OverviewFigures> {
  const c = (n: number): number | null => (n > 0 && n < MIN_CELL ? null : n);
  return {
    ...f,
    patients: c(f.patients),
    visitsLast12Months: c(f.visitsLast12Months),
    upcomingAppointments: c(f.upcomingAppointments),
    consents: f.consents.map((x) => ({ ...x, patients: c(x.patients) })),
    branches: [...f.branches],
    months: [...f.months],
    visitsByMonth: f.visitsByMonth.map((x) => ({ ...x, visits: c(x.visits) })),
  };
}

/**
 * The overview as aggregate-only roles see it (R32):
 * - counts of patients (active ones, and active ones per consent kind, from the facts) are
 *   perturbed by their cell keys, like segment counts, so they cannot be differenced exactly
 *   against segment counts or each other;
 * - counts of events (visits per month and branch, upcoming appointments) have no record keys:
 *   1…10 are suppressed, and the 12-month total is the sum of the cells as shown (suppressed
 *   cells as 0), so subtracting the shown cells from it never gives back a suppressed one.
 */
export function protectOverview(f: OverviewFigures, keys: OverviewCellKeys): Suppressed<OverviewFigures> {
  const c = (n: number): number | null => (n > 0 && n < MIN_CELL ? null : n);
  const byMonth = f.visitsByMonth.map((x) => ({ ...x, visits: c(x.visits) }));
  return {
    asOf: f.asOf,
    patients: perturbCount(f.patients, keys.patients).count,
    visitsLast12Months: byMonth.reduce((sum, x) => sum + (x.visits ?? 0), 0),
    upcomingAppointments: c(f.upcomingAppointments),
    consents: f.consents.map((x) => ({
      kind: x.kind,
      patients: perturbCount(x.patients, keys.consents.get(x.kind) ?? 0).count,
    })),
    branches: [...f.branches],
    months: [...f.months],
    visitsByMonth: byMonth,
  };
}
