import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  COMPLAINT_ALERT_RATE,
  COMPLAINT_PAUSE_RATE,
  catalogueRenderer,
  complaintRate,
  DeliveryWorker,
  enqueueMessages,
  nextDomainState,
  type OutboxItem,
  senderDomain,
  smtpChannel,
} from '../../src/modules/delivery/index.ts';
import {
  createTestTenant,
  registerProcessors,
  staffScope,
  systemScope,
  testCareloop,
} from '../support/careloop.ts';
import { bulkPatients, startSmtp, TEMPLATES } from './support.ts';

describe('R20: the complaint-rate breaker rules', () => {
  it('alerts from 0.1 %, pauses from 0.3 %, and a pause holds until a person resumes it', () => {
    expect([COMPLAINT_ALERT_RATE, COMPLAINT_PAUSE_RATE]).toEqual([0.001, 0.003]);
    expect(complaintRate(10_000, 0)).toBe(0);
    expect(complaintRate(0, 2)).toBe(1);
    expect(nextDomainState('ok', complaintRate(10_000, 9))).toBe('ok');
    expect(nextDomainState('ok', complaintRate(10_000, 10))).toBe('alert');
    expect(nextDomainState('alert', complaintRate(10_000, 29))).toBe('alert');
    expect(nextDomainState('alert', complaintRate(10_000, 30))).toBe('paused');
    expect(nextDomainState('alert', 0)).toBe('ok');
    expect(nextDomainState('paused', 0)).toBe('paused');
  });

  it('the sending domain is the From address’s, whatever the display name', () => {
    expect(senderDomain('Клиника «Здоровье» <News@Clinic.Example.RU>')).toBe('clinic.example.ru');
    expect(senderDomain('news@clinic.ru')).toBe('clinic.ru');
    expect(senderDomain('"a@b" <news@mail.clinic.ru>')).toBe('mail.clinic.ru');
    expect(senderDomain('Клиника')).toBeNull();
    expect(senderDomain('news@localhost')).toBeNull();
  });
});

describe(`R20: the breaker at work (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  const clock = new ManualClock('2026-11-23T09:00:00Z'); // 12:00 in Moscow
  const renderer = catalogueRenderer(Object.values(TEMPLATES));
  let careloop: Careloop;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let tenantId: string;

  beforeAll(async () => {
    careloop = await testCareloop({ clock });
    smtp = await startSmtp();
    tenantId = (await createTestTenant(careloop, ['owner', 'marketer'])).tenantId;
    await registerProcessors(careloop, tenantId, ['smtp:127.0.0.1']);
  });
  afterAll(async () => {
    await careloop?.close();
    await smtp?.close();
  });

  const drain = async () => {
    const w = new DeliveryWorker(careloop, {
      adapters: [
        smtpChannel({
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          from: 'Клиника <news@clinic.test>',
        }),
      ],
      renderer,
      publicUrl: 'https://care.clinic.test',
      tenantIds: [tenantId],
      random: () => 0.5,
    });
    const r = await w.drain();
    await w.stop();
    return r;
  };
  const enqueue = (purpose: OutboxItem['purpose'], items: OutboxItem[]) =>
    careloop.db.tenant(tenantId, (tx) =>
      enqueueMessages(tx, systemScope(tenantId, purpose), items, { clock }),
    );
  const offers = (patients: readonly string[], key: string): OutboxItem[] =>
    patients.map((patientId) => ({
      patientId,
      purpose: 'marketing.general',
      campaignId: null,
      channel: 'email',
      content: { templateId: 'recall-offer', version: 1 },
      occurrenceKey: key,
    }));
  /** A spam complaint as the e-mail provider reports it, through the receipt webhook's service. */
  const complain = async (key: string, nth: number, eventId = newId()) => {
    const row = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('outbox_messages')
        .select('idem_key')
        .where('occurrence_key', '=', key)
        .where('state', '=', 'sent')
        .orderBy('id')
        .limit(1)
        .offset(nth)
        .executeTakeFirstOrThrow(),
    );
    return careloop.delivery.receipt(tenantId, 'smtp:127.0.0.1', {
      eventId,
      reference: row.idem_key.toString('hex'),
      status: 'complained',
    });
  };
  const owner = () => staffScope(tenantId, 'owner', 'registry.operations');
  const domain = async () =>
    (await careloop.delivery.domains(owner())).find((d) => d.domain === 'clinic.test');
  const breakerAudit = () =>
    careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'details'])
        .where('action', 'like', 'delivery.domain_%')
        .orderBy('seq')
        .execute(),
    );

  it('one complaint in 400 e-mails raises an alert that clears as it ages out; two in 399 pause advertising, not care messages, until the owner resumes', async () => {
    const patients = await bulkPatients(careloop, tenantId, 400);
    await enqueue('marketing.general', offers(patients, 'wave:1'));
    expect((await drain()).sent).toBe(400);
    const sent = await careloop.db.tenant(tenantId, (tx) =>
      tx.selectFrom('outbox_messages').select('sender_domain').where('state', '=', 'sent').execute(),
    );
    expect(new Set(sent.map((r) => r.sender_domain))).toEqual(new Set(['clinic.test']));

    // 1 / 400 = 0.25 %: an alert, and sending goes on.
    await complain('wave:1', 0);
    expect(await domain()).toMatchObject({ state: 'alert', sent: 400, complaints: 1, rate: 0.0025 });
    // A day later the complaint has aged out of the window: the scheduled measurement clears it.
    clock.advance(25 * 3_600_000);
    await careloop.delivery.remeasureDomains();
    expect(await domain()).toMatchObject({ state: 'ok', sent: 0, complaints: 0 });

    // The patient who complained is suppressed for advertising: 399 go out.
    await enqueue('marketing.general', offers(patients, 'wave:2'));
    expect((await drain()).sent).toBe(399);
    await complain('wave:2', 0, 'spam-1');
    // The provider repeats its webhook: still one complaint.
    expect(await complain('wave:2', 0, 'spam-1')).toEqual({ duplicate: true, matched: true });
    expect(await domain()).toMatchObject({ state: 'alert', complaints: 1 });
    // 2 / 399 ≈ 0.5 %: paused at this complaint, not at the next scheduled measurement.
    await complain('wave:2', 1);
    expect(await domain()).toMatchObject({ state: 'paused', sent: 399, complaints: 2, rate: 2 / 399 });

    // Advertising by e-mail waits; an appointment reminder goes out.
    const [later, reminded] = await bulkPatients(careloop, tenantId, 2);
    await enqueue('marketing.general', offers([later as string], 'wave:3'));
    await enqueue('care.appointment', [
      {
        patientId: reminded as string,
        purpose: 'care.appointment',
        campaignId: null,
        channel: 'email',
        content: { templateId: 'visit-reminder', version: 1 },
        context: { slot: { date: '01.12.2026', time: '10:00' } },
        occurrenceKey: 'appt:1',
      },
    ]);
    const mails = smtp.received.length;
    expect(await drain()).toMatchObject({ sent: 1, deferred: 1 });
    expect(smtp.received.length).toBe(mails + 1);
    const held = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('outbox_messages')
        .select(['state', 'next_attempt_at', 'decision'])
        .where('occurrence_key', '=', 'wave:3')
        .executeTakeFirstOrThrow(),
    );
    expect(held.state).toBe('queued');
    expect(held.decision).toMatchObject({ deferred: 'domain_paused' });
    expect(new Date(held.next_attempt_at).getTime()).toBe(clock.now().getTime() + 15 * 60_000);
    // Still paused a quarter of an hour later: a pause is lifted by a person only.
    clock.advance(16 * 60_000);
    await careloop.delivery.remeasureDomains();
    expect(await drain()).toMatchObject({ sent: 0, deferred: 1 });

    await expect(
      careloop.delivery.resumeDomain(staffScope(tenantId, 'marketer', 'registry.operations'), 'clinic.test'),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
    const resumed = await careloop.delivery.resumeDomain(owner(), 'clinic.test');
    expect(resumed).toMatchObject({ state: 'ok', resumedAt: clock.now() });
    await expect(careloop.delivery.resumeDomain(owner(), 'clinic.test')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    clock.advance(16 * 60_000);
    expect((await drain()).sent).toBe(1);
    // A late complaint about an e-mail from before the pause does not trip it again.
    await complain('wave:2', 2);
    expect(await domain()).toMatchObject({ state: 'ok', sent: 1, complaints: 0 });

    // Every change of state is audited, the marketer's refused attempt too (R41).
    expect(
      (await breakerAudit()).map((a) => [a.action, a.outcome, (a.details as { from?: string }).from]),
    ).toEqual([
      ['delivery.domain_alert', 'done', 'ok'],
      ['delivery.domain_ok', 'done', 'alert'],
      ['delivery.domain_alert', 'done', 'ok'],
      ['delivery.domain_paused', 'done', 'alert'],
      ['delivery.domain_resumed', 'denied', undefined],
      ['delivery.domain_resumed', 'done', undefined],
    ]);
  });
});
