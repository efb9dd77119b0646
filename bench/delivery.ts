// Delivery benchmarks on PostgreSQL (a fresh database of its own unless DATABASE_URL is set):
//   npx node bench/delivery.ts [--recipients 100000] [--smtp 5000]
// Targets (issue 5): queueing a 100,000-recipient campaign ≤ 20 s; SMTP delivery to a local
// server ≥ 300 messages/s. The SMTP server (smtp-server) runs in a child process so that the
// worker's figures are not shared with it.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { newId, systemClock } from '../packages/server/src/kernel/index.ts';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import {
  catalogueRenderer,
  DeliveryWorker,
  enqueueMessages,
  type OutboxItem,
  smtpChannel,
} from '../packages/server/src/modules/delivery/index.ts';
import { bulkPatients, TEMPLATES } from '../packages/server/test/delivery/support.ts';
import {
  createTestTenant,
  registerProcessors,
  systemScope,
  testConfig,
} from '../packages/server/test/support/careloop.ts';
import { arg, freshDatabase, rss } from './support.ts';

/** A minimal SMTP sink in a child process; prints its port. */
const SMTP_SERVER = `
import { SMTPServer } from 'smtp-server';
const s = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
  onData(stream, _session, cb) { stream.on('data', () => {}); stream.on('end', () => cb()); } });
s.listen(0, '127.0.0.1', () => console.log(s.server.address().port));
`;

/** The 1-, 5- and 15-minute load averages: the machine is shared, so every figure carries them. */
const load = (): string =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;
const recipients = arg('recipients', 100_000);
const smtpMessages = arg('smtp', 5_000);
const url = process.env.DATABASE_URL ?? (await freshDatabase('careloop_bench_delivery'));
const careloop = await startCareloop(testConfig({ databaseUrl: url }), { migrate: true, clock: systemClock });
const { tenantId } = await createTestTenant(careloop);
await registerProcessors(careloop, tenantId, ['smtp:127.0.0.1']);
await careloop.db.system((tx) =>
  sql`UPDATE tenants SET settings = '{"delivery":{"quietStartHour":0,"quietEndHour":0}}' WHERE tenant_id = ${tenantId}`.execute(
    tx,
  ),
);

let t = performance.now();
const patients: string[] = [];
for (let i = 0; i < recipients; i += 20_000)
  patients.push(...(await bulkPatients(careloop, tenantId, Math.min(20_000, recipients - i))));
await careloop.db.vacuum(['patients', 'consent_state']);
console.log(
  `${recipients} patients with consents loaded in ${((performance.now() - t) / 1000).toFixed(1)} s (${rss()}); ${load()}`,
);

// 1. Queue a campaign: one transaction, consent checked per recipient at queue time (R7).
const campaignId = newId();
const items: OutboxItem[] = patients.map((patientId) => ({
  patientId,
  purpose: 'marketing.general',
  campaignId,
  channel: 'email',
  content: { templateId: 'recall-offer', version: 1 },
  context: { clinic: { name: 'Клиника' } },
  occurrenceKey: 'bench:1',
}));
t = performance.now();
const queued = await careloop.db.tenant(tenantId, (tx) =>
  enqueueMessages(tx, systemScope(tenantId, 'marketing.general'), items),
);
const enqueueS = (performance.now() - t) / 1000;
console.log(
  `enqueue ${recipients.toLocaleString('en')} messages: ${enqueueS.toFixed(2)} s (${Math.round(recipients / enqueueS)} msg/s; target ≤ 20 s) — queued ${queued.queued}, skipped ${queued.skipped}; ${load()}`,
);
// A replay adds nothing (R51).
t = performance.now();
const replay = await careloop.db.tenant(tenantId, (tx) =>
  enqueueMessages(tx, systemScope(tenantId, 'marketing.general'), items),
);
console.log(
  `replaying the same campaign: ${((performance.now() - t) / 1000).toFixed(2)} s, duplicates ${replay.duplicates}; ${load()}`,
);

// 2. SMTP throughput: deliver the first `smtpMessages` of them to a local SMTP server.
await careloop.db.tenant(tenantId, (tx) =>
  sql`UPDATE outbox_messages SET next_attempt_at = next_attempt_at + interval '10 years'
      WHERE id NOT IN (SELECT id FROM outbox_messages ORDER BY id LIMIT ${smtpMessages})`.execute(tx),
);
await careloop.db.vacuum(['outbox_messages']);
const server = spawn(process.execPath, ['--input-type=module', '-e', SMTP_SERVER], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve) =>
  server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
);
const worker = new DeliveryWorker(
  { db: careloop.db, vault: careloop.vault, clock: systemClock },
  {
    adapters: [
      smtpChannel({ host: '127.0.0.1', port, secure: false, from: 'news@clinic.test', maxConnections: 20 }),
    ],
    renderer: catalogueRenderer(Object.values(TEMPLATES)),
    publicUrl: 'https://care.clinic.test',
    tenantIds: [tenantId],
    batchSize: 250,
    concurrency: 40,
  },
);
t = performance.now();
const r = await worker.drain();
const smtpS = (performance.now() - t) / 1000;
console.log(
  `SMTP delivery to a local server: ${r.sent} messages in ${smtpS.toFixed(2)} s = ${Math.round(r.sent / smtpS)} msg/s (target ≥ 300; claim, render, unsubscribe link, audit and send); ${load()}`,
);
console.log(
  `  overlapping: claim transactions ${(r.claimMs / 1000).toFixed(1)} s, provider calls in flight ${(r.sendMs / 1000).toFixed(1)} s, settle transactions ${(r.settleMs / 1000).toFixed(1)} s`,
);
await worker.stop();
server.kill();
await careloop.close();
