// Identity resolution in the database at scale: generates the demo network (without
// resolving), then runs a full resolution over every patient — decrypting them in
// batches, blocking, scoring and writing the review queue — and prints patients per
// second, the queue, the share of planted duplicates found and peak memory.
// With --auto-merge, pairs above the upper threshold are merged (in batches) instead of
// queued, and the merges are counted.
//   npx node bench/identity.ts [--patients 100000] [--auto-merge]
import { sql } from 'kysely';
import { systemActor } from '../packages/server/src/kernel/index.ts';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { testConfig } from '../packages/server/test/support/careloop.ts';
import { arg, freshDatabase } from './support.ts';

const patients = arg('patients', 100_000);
const autoMerge = process.argv.includes('--auto-merge');
const url = process.env.DATABASE_URL ?? (await freshDatabase('careloop_bench_identity'));
const careloop = await startCareloop(testConfig({ databaseUrl: url, logLevel: 'silent' }), { migrate: true });
const g0 = performance.now();
const demo = await careloop.demo.generate({
  patients,
  asOf: new Date('2026-11-23T00:00:00Z'),
  batchSize: 25_000,
  resolveIdentities: false,
});
console.log(`demo: ${demo.patients} patients in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 200);
const report = await careloop.identity.resolve(
  { tenantId: demo.tenantId, actor: systemActor('bench'), purpose: 'registry.operations' },
  { autoMerge },
);
clearInterval(sampler);
// Planted duplicates and twins share their original's phone: a pair in the queue that
// shares a phone digest is a planted pair (or twins, which the guards keep below match).
const shared = await careloop.db.tenant(demo.tenantId, async (tx) => {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int n FROM identity_candidates c
    WHERE c.status = 'open' AND EXISTS (
      SELECT 1 FROM patient_lookup a JOIN patient_lookup b ON b.tenant_id = a.tenant_id AND b.kind = a.kind AND b.digest = a.digest
      WHERE a.tenant_id = c.tenant_id AND a.patient_id = c.patient_a AND b.patient_id = c.patient_b AND a.kind = 'phone')`.execute(
    tx,
  );
  return r.rows[0]!.n;
});
const s = report.ms / 1000;
console.log(
  `resolution (full, PostgreSQL): ${report.patients} patients in ${s.toFixed(1)} s — ${Math.round(report.patients / s)} patients/s; ` +
    `${report.candidatePairs} candidate pairs, ${autoMerge ? `${report.merged} merged in ${(report.mergeMs / 1000).toFixed(1)} s (${Math.round(report.merged / (report.mergeMs / 1000))} merges/s), ` : ''}${report.queued} queued (${shared} sharing a phone; ${demo.plantedDuplicates} duplicates and ${demo.twins} twins planted); peak rss ${(peak / 2 ** 20).toFixed(0)} MiB`,
);
await careloop.close();
