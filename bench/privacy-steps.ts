// Where the time of a phone lookup goes, step by step: the lookup's statements issued one at a
// time on a raw session of the application role (BEGIN, settings, blind-index query, decrypt,
// audit append, COMMIT), each timed, and the slowest lookups broken down:
//   npx node bench/privacy-steps.ts [--lookups 1000] [--pipelined]
// The application sends them in two round trips (db/driver.ts); with --pipelined this does the
// same (BEGIN + settings + lookup, then audit + COMMIT, prepared) and times those two.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { leafHash } from '../packages/server/src/modules/audit/chain.ts';
import { canonicalLookup, unsealPatient } from '../packages/server/src/modules/patients/index.ts';
import { arg, openDemoNetwork } from './support.ts';

const { url, careloop, tenantId: t, sample: patients } = await openDemoNetwork(arg('lookups', 1000));
const sample = patients.map((p) => p.phone);
const keys = await careloop.db.tenant(t, (tx) => careloop.vault.forTenant(tx, t));

const pipelined = process.argv.includes('--pipelined');
const client = new pg.Client({ connectionString: url, pipeline: pipelined });
await client.connect();
await client.query('SET ROLE careloop_app');

const steps = ['begin', 'set_config', 'lookup', 'decrypt', 'audit', 'commit', 'total'] as const;
const times = Object.fromEntries(steps.map((s) => [s, [] as number[]])) as Record<
  (typeof steps)[number],
  number[]
>;
const lookupSql = `
  SELECT p.id, p.status, p.key_version, p.key_wrapped, p.identity_enc, p.contact_enc
  FROM patient_lookup l JOIN patients p ON p.tenant_id = l.tenant_id AND p.id = l.patient_id
  WHERE (l.kind = $1 AND l.digest = $2) AND p.status <> 'erased' LIMIT 5000`;
let candidates = 0;
for (const phone of sample) {
  const t0 = performance.now();
  let t1 = t0;
  const lap = (s: (typeof steps)[number]) => {
    const now = performance.now();
    times[s].push(now - t1);
    t1 = now;
  };
  const value = canonicalLookup('phone', phone);
  let rows: pg.QueryResult;
  if (pipelined) {
    const opening = client.query(
      `BEGIN; SELECT set_config('role', 'careloop_app', true), set_config('careloop.tenant_id', '${t}', true)`,
    );
    const lookup = client.query({
      name: 'lookup',
      text: lookupSql,
      values: ['phone', keys.blind('phone', value)],
    });
    await opening;
    rows = await lookup;
    lap('lookup'); // begin, settings and lookup: one round trip
  } else {
    await client.query('BEGIN');
    lap('begin');
    await client.query(
      "SELECT set_config('role', 'careloop_app', true), set_config('careloop.tenant_id', $1, true)",
      [t],
    );
    lap('set_config');
    rows = await client.query(lookupSql, ['phone', keys.blind('phone', value)]);
    lap('lookup');
  }
  candidates += rows.rows.length;
  let found = 0;
  for (const r of rows.rows) {
    const c = unsealPatient(keys, r, { identity: false, contact: true }).contact;
    if (c?.phone && canonicalLookup('phone', c.phone) === value) {
      unsealPatient(keys, r, { identity: true, contact: false });
      found++;
    }
  }
  lap('decrypt');
  const at = new Date();
  const entry = {
    tenantId: t,
    at,
    actor: 'staff:00000000-0000-7000-8000-000000000001',
    action: 'patient.search',
    purpose: 'registry.operations',
    subjectType: null,
    subjectId: null,
    outcome: 'allowed' as const,
    details: { by: 'phone', results: found },
    requestId: null,
  };
  const row = {
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    purpose: entry.purpose,
    subject_type: null,
    subject_id: null,
    outcome: 'allowed',
    details: entry.details,
    request_id: null,
  };
  const append = client.query({
    name: 'append',
    text: 'SELECT careloop_audit_append($1, $2::jsonb, $3::bytea[])',
    values: [t, JSON.stringify([row]), [leafHash(entry)]],
  });
  if (pipelined) {
    const commit = client.query('COMMIT');
    await append;
    await commit;
    lap('commit'); // audit and commit: one round trip
  } else {
    await append;
    lap('audit');
    await client.query('COMMIT');
    lap('commit');
  }
  times.total.push(performance.now() - t0);
}
// The slowest lookups, step by step: what the tail is made of.
const order = times.total.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
for (const [, i] of order.slice(0, Math.max(5, Math.ceil(order.length / 100)))) {
  const parts = steps.filter((s) => times[s].length > 0).map((s) => `${s} ${times[s][i]!.toFixed(2)}`);
  console.log(`  slow: ${parts.join('  ')}`);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
console.log(`${sample.length} lookups, ${(candidates / sample.length).toFixed(1)} candidates each`);
for (const s of steps) {
  const xs = times[s];
  if (xs.length === 0) continue;
  console.log(
    `${s.padEnd(12)} mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)}  p50 ${pct(xs, 0.5).toFixed(3)}  p95 ${pct(xs, 0.95).toFixed(3)}  p99 ${pct(xs, 0.99).toFixed(3)} ms`,
  );
}
await client.end();
await careloop.close();
