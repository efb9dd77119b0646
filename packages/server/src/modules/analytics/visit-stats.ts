import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';

/**
 * Visits per calendar month (UTC) and branch. Triggers on `visits` (migration
 * 2026-12-02T1930_visit_month_stats) keep the rollup in step with every statement that
 * writes visits; bulk loads that skip triggers (the demo generator, restores) call
 * rebuildVisitStats afterwards.
 */

/**
 * Recounts one tenant's rollup from its visits in one grouped pass. Holds a SHARE lock
 * on visits meanwhile, so no write slips between the recount and its result (writers
 * wait for the few seconds a recount of millions of visits takes).
 */
export async function rebuildVisitStats(db: Database, tenantId: string): Promise<{ cells: number }> {
  const t = sql`${tenantId}::uuid`;
  const cells = await db.system(async (tx) => {
    await sql`SET LOCAL work_mem = '64MB'`.execute(tx);
    await sql`LOCK TABLE visits IN SHARE MODE`.execute(tx);
    await sql`DELETE FROM visit_month_stats WHERE tenant_id = ${t}`.execute(tx);
    const r = await sql`
      INSERT INTO visit_month_stats (tenant_id, month, branch_id, visits)
      SELECT tenant_id, careloop_visit_month(visited_at), branch_id, count(*)
        FROM visits WHERE tenant_id = ${t}
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(tx);
    return Number(r.numAffectedRows ?? 0n);
  });
  await db.vacuum(['visit_month_stats']);
  return { cells };
}
