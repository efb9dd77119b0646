import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedDatabase } from '../../src/db/index.ts';
import { newId, systemClock } from '../../src/kernel/index.ts';
import { type Careloop, startCareloop } from '../../src/main/careloop.ts';
import { enqueueMessages, type OutboxItem } from '../../src/modules/delivery/index.ts';
import {
  createTestTenant,
  registerProcessors,
  systemScope,
  TEST_MASTER_KEY,
  testCareloop,
  testConfig,
} from '../support/careloop.ts';
import { lookupService, runWithKills } from './crash.ts';
import { bulkPatients, startSmtp } from './support.ts';

/**
 * R50, R52: the worker runs as a child process and is SIGKILLed at random points; after the
 * restarts every eligible recipient has exactly one message. The suite runs 1,000 messages and
 * 10 kills; bench/delivery-crash.ts runs the full 10,000 messages and 100 kills.
 */
const MESSAGES = 1_000;
const KILLS = 10;
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

const pg = process.env.DATABASE_URL;

async function open(): Promise<{ careloop: Careloop; spec: string; reopen: () => Promise<Careloop> }> {
  if (pg) {
    const careloop = await testCareloop({ clock: systemClock });
    return { careloop, spec: pg, reopen: async () => careloop };
  }
  // The child processes need the data on disk: one process at a time opens it.
  const dir = await mkdtemp(join(tmpdir(), 'careloop-crash-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'pg');
  const template = new Blob([await readFile(inject('embeddedTemplate'))]);
  const start = async (load?: Blob) =>
    startCareloop(testConfig(), {
      db: await EmbeddedDatabase.open({ dataDir, ...(load ? { loadDataDir: load } : {}) }),
      clock: systemClock,
    });
  return { careloop: await start(template), spec: `embedded:${dataDir}`, reopen: () => start() };
}

describe(`crash test (${pg ? 'PostgreSQL' : 'embedded'})`, () => {
  it(`R50, R52: ${KILLS} SIGKILLs during a ${MESSAGES}-message campaign lose nothing and duplicate nothing`, async () => {
    const smtp = await startSmtp();
    cleanup.push(smtp.close);
    const lookup = await lookupService(smtp);
    cleanup.push(lookup.close);
    let { careloop, spec, reopen } = await open();
    const { tenantId } = await createTestTenant(careloop);
    await registerProcessors(careloop, tenantId, ['smtp:127.0.0.1']);
    // Quiet hours off, so the wall-clock time of the run does not matter.
    await careloop.db.system((tx) =>
      sql`UPDATE tenants SET settings = '{"delivery":{"quietStartHour":0,"quietEndHour":0}}' WHERE tenant_id = ${tenantId}`.execute(
        tx,
      ),
    );
    // Every 20th patient has no consent: eligible = the others.
    const patients = await bulkPatients(careloop, tenantId, MESSAGES, { consent: (i) => i % 20 !== 7 });
    const campaignId = newId();
    const items: OutboxItem[] = patients.map((patientId) => ({
      patientId,
      purpose: 'marketing.general',
      campaignId,
      channel: 'email',
      content: { templateId: 'recall-offer', version: 1 },
      occurrenceKey: 'crash:1',
    }));
    const queued = await careloop.db.tenant(tenantId, (tx) =>
      enqueueMessages(tx, systemScope(tenantId, 'marketing.general'), items),
    );
    expect(queued).toMatchObject({ queued: MESSAGES - MESSAGES / 20, skipped: MESSAGES / 20 });
    if (!pg) await careloop.close();

    const run = await runWithKills(
      {
        CRASH_DB: spec,
        CRASH_TENANT: tenantId,
        CRASH_LOOKUP_URL: lookup.url,
        CRASH_SMTP_PORT: String(smtp.port),
        CRASH_MASTER_KEY: TEST_MASTER_KEY,
        CRASH_BATCH: '50',
      },
      KILLS,
    );
    expect(run.restarts).toBeGreaterThan(KILLS / 2);
    console.log(
      `crash test: ${run.restarts} worker processes, ${KILLS} SIGKILLs, ${(run.ms / 1000).toFixed(1)} s`,
    );

    careloop = await reopen();
    cleanup.push(() => careloop.close());
    const rows = await careloop.db.tenant(tenantId, (tx) =>
      tx.selectFrom('outbox_messages').select(['id', 'state', 'idem_key']).execute(),
    );
    const byState = Object.groupBy(rows, (r) => r.state);
    expect(byState.sent?.length).toBe(queued.queued);
    expect(byState.skipped?.length).toBe(queued.skipped);
    const perMessage = new Map<string, number>();
    for (const m of smtp.received) perMessage.set(m.messageId, (perMessage.get(m.messageId) ?? 0) + 1);
    const expected = (byState.sent ?? []).map((r) => `<${r.idem_key.toString('hex')}@careloop.message>`);
    const lost = expected.filter((id) => !perMessage.has(id)).length;
    const duplicates = [...perMessage.values()].filter((n) => n > 1).length;
    expect({ lost, duplicates, received: smtp.received.length }).toEqual({
      lost: 0,
      duplicates: 0,
      received: queued.queued,
    });
  }, 400_000);
});
