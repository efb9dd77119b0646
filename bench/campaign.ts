/**
 * Building and queueing a large campaign on PostgreSQL: the audience snapshot with its
 * control arm, a preference link per recipient and the outbox rows, in one transaction.
 *
 *   npx node bench/campaign.ts [--patients 200000] [--reuse 1]
 *
 * Generates the demo network into careloop_bench_campaigns (or reuses it with --reuse 1),
 * approves the playbook content, then launches a recall campaign wide enough to reach about
 * half of the patients (target: 100,000 recipients in ≤ 20 s).
 */
import pg from 'pg';
import { ServerDatabase } from '../packages/server/src/db/index.ts';
import { type Scope, systemClock } from '../packages/server/src/kernel/index.ts';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { arg, freshDatabase, rss } from './support.ts';

const NAME = 'careloop_bench_campaigns';
const patients = arg('patients', 200_000);
const reuse = arg('reuse', 0) === 1;
const base = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = reuse
  ? Object.assign(new URL(base), { pathname: `/${NAME}` }).toString()
  : await freshDatabase(NAME);

const db = new ServerDatabase(url, 4);
await db.migrate();
const careloop = await startCareloop(
  {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    databaseUrl: url,
    publicUrl: 'https://care.clinic.test',
    masterKey: `1:${Buffer.alloc(32, 7).toString('base64')}`,
    keyFile: '/nonexistent/keys.json',
    sessionIdleMinutes: 15,
    logLevel: 'silent',
  },
  { db, clock: systemClock },
);

let tenantId = (await careloop.demo.find())?.id;
if (!tenantId) {
  const t0 = performance.now();
  const s = await careloop.demo.generate({ patients, asOf: new Date() });
  tenantId = s.tenantId;
  console.log(
    `demo: ${s.patients} patients, ${s.visits} visits in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await db.vacuum();
}
const users = await db.tenant(tenantId, (tx) =>
  tx.selectFrom('staff_users').select(['id', 'role']).execute(),
);
const scope = (role: 'marketer'): Scope => ({
  tenantId: tenantId!,
  actor: { kind: 'staff', role, userId: users.find((u) => u.role === role)!.id },
  purpose: 'marketing.general',
});
await db.system((tx) =>
  tx
    .updateTable('tenants')
    .set({ settings: JSON.stringify({ clinic: { phone: '+7 495 000-00-00' } }) })
    .where('tenant_id', '=', tenantId!)
    .execute(),
);

const campaign = await careloop.campaigns.create(scope('marketer'), {
  playbook: 'recall',
  channel: 'preferred',
  schedule: 'once',
  controlPct: 10,
  params: { minMonths: 1, maxMonths: 36 },
});
const t1 = performance.now();
const preview = await careloop.campaigns.preview(scope('marketer'), campaign.id);
const previewMs = performance.now() - t1;
const t2 = performance.now();
const r = await careloop.campaigns.launch(scope('marketer'), campaign.id);
const launchMs = performance.now() - t2;

const check = new pg.Client({ connectionString: url });
await check.connect();
const outbox = await check.query<{ n: number }>(
  'SELECT count(*)::int AS n FROM outbox_messages WHERE campaign_id = $1',
  [campaign.id],
);
await check.end();
console.log(
  [
    `patients in network: ${patients.toLocaleString('en')}`,
    `preview: ${preview.count?.toLocaleString('en')} eligible in ${previewMs.toFixed(0)} ms`,
    `launch: ${r.run.eligible.toLocaleString('en')} enrolled (${r.run.treatment.toLocaleString('en')} treatment, ${r.run.control.toLocaleString('en')} control), ${r.run.queued.toLocaleString('en')} queued in ${(launchMs / 1000).toFixed(1)} s (${Math.round(r.run.treatment / (launchMs / 1000)).toLocaleString('en')} recipients/s)`,
    `outbox rows: ${outbox.rows[0]?.n.toLocaleString('en')}`,
    `rss: ${rss()}`,
  ].join('\n'),
);
await careloop.close();
