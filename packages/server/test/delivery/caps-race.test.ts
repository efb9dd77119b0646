import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, ServerDatabase } from '../../src/db/index.ts';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  catalogueRenderer,
  DeliveryWorker,
  enqueueMessages,
  type OutboxItem,
  smtpChannel,
} from '../../src/modules/delivery/index.ts';
import { createTestTenant, registerProcessors, systemScope, testCareloop } from '../support/careloop.ts';
import { bulkPatients, startSmtp, TEMPLATES } from './support.ts';

const clock = new ManualClock('2026-11-23T09:00:00Z'); // a Monday, 12:00 in Moscow
let careloop: Careloop;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const extra: Database[] = [];

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  smtp = await startSmtp();
});
afterAll(async () => {
  for (const d of extra) await d.close();
  await careloop?.close();
  await smtp?.close();
});

/** On PostgreSQL each worker gets its own connections, so the race is real; embedded has one session. */
const workerDb = (): Database => {
  const url = process.env.DATABASE_URL;
  if (!url) return careloop.db;
  const d = new ServerDatabase(url, 2);
  extra.push(d);
  return d;
};

describe(`contact-pressure race (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  it('R24, R53: 20 campaigns racing for the same patients with 4 workers never exceed the daily or weekly cap', async () => {
    const { tenantId } = await createTestTenant(careloop);
    await registerProcessors(careloop, tenantId, ['smtp:127.0.0.1']);
    const patients = await bulkPatients(careloop, tenantId, 25);
    const renderer = catalogueRenderer(Object.values(TEMPLATES));
    const workers = Array.from(
      { length: 4 },
      () =>
        new DeliveryWorker(
          { db: workerDb(), vault: careloop.vault, clock },
          {
            adapters: [
              smtpChannel({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'c@clinic.test' }),
            ],
            renderer,
            publicUrl: 'https://care.clinic.test',
            tenantIds: [tenantId],
            batchSize: 7,
          },
        ),
    );
    const sentOn = new Map<string, number[]>(); // patient → days a marketing message went out
    for (let day = 0; day < 7; day++) {
      clock.set(new Date(Date.parse('2026-11-23T09:00:00Z') + day * 86_400_000));
      // 20 campaigns enqueue concurrently, each for every patient, on e-mail or SMS-preferred.
      await Promise.all(
        Array.from({ length: 20 }, (_, c) => {
          const campaignId = newId();
          const items: OutboxItem[] = patients.map((patientId) => ({
            patientId,
            purpose: 'marketing.general',
            campaignId,
            channel: 'email',
            content: { templateId: 'recall-offer', version: 1 },
            occurrenceKey: `day${day}:c${c}`,
          }));
          return careloop.db.tenant(tenantId, (tx) =>
            enqueueMessages(tx, systemScope(tenantId, 'marketing.general'), items, { clock }),
          );
        }),
      );
      // Workers race each other until nothing is due.
      await Promise.all(workers.map((w) => w.drain()));
      const sent = await careloop.db.tenant(tenantId, (tx) =>
        tx
          .selectFrom('outbox_messages')
          .select(['patient_id', 'state', 'occurrence_key'])
          .where('occurrence_key', 'like', `day${day}:%`)
          .execute(),
      );
      expect(sent.filter((r) => r.state === 'queued' || r.state === 'sending')).toEqual([]);
      for (const r of sent.filter((x) => x.state === 'sent')) {
        const list = sentOn.get(r.patient_id) ?? [];
        list.push(day);
        sentOn.set(r.patient_id, list);
      }
    }
    for (const w of workers) await w.stop();
    // Exactly one a day on Monday, Tuesday, Wednesday; nothing after the weekly cap of 3.
    for (const p of patients) expect(sentOn.get(p)).toEqual([0, 1, 2]);
    const skipped = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('skip_reason', '=', 'frequency_cap')
        .executeTakeFirstOrThrow(),
    );
    expect(Number(skipped.n)).toBe(25 * 20 * 7 - 25 * 3);
    // And the provider saw exactly the messages the ledger says were sent.
    const ids = new Set(
      (
        await careloop.db.tenant(tenantId, (tx) =>
          tx.selectFrom('outbox_messages').select('id').where('state', '=', 'sent').execute(),
        )
      ).map((r) => r.id),
    );
    expect(smtp.received.filter((m) => ids.has(m.headers['x-careloop-message'] ?? '')).length).toBe(75);
  }, 300_000);
});
