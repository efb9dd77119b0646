// The full crash test of issue 5 (R50, R52): a 10,000-message campaign to a local SMTP server,
// the worker process SIGKILLed at random points 100 times, then run to the end:
//   npx node bench/delivery-crash.ts [--messages 10000] [--kills 100]
// On PostgreSQL (DATABASE_URL, or a fresh database of its own). The test suite runs a
// 1,000-message, 10-kill variant on both databases (packages/server/test/delivery/crash.test.ts).
import { sql } from 'kysely';
import { systemClock } from '../packages/server/src/kernel/index.ts';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { enqueueMessages, type OutboxItem } from '../packages/server/src/modules/delivery/index.ts';
import { lookupService, runWithKills } from '../packages/server/test/delivery/crash.ts';
import { bulkPatients, startSmtp } from '../packages/server/test/delivery/support.ts';
import {
  createTestTenant,
  registerProcessors,
  systemScope,
  TEST_MASTER_KEY,
  testConfig,
} from '../packages/server/test/support/careloop.ts';
import { arg, freshDatabase } from './support.ts';

const messages = arg('messages', 10_000);
const kills = arg('kills', 100);
const url = process.env.DATABASE_URL ?? (await freshDatabase('careloop_wt_delivery_crash'));
const careloop = await startCareloop(testConfig({ databaseUrl: url }), { migrate: true, clock: systemClock });
const { tenantId } = await createTestTenant(careloop);
await registerProcessors(careloop, tenantId, ['smtp:127.0.0.1']);
await careloop.db.system((tx) =>
  sql`UPDATE tenants SET settings = '{"delivery":{"quietStartHour":0,"quietEndHour":0}}' WHERE tenant_id = ${tenantId}`.execute(
    tx,
  ),
);
const patients = await bulkPatients(careloop, tenantId, messages, { consent: (i) => i % 20 !== 7 });
const items: OutboxItem[] = patients.map((patientId) => ({
  patientId,
  purpose: 'marketing.general',
  campaignId: null,
  channel: 'email',
  content: { templateId: 'recall-offer', version: 1 },
  occurrenceKey: 'crash:1',
}));
const queued = await careloop.db.tenant(tenantId, (tx) =>
  enqueueMessages(tx, systemScope(tenantId, 'marketing.general'), items),
);
console.log(`queued ${queued.queued}, skipped at queue time (no consent) ${queued.skipped}`);

const smtp = await startSmtp();
const lookup = await lookupService(smtp);
const run = await runWithKills(
  {
    CRASH_DB: url,
    CRASH_TENANT: tenantId,
    CRASH_LOOKUP_URL: lookup.url,
    CRASH_SMTP_PORT: String(smtp.port),
    CRASH_MASTER_KEY: TEST_MASTER_KEY,
    CRASH_BATCH: '100',
  },
  kills,
  { maxDelayMs: 1_500 },
);
const rows = await careloop.db.tenant(tenantId, (tx) =>
  tx.selectFrom('outbox_messages').select(['state', 'idem_key', 'decision']).execute(),
);
const perId = new Map<string, number>();
for (const m of smtp.received) perId.set(m.messageId, (perId.get(m.messageId) ?? 0) + 1);
const sent = rows.filter((r) => r.state === 'sent');
const lost = sent.filter((r) => !perId.has(`<${r.idem_key.toString('hex')}@careloop.message>`)).length;
const duplicates = [...perId.values()].filter((n) => n > 1).length;
const reconciled = rows.filter((r) => (r.decision as { reconciled?: string } | null)?.reconciled).length;
const states = Object.fromEntries(
  Object.entries(Object.groupBy(rows, (r) => r.state)).map(([k, v]) => [k, v?.length]),
);
console.log(
  `${run.restarts} worker processes, ${kills} SIGKILLs, ${(run.ms / 1000).toFixed(1)} s; states ${JSON.stringify(states)}; ` +
    `reconciled after a kill ${reconciled}; received ${smtp.received.length} of ${queued.queued} eligible: lost ${lost + (queued.queued - sent.length)}, duplicates ${duplicates}`,
);
await lookup.close();
await smtp.close();
await careloop.close();
if (lost > 0 || duplicates > 0 || sent.length !== queued.queued) process.exit(1);
