// Segment count benchmark on PostgreSQL with the 1M-patient demo network, made once by either
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/careloop_bench npx node bench/generate.ts --patients 1000000
//   DATABASE_URL=… npx careloop demo --patients 1000000   (keeps its master key in data/keys)
// then
//   DATABASE_URL=… npx node bench/segments.ts [--runs 15] [--explain 1]
// Target (issue 5): "women 40+ with no mammography in 12 months and an e-mail advertising consent"
// in ≤ 150 ms through the maintained facts (hand-written SQL over raw visits takes about 0.6 s).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { cellKeySql, compileSegment, segmentContext } from '../packages/server/src/modules/segments/index.ts';
import { testConfig } from '../packages/server/test/support/careloop.ts';
import { arg } from './support.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/careloop_bench';
// The CLI keeps its master key in the data directory; bench/generate.ts uses the test key.
const keyFile = process.env.CARELOOP_KEY_FILE ?? 'data/keys/master-keys.json';
const keys = process.env.CARELOOP_MASTER_KEY
  ? { masterKey: process.env.CARELOOP_MASTER_KEY }
  : existsSync(keyFile)
    ? { masterKey: undefined, keyFile }
    : {};
const careloop = await startCareloop(testConfig({ databaseUrl: url, logLevel: 'silent', ...keys }), {
  migrate: true,
});
const demo = await careloop.demo.find();
if (!demo)
  throw new Error('No demo network in this database: run `npx careloop demo --patients 1000000` first.');
const t = demo.id;
const runs = arg('runs', 15);

const facts = await careloop.db.tenant(t, (tx) =>
  sql<{ n: number }>`SELECT count(*)::int n FROM patient_facts`.execute(tx),
);
if (facts.rows[0]!.n === 0) {
  const started = performance.now();
  const s = await careloop.segments.rebuildFacts(t);
  console.log(
    `facts rebuilt: ${s.patients} patients, ${s.visitFacts} visit facts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
const sizes = await careloop.db.tenant(t, (tx) =>
  sql<{
    p: number;
    v: number;
  }>`SELECT (SELECT count(*)::int FROM patients) p, (SELECT count(*)::int FROM visits) v`.execute(tx),
);
console.log(`database ${careloop.db.location}: ${sizes.rows[0]!.p} patients, ${sizes.rows[0]!.v} visits`);

const mammography = await careloop.db.tenant(t, (tx) =>
  tx.selectFrom('services').select('id').where('code', '=', 'mammography').executeTakeFirstOrThrow(),
);
const rule = {
  op: 'and' as const,
  rules: [
    { op: 'sex' as const, is: 'female' as const },
    { op: 'age' as const, min: 40 },
    { op: 'no_visit' as const, serviceId: mammography.id, within: { n: 12, unit: 'months' as const } },
  ],
};
const input = { rule, purpose: 'marketing.general' as const, channel: 'email' as const };
const owner = {
  tenantId: t,
  actor: { kind: 'staff' as const, userId: '00000000-0000-7000-8000-000000000001', role: 'owner' as const },
  purpose: 'marketing.general' as const,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
async function time<T>(label: string, n: number, fn: () => Promise<T>): Promise<T> {
  let out: T | undefined;
  const xs: number[] = [];
  if (n === 0) return undefined as T; // skipped
  out = await fn(); // warm-up
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    out = await fn();
    xs.push(performance.now() - s);
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `${label.padEnd(62)} median ${median(xs).toFixed(1)} ms  p95 ${p95(xs).toFixed(1)} ms  (load average ${load})`,
  );
  return out as T;
}

const ctx = await careloop.db.tenant(t, (tx) => segmentContext(tx, careloop.clock, t));
const yearFloor = Number(ctx.today.slice(0, 4)) - 40;
const md = Number(ctx.today.slice(5, 7)) * 100 + Number(ctx.today.slice(8, 10));
const since = new Date(ctx.at);
since.setUTCFullYear(since.getUTCFullYear() - 1);

// The same question asked of the raw tables, written by hand (the 0.6 s reference).
const raw = await time(
  'hand-written SQL over raw visits and consent state',
  arg('raw-runs', Math.min(runs, 5)),
  () =>
    careloop.db.tenant(t, async (tx) => {
      const r = await sql<{ n: number }>`
      SELECT count(*)::int n FROM patients p
       WHERE p.status = 'active' AND p.sex = 'female'
         AND (p.birth_year < ${yearFloor} OR (p.birth_year = ${yearFloor} AND coalesce(p.birth_md, 1231) <= ${md}))
         AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.patient_id = p.id AND v.visited_at >= ${since}
                           AND (v.service_id = ${mammography.id}
                                OR EXISTS (SELECT 1 FROM visit_services s WHERE s.visit_id = v.id AND s.service_id = ${mammography.id})))
         AND (SELECT count(*) FROM consent_state c WHERE c.patient_id = p.id AND c.status = 'granted'
                AND (c.expires_at IS NULL OR c.expires_at > ${ctx.at})
                AND c.kind IN ('pd.marketing', 'pd.marketing.health_based', 'ads.receive.email')) = 3`.execute(
        tx,
      );
      return r.rows[0]!.n;
    }),
);

const bare = await time('segment SQL through the facts (compiled, no audit)', runs, () =>
  careloop.db.tenant(t, async (tx) => {
    await sql`SET LOCAL jit = off`.execute(tx);
    const c = compileSegment(input, ctx);
    const r = await tx
      .selectFrom('patient_facts as f')
      .select(sql<string>`count(*)`.as('n'))
      .where(c.where)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }),
);

// What countSegment runs: the count with its cell key (sum of record keys) from the same rows.
await time('segment SQL with its cell key (count, sum(record_key))', runs, () =>
  careloop.db.tenant(t, async (tx) => {
    await sql`SET LOCAL jit = off`.execute(tx);
    const c = compileSegment(input, ctx);
    const r = await tx
      .selectFrom('patient_facts as f')
      .select([sql<string>`count(*)`.as('n'), cellKeySql(sql`f.record_key`).as('k')])
      .where(c.where)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }),
);

const served = await time('SegmentService.count (policy, tenant day, audit entry)', runs, () =>
  careloop.segments.count(owner, input),
);
const marketer = { ...owner, actor: { ...owner.actor, role: 'marketer' as const } };
const shown = await time('SegmentService.count for a marketer (perturbed by cell key)', runs, () =>
  careloop.segments.count(marketer, input),
);
console.log(`marketer sees ${shown.count} (perturbed: ${shown.perturbed})`);

console.log(
  `audience: ${bare} patients (raw SQL ${raw}; service ${served.count}; purpose ${served.plan.purpose}, consents ${served.plan.consentKinds.join(' + ')})`,
);
if (served.count !== bare || (raw !== undefined && bare !== raw)) {
  console.log('MISMATCH between the facts and the raw tables');
  process.exitCode = 1;
}

if (arg('explain', 0)) {
  await careloop.db.tenant(t, async (tx) => {
    await sql`SET LOCAL jit = off`.execute(tx); // as countSegment runs it
    const c = compileSegment(input, ctx);
    const q = tx
      .selectFrom('patient_facts as f')
      .select([sql<string>`count(*)`.as('n'), cellKeySql(sql`f.record_key`).as('k')])
      .where(c.where)
      .compile();
    const r = await sql
      .raw<Record<string, string>>(
        `EXPLAIN (ANALYZE, BUFFERS) ${q.sql.replace(/\$(\d+)/g, (_, i) => lit(q.parameters[Number(i) - 1]))}`,
      )
      .execute(tx);
    for (const row of r.rows) console.log(Object.values(row)[0]);
  });
}
await careloop.close();

function lit(v: unknown): string {
  if (v instanceof Date) return `'${v.toISOString()}'::timestamptz`;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `'{${v.join(',')}}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}
