import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';

/** Counts of 1…10 are never shown to aggregate-only roles (R32: every cell ≥ 11; zero allowed). */
export const MIN_CELL = 11;

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
export async function overviewFigures(tx: Tx, now: Date): Promise<OverviewFigures> {
  const months = lastTwelveMonths(now);
  const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(tx)).rows[0]?.n ?? 0;
  const [patients, upcoming, consents, branches, byMonth] = await Promise.all([
    one(sql`SELECT count(*)::int n FROM patients WHERE status = 'active'`),
    one(sql`SELECT count(*)::int n FROM appointments WHERE status = 'booked' AND starts_at >= ${now}`),
    sql<{ kind: string; n: number }>`
      SELECT kind, count(DISTINCT patient_id)::int n FROM consent_state
      WHERE status = 'granted' AND (expires_at IS NULL OR expires_at > ${now})
      GROUP BY kind ORDER BY kind`.execute(tx),
    sql<{ id: string; name_ru: string; name_en: string }>`
      SELECT id, name_ru, name_en FROM branches ORDER BY code`.execute(tx),
    sql<{ month: string; branch_id: string; n: number }>`
      SELECT to_char(month, 'YYYY-MM') AS month, branch_id, visits::int n
      FROM visit_month_stats
      WHERE month >= ${`${months[0]}-01`}::date AND month <= ${`${months[11]}-01`}::date`.execute(tx),
  ]);
  const cells = new Map(byMonth.rows.map((r) => [`${r.month}|${r.branch_id}`, r.n]));
  return {
    asOf: now,
    patients,
    visitsLast12Months: byMonth.rows.reduce((sum, r) => sum + r.n, 0),
    upcomingAppointments: upcoming,
    consents: consents.rows.map((r) => ({ kind: r.kind, patients: r.n })),
    branches: branches.rows.map((b) => ({ id: b.id, nameRu: b.name_ru, nameEn: b.name_en })),
    months,
    // Every month × branch, zeros included, so the chart has no gaps.
    visitsByMonth: months.flatMap((month) =>
      branches.rows.map((b) => ({ month, branchId: b.id, visits: cells.get(`${month}|${b.id}`) ?? 0 })),
    ),
  };
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
