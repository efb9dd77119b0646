// The home screen's visit figures and the call centre's free-slot search at 10 million visits
// and 10 million slots, on PostgreSQL:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> npx node bench/home-and-slots.ts [--runs 5]
// The first run loads a synthetic tenant `perf-scale` (20 branches, 600 doctors, ~10M slots over
// 2.8 years and 4 weeks ahead, 10M visits of 1M patients over 5 years, in patient order like the
// demo) with triggers skipped, then rebuilds the visits rollup; later runs reuse it.
// Prints: the old scan of visits against the rollup the home screen now reads, the rebuild,
// the triggers' cost on a 10,000-visit insert, and the free-slot search by each filter.
import { sql } from 'kysely';
import { ServerDatabase } from '../packages/server/src/db/index.ts';
import { lastTwelveMonths, rebuildVisitStats } from '../packages/server/src/modules/analytics/index.ts';
import { findFreeSlots } from '../packages/server/src/modules/schedule/index.ts';
import { arg } from './support.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to a PostgreSQL database of your own.');
const db = new ServerDatabase(url, 2);
await db.migrate();
const T = '01900000-0000-7000-8000-0000000000aa';
const NOW = new Date('2026-11-23T09:00:00Z');
const runs = arg('runs', 5);
const ms = (t0: number) => `${(performance.now() - t0).toFixed(1)} ms`;

const loaded = await db.system((tx) =>
  sql<{ n: number }>`SELECT count(*)::int n FROM tenants WHERE tenant_id = ${T}`.execute(tx),
);
if (loaded.rows[0]!.n === 0) {
  const t0 = performance.now();
  await db.system(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await sql`SET LOCAL work_mem = '256MB'`.execute(tx);
    await sql`INSERT INTO tenants (tenant_id, slug, name) VALUES (${T}, 'perf-scale', 'Perf scale')`.execute(
      tx,
    );
    await sql`INSERT INTO branches (tenant_id, id, code, name_ru, name_en, time_zone)
      SELECT ${T}, md5('branch'||b)::uuid, 'b'||b, 'Филиал '||b, 'Branch '||b, 'Europe/Moscow' FROM generate_series(0, 19) b`.execute(
      tx,
    );
    await sql`INSERT INTO specialties (tenant_id, id, code, name_ru, name_en)
      SELECT ${T}, md5('spec'||s)::uuid, 's'||s, 'Спец '||s, 'Spec '||s FROM generate_series(0, 29) s`.execute(
      tx,
    );
    await sql`INSERT INTO doctors (tenant_id, id, full_name, specialty_id, branch_id)
      SELECT ${T}, md5('doc'||d)::uuid, 'Доктор '||d, md5('spec'||(d % 30))::uuid, md5('branch'||(d % 20))::uuid
      FROM generate_series(0, 599) d`.execute(tx);
    await sql`INSERT INTO slots (tenant_id, id, doctor_id, branch_id, starts_at, ends_at, status)
      SELECT ${T}, gen_random_uuid(), md5('doc'||d)::uuid, md5('branch'||(d % 20))::uuid, t, t + interval '30 minutes',
             CASE WHEN random() < 0.02 THEN 'blocked'
                  WHEN day < 0 THEN CASE WHEN random() < 0.75 THEN 'booked' ELSE 'free' END
                  WHEN random() < greatest(0.15, 0.9 - day * 0.03) THEN 'booked' ELSE 'free' END
      FROM generate_series(-1010, 28) day, generate_series(0, 599) d, generate_series(0, 15) k,
           LATERAL (SELECT timestamptz '2026-11-23 05:00Z' + day * interval '1 day' + k * interval '30 minutes') x(t)`.execute(
      tx,
    );
    await sql`INSERT INTO visits (tenant_id, id, patient_id, branch_id, visited_at)
      SELECT ${T}, gen_random_uuid(), md5('p'||p)::uuid, md5('branch'||(abs(hashint4(p * 10 + v)) % 20))::uuid,
             timestamptz '2026-11-22 12:00Z' - (abs(hashint4(p * 31 + v)) % (5 * 365 * 24)) * interval '1 hour'
      FROM generate_series(1, 1000000) p, generate_series(0, 9) v`.execute(tx);
  });
  await db.vacuum(['slots', 'visits', 'doctors', 'branches', 'specialties']);
  console.log(`loaded the scale tenant in ${ms(t0)}`);
}

// Patient rows for the visits the insert measurement adds (the bulk load skipped foreign keys).
await db.system((tx) =>
  sql`INSERT INTO patients (tenant_id, id) SELECT ${T}, md5('p'||p)::uuid FROM generate_series(1, 1000) p
    ON CONFLICT DO NOTHING`.execute(tx),
);

const t1 = performance.now();
const rebuilt = await rebuildVisitStats(db, T);
console.log(`rebuildVisitStats: ${rebuilt.cells} cells from the visits in ${ms(t1)}`);

const months = lastTwelveMonths(NOW);
const from = new Date(`${months[0]}-01T00:00:00Z`);
const best = async (label: string, fn: () => Promise<unknown>) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label}: median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, best ${times[0]!.toFixed(1)} ms`,
  );
};
const inTenant = (q: ReturnType<typeof sql>) => () => db.tenant(T, (tx) => q.execute(tx));

await best(
  'home visits, before (scan of visits by month and branch)',
  inTenant(sql`SELECT to_char(date_trunc('month', visited_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, branch_id, count(*)::int n
    FROM visits WHERE visited_at >= ${from} AND visited_at < ${NOW} GROUP BY 1, 2`),
);
await best(
  'home visits, now (visit_month_stats)',
  inTenant(sql`SELECT to_char(month, 'YYYY-MM') AS month, branch_id, visits::int n FROM visit_month_stats
    WHERE month >= ${`${months[0]}-01`}::date AND month <= ${`${months[11]}-01`}::date`),
);

// The rollup trigger's cost on a bulk statement: 10,000 visits inserted and rolled back, with
// every trigger, and with the rollup's insert trigger disabled in that transaction.
const insertVisits = (rollup: boolean) => async () => {
  await db
    .system(async (tx) => {
      if (!rollup) await sql`ALTER TABLE visits DISABLE TRIGGER visits_month_stats_ins`.execute(tx);
      await sql`INSERT INTO visits (tenant_id, id, patient_id, branch_id, visited_at)
        SELECT ${T}, gen_random_uuid(), md5('p'||(g % 1000 + 1))::uuid, md5('branch'||(g % 20))::uuid,
               timestamptz '2026-11-20 10:00Z' - (g % 90) * interval '1 day'
        FROM generate_series(1, 10000) g`.execute(tx);
      throw new Error('rollback');
    })
    .catch((e: Error) => {
      if (e.message !== 'rollback') throw e;
    });
};
await best('insert 10,000 visits, every trigger', insertVisits(true));
await best('insert 10,000 visits, without the rollup trigger', insertVisits(false));

const id = (kind: string, n: number) =>
  db
    .system((tx) => sql<{ id: string }>`SELECT md5(${`${kind}${n}`})::uuid::text AS id`.execute(tx))
    .then((r) => r.rows[0]!.id);
const [branch, specialty, doctor] = await Promise.all([id('branch', 7), id('spec', 11), id('doc', 123)]);
const slotsBy = (label: string, filter: Parameters<typeof findFreeSlots>[2]) =>
  best(`free slots, ${label}`, () =>
    db.tenant(T, (tx) =>
      findFreeSlots(tx, NOW, { limit: 30, to: new Date(NOW.getTime() + 31 * 86_400_000), ...filter }),
    ),
  );
await slotsBy('no filter', {});
await slotsBy('branch', { branchId: branch });
await slotsBy('specialty', { specialtyId: specialty });
await slotsBy('doctor', { doctorId: doctor });
await slotsBy('branch + specialty', { branchId: branch, specialtyId: specialty });
await slotsBy('specialty, a period with no free slots', {
  specialtyId: specialty,
  from: new Date('2026-12-22T00:00:00Z'),
  to: new Date('2027-01-20T00:00:00Z'),
});
await db.close();
