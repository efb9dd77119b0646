// Generates the demo network at scale into PostgreSQL and prints rows per second.
//   npx node bench/generate.ts [--patients 1000000]
// Target (issue 2): 1,000,000 patients and ~5,000,000 visits in under 3 minutes on 2 cores.
import { sql } from 'kysely';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { testConfig } from '../packages/server/test/support/careloop.ts';
import { arg, freshDatabase, rss } from './support.ts';

const patients = arg('patients', 1_000_000);
const url = process.env.DATABASE_URL ?? (await freshDatabase('careloop_bench'));
const careloop = await startCareloop(testConfig({ databaseUrl: url, logLevel: 'silent' }), { migrate: true });
const started = performance.now();
let peak = 0;
const summary = await careloop.demo.generate({
  patients,
  asOf: new Date('2026-11-23T00:00:00Z'),
  batchSize: 25_000,
  // Generation alone; bench/identity.ts times resolution.
  resolveIdentities: false,
  onProgress: (done, total) => {
    peak = Math.max(peak, process.memoryUsage().rss);
    if (done % 100_000 < 25_000) {
      process.stderr.write(
        `  ${done}/${total} patients, ${((performance.now() - started) / 1000).toFixed(0)} s, rss ${rss()}\n`,
      );
    }
  },
});
const seconds = (performance.now() - started) / 1000;
const counts = await careloop.db.system(async (tx) => {
  const r = await sql<{ t: string; n: number }>`
    SELECT 'patients' t, count(*)::int n FROM patients UNION ALL SELECT 'patient_lookup', count(*)::int FROM patient_lookup
    UNION ALL SELECT 'visits', count(*)::int FROM visits UNION ALL SELECT 'visit_services', count(*)::int FROM visit_services
    UNION ALL SELECT 'consent_events', count(*)::int FROM consent_events UNION ALL SELECT 'consent_state', count(*)::int FROM consent_state
    UNION ALL SELECT 'slots', count(*)::int FROM slots`.execute(tx);
  return r.rows;
});
const rows = counts.reduce((a, c) => a + c.n, 0) + summary.patients; // + patient_keys
console.log(`generated on ${careloop.db.location}`);
for (const c of counts) console.log(`  ${c.t.padEnd(16)} ${String(c.n).padStart(10)}`);
console.log(`patients ${summary.patients}, visits ${summary.visits}: ${seconds.toFixed(1)} s`);
console.log(
  `${Math.round(rows / seconds)} rows/s over ${rows} rows; ${Math.round(summary.patients / seconds)} patients/s; peak rss ${(peak / 2 ** 20).toFixed(0)} MiB`,
);
console.log(
  `target: < 180 s for 1,000,000 patients — ${seconds < 180 || patients < 1_000_000 ? 'met' : 'NOT met'}`,
);
await careloop.close();
