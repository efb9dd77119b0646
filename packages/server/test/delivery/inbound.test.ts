import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { DEFAULT_TEMPLATES } from '../../src/modules/consent/index.ts';
import { seedPlaybookContent, storedContentRenderer } from '../../src/modules/content/index.ts';
import {
  DeliveryWorker,
  enqueueMessages,
  httpChannel,
  looksLikeWithdrawal,
  type OutboxItem,
  STOP_CONFIRMATION_WINDOW_MS,
} from '../../src/modules/delivery/index.ts';
import { appWithLog, signIn } from '../http/support.ts';
import {
  createTestTenant,
  registerProcessors,
  registerTestPatient,
  staffScope,
  systemScope,
  type TestTenant,
  testCareloop,
} from '../support/careloop.ts';
import { databaseDump } from '../support/db.ts';
import { startGateway } from './support.ts';

const SECRET = 'inbound-webhook-secret-0123456789';
// Monday 23 November 2026, 12:00 in Moscow.
const MONDAY_NOON = '2026-11-23T09:00:00Z';
const clock = new ManualClock(MONDAY_NOON);
let careloop: Careloop;
let app: App;
let log: string[];
let gateway: Awaited<ReturnType<typeof startGateway>>;
let t: TestTenant;
const docs = new Map<string, string>();
const s: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  careloop = await testCareloop({ clock, config: { delivery: { webhookSecret: SECRET } } });
  ({ app, log } = await appWithLog(careloop));
  gateway = await startGateway();
  t = await createTestTenant(careloop, ['owner', 'front_desk', 'marketer', 'doctor', 'auditor']);
  await registerProcessors(careloop, t.tenantId, ['gw']);
  for (const role of ['owner', 'front_desk', 'marketer', 'doctor'] as const)
    s[role] = await signIn(app, t.users[role].email, t.users[role].password);
  const owner = staffScope(t.tenantId, 'owner', 'registry.operations', t.users.owner.id);
  for (const d of DEFAULT_TEMPLATES) {
    const draft = await careloop.consents.draft(owner, d);
    await careloop.consents.publish(owner, draft.id);
    docs.set(d.kind, draft.id);
  }
  // The clinic's content library, with the approved STOP confirmation among the playbooks.
  await careloop.db.tenant(t.tenantId, (tx) =>
    seedPlaybookContent(
      tx,
      clock,
      staffScope(t.tenantId, 'marketer', 'marketing.general', t.users.marketer.id),
      staffScope(t.tenantId, 'owner', 'marketing.general', t.users.owner.id),
    ),
  );
}, 120_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
  await gateway?.close();
});
beforeEach(() => {
  clock.set(MONDAY_NOON);
});

const desk = () => staffScope(t.tenantId, 'front_desk', 'registry.operations', t.users.front_desk.id);
const auditor = () => staffScope(t.tenantId, 'auditor', 'subject.rights', t.users.auditor.id);
const as = (role: string, csrf = false) => ({
  cookie: s[role]!.cookie,
  ...(csrf ? { 'x-csrf-token': s[role]!.csrf } : {}),
});

/** A patient of the clinic with a phone of their own and SMS advertising consent. */
async function patientWithSmsAds(): Promise<{ id: string; phone: string }> {
  const phone = `+7925${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const id = await registerTestPatient(careloop, t.tenantId, {
    contact: { phone, email: `${newId().slice(-8)}@mail.test` },
  });
  for (const kind of ['pd.marketing', 'ads.receive.sms']) {
    await careloop.consents.record(desk(), id, {
      kind,
      event: 'granted',
      captureMethod: 'paper',
      documentId: docs.get(kind) as string,
    });
  }
  return { id, phone };
}

const inbound = (payload: { eventId: string; from: string; text: string; channel?: 'sms' | 'messenger' }) =>
  app.inject({
    method: 'POST',
    url: `/webhooks/delivery/${t.tenantId}/gw/inbound`,
    headers: { 'x-careloop-webhook-token': SECRET },
    payload,
  });

const inboundRows = () =>
  careloop.db.tenant(t.tenantId, (tx) =>
    tx.selectFrom('inbound_messages').selectAll().orderBy('received_at').orderBy('id').execute(),
  );
const rowFor = async (eventId: string) => (await inboundRows()).find((r) => r.event_id === eventId)!;

const outbox = (patientId: string) =>
  careloop.db.tenant(t.tenantId, (tx) =>
    tx
      .selectFrom('outbox_messages')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  );

const sms = () =>
  httpChannel('sms', {
    name: 'gw',
    url: gateway.url,
    authorization: 'Bearer t0ken',
    idempotent: true,
    statusUrl: gateway.statusUrl,
  });
const worker = () =>
  new DeliveryWorker(careloop, {
    adapters: [sms()],
    renderer: storedContentRenderer(),
    publicUrl: 'https://care.clinic.test',
    tenantIds: [t.tenantId],
    random: () => 0.5,
  });

const ad = (patientId: string, occurrenceKey: string): OutboxItem => ({
  patientId,
  purpose: 'marketing.general',
  campaignId: newId(),
  channel: 'sms',
  content: { templateId: 'recall', version: 1 },
  context: {
    clinic: { name: 'Клиника' },
    links: { booking: 'https://care.clinic.test/b/x', preferences: 'https://care.clinic.test/p/x' },
  },
  occurrenceKey,
});
const enqueueAds = async (items: OutboxItem[]) => {
  const recall = await careloop.db.tenant(t.tenantId, (tx) =>
    tx.selectFrom('content_templates').select('id').where('key', '=', 'recall').executeTakeFirstOrThrow(),
  );
  return careloop.db.tenant(t.tenantId, (tx) =>
    enqueueMessages(
      tx,
      systemScope(t.tenantId, 'marketing.general'),
      items.map((i) => ({ ...i, content: { templateId: recall.id, version: 1 } })),
      { clock },
    ),
  );
};

describe(`inbound review queue (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  it('R8: looks like a withdrawal — Russian and English phrasings, not ordinary replies', () => {
    for (const text of [
      'Пожалуйста, больше не присылайте мне рекламу',
      'больше не пишите мне',
      'НЕ ЗВОНИТЕ мне больше!!!',
      'Отпишите меня',
      'Удалите мои данные, пожалуйста',
      'хватит присылать эти смс',
      'Отказываюсь от рассылки',
      'please stop texting me',
      'Unsubscribe me',
      'remove me from your list',
      "Don't contact me again",
      'no more messages please',
      'delete my data',
    ])
      expect(looksLikeWithdrawal(text), text).toBe(true);
    for (const text of [
      'Спасибо, буду завтра в 10',
      'Можно перенести запись на пятницу?',
      'Не могу прийти, перезвоните',
      'Who is this?',
      'Thanks, see you on Friday',
      '',
    ])
      expect(looksLikeWithdrawal(text), text).toBe(false);
  });

  it('R8, R54: free text is kept for review, sealed (the clear text is nowhere in the table), once per provider event, unknown senders too; nothing in the log', async () => {
    const p = await patientWithSmsAds();
    const text = 'Пожалуйста, больше не присылайте мне рекламу';
    const eventId = `free-${newId()}`;
    const first = await inbound({ eventId, from: p.phone, text });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ action: 'review', duplicate: false });
    expect((await inbound({ eventId, from: p.phone, text })).json()).toEqual({
      action: 'review',
      duplicate: true,
    });
    const rows = (await inboundRows()).filter((r) => r.event_id === eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'sms',
      provider: 'gw',
      patient_ids: [p.id],
      looks_like_withdrawal: true,
      status: 'open',
      resolution: null,
    });
    // A stranger's message is kept too, linked to nobody.
    const strangerEvent = `stranger-${newId()}`;
    expect(
      (
        await inbound({ eventId: strangerEvent, from: '+79000000001', text: 'кто это? unsubscribe me' })
      ).json(),
    ).toEqual({ action: 'review', duplicate: false });
    expect(await rowFor(strangerEvent)).toMatchObject({ patient_ids: [], looks_like_withdrawal: true });

    // The table's rows as text, and the whole database as a stolen dump would hold it: neither the
    // text nor the sender in clear (R27); the dump is real — a staff e-mail, kept in clear, is in it.
    const rowsText = await careloop.db.system((tx) =>
      sql<{
        row: string;
      }>`SELECT m::text AS row FROM inbound_messages m WHERE tenant_id = ${t.tenantId}`.execute(tx),
    );
    const dump = await databaseDump(careloop.db);
    expect(dump.indexOf(t.users.front_desk.email)).toBeGreaterThan(-1);
    const hex = (x: string) => Buffer.from(x, 'utf8').toString('hex');
    for (const secret of [text, 'больше не присылайте', 'рекламу', p.phone, p.phone.slice(2), 'кто это']) {
      expect(dump.indexOf(secret), secret).toBe(-1);
      for (const r of rowsText.rows) {
        expect(r.row).not.toContain(secret);
        expect(r.row).not.toContain(hex(secret));
      }
    }
    // Nor does the log: the webhook's body is never written (R46).
    expect(log.join('\n')).not.toContain('присылайте');
    expect(log.join('\n')).not.toContain(p.phone.slice(2));
  });

  it('R8, R9: due at the end of the next working day by the production calendar — Friday evening → Monday; before 4 November → Thursday; over the New Year holidays', async () => {
    const p = await patientWithSmsAds();
    const cases: [string, string][] = [
      // Friday 27 November 2026, 20:00 in Moscow → end of Monday 30 November.
      ['2026-11-27T17:00:00Z', '2026-11-30T20:59:59.999Z'],
      // Tuesday 3 November 2026; the 4th is a public holiday → end of Thursday 5 November.
      ['2026-11-03T09:00:00Z', '2026-11-05T20:59:59.999Z'],
      // Wednesday 30 December 2026; 31 December and 1–8 January are off → end of Monday 11 January.
      ['2026-12-30T09:00:00Z', '2027-01-11T20:59:59.999Z'],
      // Saturday 28 November 2026 → end of Monday 30 November.
      ['2026-11-28T09:00:00Z', '2026-11-30T20:59:59.999Z'],
    ];
    for (const [at, due] of cases) {
      clock.set(at);
      const eventId = `due-${newId()}`;
      await inbound({ eventId, from: p.phone, text: 'Добрый день, вопрос по записи' });
      const r = await rowFor(eventId);
      expect(new Date(r.due_at).toISOString(), at).toBe(due);
    }
  });

  it('R8, R41: the queue lists open messages overdue first, then likely withdrawals; reading decrypts for the front desk and is audited; marketers and doctors are refused, and the refusal is audited', async () => {
    const p = await patientWithSmsAds();
    // An ordinary question from last week is overdue now; two new ones arrive today.
    clock.set('2026-11-16T09:00:00Z');
    const old = `old-${newId()}`;
    await inbound({ eventId: old, from: p.phone, text: 'Во сколько вы работаете в субботу?' });
    clock.set(MONDAY_NOON);
    const plain = `plain-${newId()}`;
    const likely = `likely-${newId()}`;
    await inbound({ eventId: plain, from: p.phone, text: 'Спасибо, до встречи' });
    clock.advance(60_000);
    await inbound({ eventId: likely, from: p.phone, text: 'please stop texting me' });

    const list = await app.inject({ method: 'GET', url: '/api/inbound', headers: as('front_desk') });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toMatch(/no-store/);
    const items = list.json() as { id: string; overdue: boolean; looksLikeWithdrawal: boolean }[];
    const ids = {
      old: (await rowFor(old)).id,
      plain: (await rowFor(plain)).id,
      likely: (await rowFor(likely)).id,
    };
    const order = items.map((i) => i.id).filter((id) => Object.values(ids).includes(id));
    expect(order).toEqual([ids.old, ids.likely, ids.plain]);
    expect(items.find((i) => i.id === ids.old)).toMatchObject({ overdue: true, looksLikeWithdrawal: false });
    // The list names nobody and quotes nothing.
    expect(list.body).not.toContain('stop texting');
    expect(list.body).not.toContain(p.phone);

    const one = await app.inject({
      method: 'GET',
      url: `/api/inbound/${ids.likely}`,
      headers: as('front_desk'),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: ids.likely,
      from: p.phone,
      text: 'please stop texting me',
      looksLikeWithdrawal: true,
      matched: [{ id: p.id, name: 'Семёнова Анна Петровна' }],
    });
    const trail = await careloop.audit.entries(auditor(), { subjectId: p.id });
    expect(
      trail.some((e) => e.action === 'inbound.read' && e.actor === `staff:${t.users.front_desk.id}`),
    ).toBe(true);

    for (const role of ['marketer', 'doctor']) {
      for (const url of ['/api/inbound', `/api/inbound/${ids.likely}`]) {
        const r = await app.inject({ method: 'GET', url, headers: as(role) });
        expect(r.statusCode, `${role} ${url}`).toBe(403);
        expect(r.body).not.toContain('stop texting');
      }
      const resolve = await app.inject({
        method: 'POST',
        url: `/api/inbound/${ids.likely}/resolve`,
        headers: as(role, true),
        payload: { resolution: 'withdrawal' },
      });
      expect(resolve.statusCode).toBe(403);
    }
    const refusals = await careloop.audit.entries(auditor(), { subjectId: ids.likely });
    expect(refusals.filter((e) => e.action === 'inbound.read' && e.outcome === 'denied').length).toBe(2);
    expect((await rowFor(likely)).status).toBe('open');
  });

  it('R8: resolved as a withdrawal, the sender loses SMS advertising exactly as with STOP — ledger event under the reader, marketing suppression — and nothing advertising is queued after; "no action" needs a note, sealed', async () => {
    const p = await patientWithSmsAds();
    const eventId = `w-${newId()}`;
    await inbound({ eventId, from: p.phone, text: 'Пожалуйста, больше не присылайте мне рекламу' });
    const id = (await rowFor(eventId)).id;
    const r = await app.inject({
      method: 'POST',
      url: `/api/inbound/${id}/resolve`,
      headers: as('front_desk', true),
      payload: { resolution: 'withdrawal' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ resolution: 'withdrawal', withdrawn: 1 });
    const current = await careloop.consents.current(desk(), p.id);
    expect(current.find((c) => c.kind === 'ads.receive.sms')).toMatchObject({
      status: 'withdrawn',
      active: false,
    });
    expect(current.find((c) => c.kind === 'pd.marketing')?.status).toBe('granted');
    const history = await careloop.consents.history(desk(), p.id);
    expect(history.at(-1)).toMatchObject({
      kind: 'ads.receive.sms',
      event: 'withdrawn',
      captureMethod: 'sms_keyword',
      actor: `staff:${t.users.front_desk.id}`,
    });
    const suppressions = await careloop.db.tenant(t.tenantId, (tx) =>
      tx.selectFrom('delivery_suppressions').selectAll().where('patient_id', '=', p.id).execute(),
    );
    expect(suppressions).toMatchObject([
      { channel: 'sms', reason: 'opt_out', scope: 'marketing', source: `inbound:${id}` },
    ]);
    expect(await rowFor(eventId)).toMatchObject({
      status: 'resolved',
      resolution: 'withdrawal',
      resolved_by: `staff:${t.users.front_desk.id}`,
    });
    // Resolved once: a second decision is a conflict, and advertising by SMS is not queued any more.
    const again = await app.inject({
      method: 'POST',
      url: `/api/inbound/${id}/resolve`,
      headers: as('front_desk', true),
      payload: { resolution: 'no_action', note: 'x' },
    });
    expect(again.statusCode).toBe(409);
    await enqueueAds([ad(p.id, 'after-withdrawal')]);
    expect((await outbox(p.id)).map((m) => [m.state, m.skip_reason])).toEqual([
      ['skipped', 'consent_missing'],
    ]);
    const trail = await careloop.audit.entries(auditor(), { subjectId: id });
    expect(trail.map((e) => e.action)).toContain('inbound.resolved');

    // No action: a note says why, kept sealed with the text.
    const q = `q-${newId()}`;
    await inbound({ eventId: q, from: p.phone, text: 'Подскажите адрес филиала на Лесной' });
    const qid = (await rowFor(q)).id;
    const bare = await app.inject({
      method: 'POST',
      url: `/api/inbound/${qid}/resolve`,
      headers: as('owner', true),
      payload: { resolution: 'no_action', note: '  ' },
    });
    expect(bare.json()).toMatchObject({ error: { code: 'REASON_REQUIRED' } });
    const note = 'Ответили по телефону, адрес продиктовали';
    const ok = await app.inject({
      method: 'POST',
      url: `/api/inbound/${qid}/resolve`,
      headers: as('owner', true),
      payload: { resolution: 'no_action', note },
    });
    expect(ok.json()).toEqual({ resolution: 'no_action', withdrawn: 0 });
    const read = await careloop.delivery.inboundMessage(desk(), qid);
    expect(read).toMatchObject({ status: 'resolved', resolution: 'no_action', note });
    const dump = await careloop.db.system((tx) =>
      sql<{ row: string }>`SELECT m::text AS row FROM inbound_messages m WHERE id = ${qid}`.execute(tx),
    );
    expect(dump.rows[0]?.row).not.toContain(Buffer.from(note).toString('hex'));
    expect(dump.rows[0]?.row).not.toContain('продиктовали');

    // A stranger cannot be withdrawn: nobody is linked to the number.
    const stranger = `st-${newId()}`;
    await inbound({ eventId: stranger, from: '+79000000002', text: 'не пишите мне' });
    const sr = await app.inject({
      method: 'POST',
      url: `/api/inbound/${(await rowFor(stranger)).id}/resolve`,
      headers: as('front_desk', true),
      payload: { resolution: 'withdrawal' },
    });
    expect(sr.statusCode).toBe(409);
  });

  it('R35: erasing the patient deletes what they wrote', async () => {
    const p = await patientWithSmsAds();
    const eventId = `erase-${newId()}`;
    await inbound({ eventId, from: p.phone, text: 'Удалите мои данные' });
    const act = await careloop.rights.erase(
      staffScope(t.tenantId, 'owner', 'subject.rights', t.users.owner.id),
      p.id,
    );
    expect(act.removed.inboundMessages).toBe(1);
    expect((await inboundRows()).some((r) => r.event_id === eventId)).toBe(false);
  });
});

describe(`R22: the one confirmation after STOP (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  it('one confirmation on the STOP channel, in quiet hours and past the advertising cap, through the suppression the STOP made; replays and a second STOP add none; no advertising after', async () => {
    const p = await patientWithSmsAds();
    // An advertising SMS goes out at noon: the daily budget (1) is spent.
    await enqueueAds([ad(p.id, 'before-stop'), ad(p.id, 'queued-before-stop')]);
    const w = worker();
    await w.drain();
    expect((await outbox(p.id)).map((m) => `${m.state}:${m.skip_reason}`).sort()).toEqual([
      'sent:null',
      'skipped:frequency_cap',
    ]);
    // One more advertisement waits in the outbox when the patient answers STOP at 22:30, in quiet hours.
    await enqueueAds([ad(p.id, 'waiting')]);
    clock.set('2026-11-23T19:30:00Z');
    const before = gateway.accepted.length;
    const stop = { eventId: `stop-${newId()}`, from: p.phone, text: 'СТОП' };
    expect((await inbound(stop)).json()).toEqual({ action: 'withdrawn', duplicate: false });
    expect((await inbound(stop)).json()).toEqual({ action: 'withdrawn', duplicate: true });
    expect((await inbound({ ...stop, eventId: `stop-${newId()}`, text: 'stop' })).json()).toEqual({
      action: 'withdrawn',
      duplicate: false,
    });
    const notices = (await outbox(p.id)).filter((m) => m.purpose === 'service.notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel_requested: 'sms', state: 'queued', campaign_id: null });
    expect(new Date(notices[0]!.expires_at!).getTime() - clock.now().getTime()).toBe(
      STOP_CONFIRMATION_WINDOW_MS,
    );
    // The STOP's own suppression is marketing-only.
    const sup = await careloop.db.tenant(t.tenantId, (tx) =>
      tx.selectFrom('delivery_suppressions').selectAll().where('patient_id', '=', p.id).execute(),
    );
    expect(sup).toMatchObject([{ channel: 'sms', reason: 'stop_keyword', scope: 'marketing' }]);

    clock.advance(30_000);
    await w.drain();
    const sent = gateway.accepted.slice(before);
    expect(sent.map((m) => [m.to, m.text])).toEqual([
      [p.phone, `Вы отписаны от рекламных сообщений Test ${t.slug}.`],
    ]);
    const after = await outbox(p.id);
    expect(after.find((m) => m.purpose === 'service.notice')?.state).toBe('sent');
    expect(after.find((m) => m.occurrence_key === 'waiting')).toMatchObject({
      state: 'skipped',
      skip_reason: 'suppressed',
    });
    // Nothing advertising afterwards: not queued, not sent, next morning either.
    clock.set('2026-11-24T09:00:00Z');
    await enqueueAds([ad(p.id, 'next-day')]);
    await w.drain();
    expect((await outbox(p.id)).find((m) => m.occurrence_key === 'next-day')?.skip_reason).toBe(
      'consent_missing',
    );
    expect(gateway.accepted.length).toBe(before + 1);
    await w.stop();
  });

  it('a confirmation not sent within 5 minutes is never sent; a STOP from an unknown number queues nothing', async () => {
    const p = await patientWithSmsAds();
    const before = gateway.accepted.length;
    await inbound({ eventId: `stop-${newId()}`, from: p.phone, text: 'Отписаться' });
    expect((await outbox(p.id)).filter((m) => m.purpose === 'service.notice')).toHaveLength(1);
    clock.advance(STOP_CONFIRMATION_WINDOW_MS + 1_000);
    const w = worker();
    await w.drain();
    expect((await outbox(p.id)).find((m) => m.purpose === 'service.notice')).toMatchObject({
      state: 'skipped',
      skip_reason: 'window_passed',
    });
    expect(gateway.accepted.length).toBe(before);
    await w.stop();

    const notices = () =>
      careloop.db.tenant(t.tenantId, async (tx) =>
        Number(
          (
            await tx
              .selectFrom('outbox_messages')
              .select((e) => e.fn.countAll<number>().as('n'))
              .where('purpose', '=', 'service.notice')
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    const count = await notices();
    const unknown = await inbound({ eventId: `stop-${newId()}`, from: '+79000000003', text: 'STOP' });
    expect(unknown.json()).toEqual({ action: 'unknown_sender', duplicate: false });
    expect(await notices()).toBe(count);
  });
});
