// Privacy-core benchmarks on PostgreSQL with the 1M-patient demo network from bench/generate.ts:
//   npx node bench/generate.ts --patients 1000000   (once)
//   npx node bench/privacy.ts [--lookups 2000]
// Targets (issue 4): phone lookup through the blind index p99 < 10 ms; the policy-scoped read path
// at most 20 % over an unscoped query of the same row.
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { systemActor } from '../packages/server/src/kernel/index.ts';
import { permittedColumns, unsealPatient } from '../packages/server/src/modules/patients/index.ts';
import { classesFor } from '../packages/server/src/modules/policy/index.ts';
import { arg, openDemoNetwork } from './support.ts';

const { careloop, tenantId: t, sample } = await openDemoNetwork(arg('lookups', 2000));
const count = await careloop.db.tenant(t, (tx) =>
  sql<{ n: number }>`SELECT count(*)::int n FROM patients`.execute(tx),
);
console.log(
  `database ${careloop.db.location}: ${count.rows[0]!.n} patients; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const report = (label: string, xs: number[]) =>
  console.log(
    `${label.padEnd(44)} p50 ${pct(xs, 0.5).toFixed(2)} ms  p95 ${pct(xs, 0.95).toFixed(2)} ms  p99 ${pct(xs, 0.99).toFixed(2)} ms`,
  );

const desk = {
  tenantId: t,
  actor: {
    kind: 'staff' as const,
    userId: '00000000-0000-7000-8000-000000000001',
    role: 'front_desk' as const,
  },
  purpose: 'registry.operations' as const,
};

// 1. Find a patient by phone through the blind index: digest → candidates → decrypt → confirm, audited.
const lookups: number[] = [];
let misses = 0;
for (const s of sample) {
  const t0 = performance.now();
  const found = await careloop.patients.search(desk, { phone: s.phone });
  lookups.push(performance.now() - t0);
  if (!found.some((f) => f.id === s.id)) misses++;
}
report(`phone lookup, ${sample.length} searches (incl. audit)`, lookups);
console.log(
  `  found the right patient in ${sample.length - misses}/${sample.length}; target p99 < 10 ms: ${pct(lookups, 0.99) < 10 ? 'met' : 'NOT met'}`,
);

// 2. The scoped read path against an unscoped query of the same row (both in a tenant transaction, both decrypting).
const scoped: number[] = [];
const unscoped: number[] = [];
const system = { tenantId: t, actor: systemActor('bench'), purpose: 'registry.operations' as const };
for (let round = 0; round < 2; round++) {
  for (const s of sample) {
    let t0 = performance.now();
    await careloop.db.tenant(t, async (tx) => {
      const keys = await careloop.vault.forTenant(tx, t);
      const row = await sql<{
        id: string;
        key_version: number;
        key_wrapped: Buffer;
        identity_enc: Buffer;
        contact_enc: Buffer;
      }>`
        SELECT * FROM patients WHERE id = ${s.id}`.execute(tx);
      unsealPatient(keys, row.rows[0]!, { identity: true, contact: true });
    });
    if (round === 1) unscoped.push(performance.now() - t0);
    t0 = performance.now();
    await careloop.db.tenant(t, async (tx) => {
      const keys = await careloop.vault.forTenant(tx, t);
      const classes = classesFor(desk, 'read');
      const row = await tx
        .selectFrom('patients')
        .select(permittedColumns(classes))
        .where('id', '=', s.id)
        .executeTakeFirstOrThrow();
      unsealPatient(keys, row as never, {
        identity: classes.has('identity'),
        contact: classes.has('contact'),
      });
    });
    if (round === 1) scoped.push(performance.now() - t0);
  }
}
report('unscoped read (SELECT *, decrypt)', unscoped);
report('policy-scoped read (permitted columns, decrypt)', scoped);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const overhead = (mean(scoped) / mean(unscoped) - 1) * 100;
console.log(
  `  policy overhead on the mean: ${overhead.toFixed(1)} %; target ≤ 20 %: ${overhead <= 20 ? 'met' : 'NOT met'}`,
);

const full: number[] = [];
for (const s of sample.slice(0, 500)) {
  const t0 = performance.now();
  await careloop.patients.card(desk, s.id);
  full.push(performance.now() - t0);
}
report('full card read through the API service (incl. audit)', full);
void system;
console.log(
  `load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);
await careloop.close();
