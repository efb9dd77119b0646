import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { DEFAULT_TEMPLATES } from '../../src/modules/consent/index.ts';
import {
  type ChannelAdapter,
  catalogueRenderer,
  DeliveryWorker,
  enqueueMessages,
  httpChannel,
  idempotencyKey,
  type OutboxItem,
  smtpChannel,
} from '../../src/modules/delivery/index.ts';
import {
  createTestTenant,
  registerProcessors,
  registerTestPatient,
  staffScope,
  systemScope,
  testCareloop,
} from '../support/careloop.ts';
import { bulkPatients, startGateway, startSmtp, TEMPLATES } from './support.ts';

const clock = new ManualClock('2026-11-23T09:00:00Z'); // 12:00 in Moscow
let careloop: Careloop;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;
const renderer = catalogueRenderer(Object.values(TEMPLATES));
const docs = new Map<string, string>();
let tenantId: string;

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  smtp = await startSmtp();
  gateway = await startGateway();
});
afterAll(async () => {
  await careloop?.close();
  await smtp?.close();
  await gateway?.close();
});
beforeEach(async () => {
  clock.set('2026-11-23T09:00:00Z');
  tenantId = (await createTestTenant(careloop)).tenantId;
  await registerProcessors(careloop, tenantId, ['smtp:127.0.0.1', 'gw']);
  const owner = staffScope(tenantId, 'owner', 'registry.operations');
  for (const t of DEFAULT_TEMPLATES) {
    const d = await careloop.consents.draft(owner, t);
    await careloop.consents.publish(owner, d.id);
    docs.set(t.kind, d.id);
  }
});

const marketing = () => systemScope(tenantId, 'marketing.general');
const email = (adapters: Partial<{ lookup: boolean }> = {}) =>
  smtpChannel({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    from: 'Клиника <news@clinic.test>',
    unsubscribeMailto: 'mailto:unsubscribe@clinic.test',
    ...(adapters.lookup ? { lookup: smtp.lookup } : {}),
  });
const sms = (over: Partial<Parameters<typeof httpChannel>[1]> = {}) =>
  httpChannel('sms', {
    name: 'gw',
    url: gateway.url,
    authorization: 'Bearer t0ken',
    idempotent: false,
    statusUrl: gateway.statusUrl,
    ...over,
  });
const worker = (
  adapters: ChannelAdapter[],
  opts: Partial<ConstructorParameters<typeof DeliveryWorker>[1]> = {},
) =>
  new DeliveryWorker(careloop, {
    adapters,
    renderer,
    publicUrl: 'https://care.clinic.test',
    tenantIds: [tenantId],
    random: () => 0.5,
    ...opts,
  });

const offer = (patientId: string, over: Partial<OutboxItem> = {}): OutboxItem => ({
  patientId,
  purpose: 'marketing.general',
  campaignId: over.campaignId ?? newId(),
  channel: 'email',
  content: { templateId: 'recall-offer', version: 1 },
  occurrenceKey: 'recall:2026-11',
  ...over,
});
const enqueue = (items: OutboxItem[], scope = marketing()) =>
  careloop.db.tenant(tenantId, (tx) => enqueueMessages(tx, scope, items, { clock }));
const rows = () =>
  careloop.db.tenant(tenantId, (tx) =>
    tx.selectFrom('outbox_messages').selectAll().orderBy('created_at').orderBy('id').execute(),
  );
const grant = (patientId: string, kind: string) =>
  careloop.consents.record(staffScope(tenantId, 'front_desk', 'registry.operations'), patientId, {
    kind,
    event: 'granted',
    captureMethod: 'paper',
    documentId: docs.get(kind) as string,
  });

describe(`delivery (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  it('R51, R25: the same item queued 100 times is one message; R7: no consent at queue time is a recorded skip', async () => {
    const [withConsent, without] = await bulkPatients(careloop, tenantId, 2, { consent: (i) => i === 0 });
    const campaignId = newId();
    let total = { queued: 0, skipped: 0, duplicates: 0 };
    for (let i = 0; i < 100; i++) {
      const r = await enqueue([
        offer(withConsent as string, { campaignId }),
        offer(without as string, { campaignId }),
      ]);
      total = {
        queued: total.queued + r.queued,
        skipped: total.skipped + r.skipped,
        duplicates: total.duplicates + r.duplicates,
      };
    }
    expect(total).toEqual({ queued: 1, skipped: 1, duplicates: 198 });
    const all = await rows();
    expect(all.map((r) => [r.patient_id, r.state, r.skip_reason])).toEqual([
      [withConsent, 'queued', null],
      [without, 'skipped', 'consent_missing'],
    ]);
    // A new occurrence of the journey is a new message.
    expect(
      (await enqueue([offer(withConsent as string, { campaignId, occurrenceKey: 'recall:2026-12' })])).queued,
    ).toBe(1);
  });

  it('R51: the statement derives each key exactly as idempotencyKey() does; R7: consent per recipient; R41, R56: one audit entry counts queued, duplicates and skips by reason', async () => {
    const [ok, none, adsless, erased] = await bulkPatients(careloop, tenantId, 4, {
      consent: (i) => i === 0,
    });
    await careloop.db.tenant(tenantId, async (tx) => {
      // Personal-data consent for marketing but no advertising channel at all.
      await sql`INSERT INTO consent_state (tenant_id, patient_id, kind, channel, status, since, event_id)
          VALUES (${tenantId}, ${adsless as string}, 'pd.marketing', null, 'granted', now(), ${newId()})`.execute(
        tx,
      );
      await sql`UPDATE patients SET status = 'erased' WHERE id = ${erased as string}`.execute(tx);
    });
    const campaignId = newId();
    const items: OutboxItem[] = [
      offer(ok as string, { campaignId }),
      // A trigger (no campaign), another channel, an occurrence key beyond ASCII, the id in capitals.
      offer((ok as string).toUpperCase(), {
        campaignId: null,
        channel: 'sms',
        occurrenceKey: 'день рождения:2026 «ё» \\ "q"',
        context: { slot: { date: '2026-12-01', time: '10:00' } },
      }),
      offer(ok as string, { campaignId, channel: 'preferred' }),
      offer(none as string, { campaignId }),
      offer(adsless as string, { campaignId, channel: 'preferred' }),
      offer(erased as string, { campaignId }),
    ];
    expect(await enqueue([...items, items[0] as OutboxItem])).toEqual({
      queued: 3,
      skipped: 3,
      duplicates: 1,
    });
    const stored = await rows();
    expect(stored).toHaveLength(6);
    for (const item of items) {
      const key = idempotencyKey(tenantId, item);
      const row = stored.find((r) => r.idem_key.equals(key));
      expect(row, item.occurrenceKey).toBeDefined();
      expect(row?.patient_id).toBe(item.patientId.toLowerCase());
      expect(row?.channel_requested).toBe(item.channel);
      expect(row?.occurrence_key).toBe(item.occurrenceKey);
      expect(row?.context).toEqual(item.context ?? {});
    }
    const reasons = (id: string) => stored.filter((r) => r.patient_id === id).map((r) => r.skip_reason);
    expect(reasons(ok as string)).toEqual([null, null, null]);
    expect(reasons(none as string)).toEqual(['consent_missing']);
    expect(reasons(adsless as string)).toEqual(['consent_missing']);
    expect(reasons(erased as string)).toEqual(['patient_erased']);
    // The replay adds nothing and says so.
    expect(await enqueue(items)).toEqual({ queued: 0, skipped: 0, duplicates: 6 });
    const audit = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['subject_id', 'details'])
        .where('action', '=', 'delivery.enqueued')
        .orderBy('seq')
        .execute(),
    );
    expect(audit.map((a) => [a.subject_id, a.details])).toEqual([
      [
        campaignId,
        {
          items: 7,
          queued: 3,
          skipped: 3,
          duplicates: 1,
          'skipped.consent_missing': 2,
          'skipped.patient_erased': 1,
        },
      ],
      [campaignId, { items: 6, queued: 0, skipped: 0, duplicates: 6 }],
    ]);
  });

  it('refuses items under another purpose than the scope, and scopes that may not message', async () => {
    const [p] = await bulkPatients(careloop, tenantId, 1);
    await expect(enqueue([offer(p as string, { purpose: 'marketing.health' })])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      enqueue([offer(p as string)], staffScope(tenantId, 'analyst', 'marketing.general')),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
  });

  it('sends by SMTP with HTML, plain text and RFC 8058 one-click unsubscribe headers (R18); the decision is kept (R56)', async () => {
    const [p] = await bulkPatients(careloop, tenantId, 1);
    await enqueue([offer(p as string)]);
    const w = worker([email()]);
    const r = await w.drain();
    await w.stop();
    expect(r.sent).toBe(1);
    const [row] = await rows();
    expect(row?.state).toBe('sent');
    expect(row?.channel).toBe('email');
    const mail = smtp.received.find((m) => m.headers['x-careloop-message'] === row?.id);
    expect(mail).toBeDefined();
    expect(mail?.headers['list-unsubscribe']).toMatch(
      /^<https:\/\/care\.clinic\.test\/u\/[A-Za-z0-9_-]+>, <mailto:unsubscribe@clinic\.test>$/,
    );
    expect(mail?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail?.headers['content-type']).toMatch(/multipart\/alternative/);
    expect(mail?.raw).toMatch(/text\/plain/);
    expect(mail?.raw).toMatch(/text\/html/);
    expect(mail?.messageId).toBe(`<${row?.idem_key.toString('hex')}@careloop.message>`);
    const decision = row?.decision as {
      consentEvents: string[];
      template: { id: string; version: number };
      caps: { dayCount: number };
    };
    expect(decision.consentEvents).toHaveLength(2);
    expect(decision.template).toEqual({ id: 'recall-offer', version: 1 });
    expect(decision.caps.dayCount).toBe(0);
    // The unsubscribe link in the header works without a session.
    const token = mail?.headers['list-unsubscribe']?.match(/\/u\/([A-Za-z0-9_-]+)>/)?.[1] as string;
    expect((await careloop.preferences.unsubscribe(token)).channel).toBe('email');
    const audit = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'subject_id'])
        .where('subject_id', '=', row?.id as string)
        .execute(),
    );
    expect(audit.map((a) => a.action).sort()).toEqual(['delivery.send', 'delivery.sent']);
  });

  it('R7, R53: a patient who withdrew consent between queueing and sending receives nothing, and why is recorded', async () => {
    const p = await registerTestPatient(careloop, tenantId, {});
    await grant(p, 'pd.marketing');
    await grant(p, 'ads.receive.email');
    expect((await enqueue([offer(p)])).queued).toBe(1);
    await careloop.consents.record(staffScope(tenantId, 'front_desk', 'registry.operations'), p, {
      kind: 'ads.receive.email',
      event: 'withdrawn',
      captureMethod: 'phone_call',
    });
    const before = smtp.received.length;
    const w = worker([email()]);
    const r = await w.drain();
    await w.stop();
    expect(r).toMatchObject({ sent: 0, skipped: 1 });
    expect(smtp.received.length).toBe(before);
    const [row] = await rows();
    expect(row?.state).toBe('skipped');
    expect(row?.skip_reason).toBe('consent_missing');
    expect((row?.decision as { missing?: string[] } | undefined)?.missing).toEqual(['ads.receive.email']);
  });

  it('R22: quiet hours 21:00–09:00 in the patient’s zone defer the message to 09:00 local, not skip it', async () => {
    const [moscow] = await bulkPatients(careloop, tenantId, 1, { timeZone: 'Europe/Moscow' });
    const [vladivostok] = await bulkPatients(careloop, tenantId, 1, { timeZone: 'Asia/Vladivostok' });
    clock.set('2026-11-23T19:30:00Z'); // 22:30 Moscow, 05:30 next day Vladivostok
    await enqueue([offer(moscow as string), offer(vladivostok as string)]);
    const w = worker([email()]);
    expect(await w.runOnce()).toMatchObject({ claimed: 2, deferred: 2, sent: 0 });
    const due = await rows();
    expect(due.map((r) => [r.state, new Date(r.next_attempt_at).toISOString()]).sort()).toEqual([
      ['queued', '2026-11-23T23:00:00.000Z'], // 09:00 in Vladivostok (UTC+10)
      ['queued', '2026-11-24T06:00:00.000Z'], // 09:00 in Moscow (UTC+3)
    ]);
    clock.set('2026-11-23T23:00:00Z');
    expect((await w.drain()).sent).toBe(1);
    clock.set('2026-11-24T06:00:00Z');
    expect((await w.drain()).sent).toBe(1);
    await w.stop();
  });

  it('R24: the budget is shared by all campaigns — 1 a day, 3 a week in the patient’s calendar; care reminders are not capped', async () => {
    const [p] = await bulkPatients(careloop, tenantId, 1);
    const w = worker([email(), sms()]);
    const sentPerDay: number[] = [];
    // Monday 2026-11-23 … Sunday 2026-11-29, three campaigns a day on two channels.
    for (let day = 0; day < 7; day++) {
      clock.set(new Date(Date.parse('2026-11-23T09:00:00Z') + day * 86_400_000));
      await enqueue(
        [0, 1, 2].map((c) =>
          offer(p as string, { channel: c === 2 ? 'sms' : 'email', occurrenceKey: `d${day}:c${c}` }),
        ),
      );
      await careloop.db.tenant(tenantId, (tx) =>
        enqueueMessages(
          tx,
          systemScope(tenantId, 'care.appointment'),
          [
            {
              patientId: p as string,
              purpose: 'care.appointment',
              campaignId: null,
              channel: 'sms',
              content: { templateId: 'visit-reminder', version: 1 },
              context: { slot: { date: '01.12.2026', time: '10:00' } },
              occurrenceKey: `appt:${day}`,
            },
          ],
          { clock },
        ),
      );
      const r = await w.drain();
      sentPerDay.push(r.sent);
    }
    // One offer plus one reminder on each of the first three days; from Thursday only reminders.
    expect(sentPerDay).toEqual([2, 2, 2, 1, 1, 1, 1]);
    const all = await rows();
    expect(all.filter((r) => r.purpose === 'marketing.general' && r.state === 'sent')).toHaveLength(3);
    expect(all.filter((r) => r.skip_reason === 'frequency_cap')).toHaveLength(18);
    // The next Monday opens a new week.
    clock.set('2026-11-30T09:00:00Z');
    await enqueue([offer(p as string, { occurrenceKey: 'next-week' })]);
    expect((await w.drain()).sent).toBe(1);
    await w.stop();
  });

  it('R24: a tenant can set its own caps', async () => {
    await careloop.db.system((tx) =>
      sql`UPDATE tenants SET settings = '{"delivery":{"dailyCap":2,"weeklyCap":5}}' WHERE tenant_id = ${tenantId}`.execute(
        tx,
      ),
    );
    const [p] = await bulkPatients(careloop, tenantId, 1);
    await enqueue([1, 2, 3].map((c) => offer(p as string, { occurrenceKey: `c${c}` })));
    const w = worker([email()]);
    expect(await w.drain()).toMatchObject({ sent: 2, skipped: 1 });
  });

  it('unapproved content is never sent: a draft template is skipped with render_failed', async () => {
    const [p] = await bulkPatients(careloop, tenantId, 1);
    await enqueue([offer(p as string, { content: { templateId: 'draft-offer', version: 1 } })]);
    const w = worker([email()]);
    expect(await w.drain()).toMatchObject({ sent: 0, skipped: 1 });
    const [row] = await rows();
    expect(row?.skip_reason).toBe('render_failed');
    expect((row?.decision as { errors?: string[] } | undefined)?.errors).toContain('NOT_SENDABLE');
  });

  it('preferred channel: the patient’s choice when allowed, else another consented channel', async () => {
    const [prefersSms] = await bulkPatients(careloop, tenantId, 1, { preferred: 'sms' });
    const [emailOnly] = await bulkPatients(careloop, tenantId, 1, { preferred: 'sms', consent: () => false });
    await grant(emailOnly as string, 'pd.marketing');
    await grant(emailOnly as string, 'ads.receive.email');
    await enqueue([
      offer(prefersSms as string, { channel: 'preferred' }),
      offer(emailOnly as string, { channel: 'preferred' }),
    ]);
    const w = worker([email(), sms()]);
    expect((await w.drain()).sent).toBe(2);
    const byPatient = new Map((await rows()).map((r) => [r.patient_id, r.channel]));
    expect(byPatient.get(prefersSms as string)).toBe('sms');
    expect(byPatient.get(emailOnly as string)).toBe('email');
  });

  it('R58: no provider off the processor register is called; an entry must cover every data class the message discloses; retiring it stops sends', async () => {
    const owner = staffScope(tenantId, 'owner', 'registry.operations');
    await careloop.processors.retire(owner, 'smtp:127.0.0.1');
    const [p, prefersEmail] = await bulkPatients(careloop, tenantId, 2);
    const round = async (key: string, patient = p as string, channel: OutboxItem['channel'] = 'email') => {
      await enqueue([offer(patient, { occurrenceKey: key, channel })]);
      const w = worker([email(), sms()]);
      await w.drain();
      await w.stop();
      return (await rows()).find((r) => r.occurrence_key === key && r.patient_id === patient);
    };
    const mailsTo = (patient: string) =>
      smtp.received.filter((m) => m.to.startsWith(`p0.${patient.slice(-8)}`));

    // Unregistered: skipped with its reason, audited, and the relay never saw it.
    const unregistered = await round('r58:1');
    expect([unregistered?.state, unregistered?.skip_reason]).toEqual(['skipped', 'processor_unregistered']);
    expect(mailsTo(p as string)).toHaveLength(0);
    const skipAudit = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('subject_id', '=', unregistered?.id as string)
        .execute(),
    );
    expect(skipAudit).toEqual([{ action: 'delivery.skip', details: { reason: 'processor_unregistered' } }]);
    // A preferred channel whose provider is off the register falls back to a registered one.
    const fallback = await round('r58:2', prefersEmail as string, 'preferred');
    expect([fallback?.state, fallback?.channel]).toEqual(['sent', 'sms']);

    // Registered for the address only: the offer's salutation discloses name and sex.
    await careloop.processors.register(owner, {
      provider: 'smtp:127.0.0.1',
      legalName: 'ООО «Почтовый сервис»',
      service: 'email',
      role: 'processor',
      country: 'RU',
      contractRef: 'Договор поручения № 7 от 01.11.2026',
      dataClasses: ['contact'],
    });
    const narrow = await round('r58:3');
    expect([narrow?.state, narrow?.skip_reason]).toEqual(['skipped', 'processor_not_covered']);
    expect(narrow?.decision).toMatchObject({ missing: ['identity', 'demographic'] });
    expect(mailsTo(p as string)).toHaveLength(0);

    // The owner widens the entry: a new version; the message names the version that covered it. The
    // unsent message gave its unit of today's budget back (R24), so this one is within the cap.
    const v3 = await careloop.processors.register(owner, {
      provider: 'smtp:127.0.0.1',
      legalName: 'ООО «Почтовый сервис»',
      service: 'email',
      role: 'processor',
      country: 'RU',
      contractRef: 'Договор поручения № 7 от 01.11.2026, доп. соглашение № 1',
      dataClasses: ['contact', 'identity', 'demographic'],
    });
    expect(v3.version).toBe(3);
    const sent = await round('r58:4');
    expect([sent?.state, sent?.skip_reason]).toEqual(['sent', null]);
    expect(sent?.decision).toMatchObject({ processorVersion: 3, provider: 'smtp:127.0.0.1' });
    expect(mailsTo(p as string)).toHaveLength(1);

    // Retired: nothing more goes through it.
    await careloop.processors.retire(owner, 'smtp:127.0.0.1');
    const retired = await round('r58:5');
    expect(retired?.skip_reason).toBe('processor_unregistered');
    expect(mailsTo(p as string)).toHaveLength(1);
    // The patient's data export names who received their data, through which version, and who may.
    const { data } = await careloop.rights.export(
      staffScope(tenantId, 'auditor', 'subject.rights'),
      p as string,
    );
    expect(data.processors.map((r) => [r.legalName, r.messages, r.until === null])).toEqual([
      ['Test provider gw', 0, true],
      ['ООО «Почтовый сервис»', 1, false],
    ]);
  });

  it('SMS gateway: receipt webhooks are idempotent (R54); STOP/СТОП withdraws SMS advertising consent through the ledger (R8)', async () => {
    const p = await registerTestPatient(careloop, tenantId, {});
    await grant(p, 'pd.marketing');
    await grant(p, 'ads.receive.sms');
    await enqueue([offer(p, { channel: 'sms' })]);
    const w = worker([sms()]);
    expect((await w.drain()).sent).toBe(1);
    const sent = gateway.accepted.at(-1);
    expect(sent?.authorization).toBe('Bearer t0ken');
    expect(sent?.text).toMatch(/Имеются противопоказания/);
    const [row] = await rows();
    expect(row?.provider_message_id).toMatch(/^gw-/);
    const receipt = {
      eventId: `ev-${row?.id}`,
      providerMessageId: row?.provider_message_id as string,
      status: 'delivered' as const,
    };
    expect(await careloop.delivery.receipt(tenantId, 'gw', receipt)).toEqual({
      duplicate: false,
      matched: true,
    });
    expect(await careloop.delivery.receipt(tenantId, 'gw', receipt)).toEqual({
      duplicate: true,
      matched: true,
    });
    expect((await rows())[0]?.state).toBe('delivered');

    const r = await careloop.delivery.inbound(tenantId, 'gw', 'sms', {
      eventId: `in-${p}`,
      from: sent?.to as string,
      text: '  сТоП ',
    });
    expect(r).toEqual({ duplicate: false, action: 'withdrawn', patients: 1 });
    const consents = await careloop.consents.current(
      staffScope(tenantId, 'front_desk', 'registry.operations'),
      p,
    );
    expect(consents.find((c) => c.kind === 'ads.receive.sms')?.status).toBe('withdrawn');
    await enqueue([offer(p, { channel: 'sms', occurrenceKey: 'after-stop' })]);
    expect((await rows()).at(-1)?.skip_reason).toBe('consent_missing');
    expect(
      (
        await careloop.delivery.inbound(tenantId, 'gw', 'sms', {
          eventId: 'free',
          from: sent?.to as string,
          text: 'больше не пишите мне',
        })
      ).action,
    ).toBe('review');
  });

  it('R52: a provider without idempotency that timed out after accepting is reconciled by lookup, never resent blindly', async () => {
    const [a, b] = await bulkPatients(careloop, tenantId, 2);
    await enqueue([offer(a as string, { channel: 'sms' })]);
    gateway.state.delayMs = 1_500;
    const slow = worker([sms({ timeoutMs: 300 })], { leaseMs: 60_000 });
    expect(await slow.runOnce()).toMatchObject({ claimed: 1, sent: 0 });
    gateway.state.delayMs = 0;
    expect((await rows())[0]?.state).toBe('sending');
    const acceptedBefore = gateway.accepted.length;
    // Within the lease nothing happens; after it, the gateway is asked and says it has the message.
    expect((await slow.runOnce()).reconciled).toBe(0);
    clock.advance(61_000);
    expect((await slow.runOnce()).reconciled).toBe(1);
    expect((await rows())[0]?.state).toBe('sent');
    expect(gateway.accepted.length).toBe(acceptedBefore);
    // Without a way to ask, an uncertain message goes to review.
    await enqueue([offer(b as string, { channel: 'sms' })]);
    gateway.state.delayMs = 1_500;
    const blind = worker([sms({ timeoutMs: 300, statusUrl: undefined } as never)]);
    await blind.runOnce();
    gateway.state.delayMs = 0;
    clock.advance(200_000);
    await blind.runOnce();
    expect((await rows()).find((r) => r.patient_id === b)?.state).toBe('review');
  });

  it('R55: retryable failures back off exponentially; the circuit opens for that channel only', async () => {
    const patients = await bulkPatients(careloop, tenantId, 6, { preferred: 'sms' });
    await enqueue(patients.map((p) => offer(p, { channel: 'sms' })));
    const [emailPatient] = await bulkPatients(careloop, tenantId, 1);
    gateway.state.status = 503;
    const w = worker([email(), sms({ idempotent: true })], {
      batchSize: 5,
      breakerThreshold: 3,
      backoffBaseMs: 60_000,
    });
    const r = await w.runOnce();
    expect(r.retried).toBe(5);
    const retried = (await rows()).filter((x) => x.attempts === 1);
    expect(
      retried.every(
        (x) =>
          x.state === 'queued' && new Date(x.next_attempt_at).getTime() === clock.now().getTime() + 60_000,
      ),
    ).toBe(true);
    // The circuit is open: the sixth SMS waits, while e-mail still goes out.
    await enqueue([offer(emailPatient as string)]);
    const r2 = await w.runOnce();
    expect(r2).toMatchObject({ sent: 1, deferred: 1 });
    gateway.state.status = 200;
    clock.advance(3_600_000);
    expect((await w.drain()).sent).toBe(6);
    await w.stop();
  });

  it('message history for the patient card hides health-based content from roles without visit data; stats per campaign', async () => {
    const [p] = await bulkPatients(careloop, tenantId, 1);
    const campaignId = newId();
    await enqueue([offer(p as string, { campaignId })]);
    await careloop.db.tenant(tenantId, (tx) =>
      sql`UPDATE consent_state SET status = 'granted' WHERE patient_id = ${p as string}`.execute(tx),
    );
    await careloop.db.tenant(tenantId, (tx) =>
      sql`INSERT INTO consent_state (tenant_id, patient_id, kind, channel, status, since, event_id)
          VALUES (${tenantId}, ${p as string}, 'pd.marketing.health_based', null, 'granted', now(), ${newId()})`.execute(
        tx,
      ),
    );
    await enqueue(
      [offer(p as string, { purpose: 'marketing.health', occurrenceKey: 'health' })],
      systemScope(tenantId, 'marketing.health'),
    );
    const w = worker([email()]);
    await w.drain();
    const desk = await careloop.delivery.history(
      staffScope(tenantId, 'front_desk', 'registry.operations'),
      p as string,
    );
    expect(desk).toHaveLength(2);
    expect(desk.find((m) => m.purpose === 'marketing.health')?.template).toBeNull();
    expect(desk.find((m) => m.purpose === 'marketing.general')?.template).toEqual({
      id: 'recall-offer',
      version: 1,
    });
    expect(desk.map((m) => m.state).sort()).toEqual(['sent', 'skipped']);
    expect(desk.find((m) => m.state === 'skipped')?.skipReason).toBe('frequency_cap');
    const stats = await careloop.delivery.campaignStats(
      staffScope(tenantId, 'marketer', 'marketing.general'),
      campaignId,
    );
    expect(stats).toMatchObject({ total: 1, byState: { sent: 1 }, byChannel: { email: 1 } });
    await expect(
      careloop.delivery.history(staffScope(tenantId, 'analyst', 'analytics.aggregate'), p as string),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
  });
});
