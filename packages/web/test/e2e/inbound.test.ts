import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffScope, systemScope } from '../../../server/test/support/careloop.ts';
import {
  expectNoPersonalData,
  openBrowser,
  screenshot,
  setLanguage,
  signIn,
  signOut,
  type TestBrowser,
} from '../support/browser.ts';
import { startDashboard, type TestDashboard } from '../support/dashboard.ts';

const SECRET = 'e2e-inbound-webhook-token-0123456789';
let dash: TestDashboard;
let b: TestBrowser;
let tenantId: string;
/** Two patients who will write back by SMS, with SMS advertising consent. */
const PATIENTS = {
  ru: { lastName: 'Звонарёва', firstName: 'Ульяна', middleName: 'Олеговна', phone: '+79167770021' },
  en: { lastName: 'Пересветова', firstName: 'Дарина', middleName: 'Ильинична', phone: '+79167770022' },
};
const ids: Record<'ru' | 'en', string> = { ru: '', en: '' };
const RU_TEXT = 'Пожалуйста, больше не присылайте мне рекламу';
const EN_TEXT = 'Please stop texting me';
/** What must never show up in a URL or browser storage (R38). */
const SECRETS = [
  ...Object.values(PATIENTS).flatMap((p) => [p.lastName, p.firstName, p.phone, p.phone.slice(2)]),
  RU_TEXT,
  'больше не присылайте',
  EN_TEXT,
  '+79005550101',
];
/** The machine is shared and slow at times: a poll waits up to 15 s. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** A message as the SMS provider delivers it: a real HTTP request to the running server. */
async function webhook(eventId: string, from: string, text: string): Promise<unknown> {
  const r = await fetch(`${dash.url}/webhooks/delivery/${tenantId}/sms-gw/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-careloop-webhook-token': SECRET },
    body: JSON.stringify({ eventId, from, text, channel: 'sms' }),
  });
  expect(r.status).toBe(200);
  return r.json();
}

const itemId = (eventId: string) =>
  dash.careloop.db.tenant(
    tenantId,
    async (tx) =>
      (
        await tx
          .selectFrom('inbound_messages')
          .select('id')
          .where('event_id', '=', eventId)
          .executeTakeFirstOrThrow()
      ).id,
  );
const smsAds = async (patientId: string) =>
  (await dash.careloop.consents.current(systemScope(tenantId), patientId)).find(
    (c) => c.kind === 'ads.receive.sms',
  );

beforeAll(async () => {
  [dash, b] = await Promise.all([
    startDashboard({ config: { delivery: { webhookSecret: SECRET } } }),
    openBrowser(),
  ]);
  tenantId = dash.demo.tenantId;
  const docs = await dash.careloop.consents.documents(systemScope(tenantId), 'published');
  for (const lang of ['ru', 'en'] as const) {
    const p = PATIENTS[lang];
    ids[lang] = await dash.careloop.patients.register(systemScope(tenantId), {
      identity: {
        lastName: p.lastName,
        firstName: p.firstName,
        middleName: p.middleName,
        birthDate: '1988-02-03',
      },
      contact: { phone: p.phone },
      profile: { sex: 'female', city: 'Москва', language: lang, preferredChannel: 'sms' },
    });
    for (const kind of ['pd.marketing', 'ads.receive.sms']) {
      const doc = docs.find((d) => d.kind === kind && d.locale === 'ru')!;
      await dash.careloop.consents.record(systemScope(tenantId), ids[lang], {
        kind,
        event: 'granted',
        captureMethod: 'paper',
        documentId: doc.id,
      });
    }
  }
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('incoming messages in Chromium', () => {
  it('R8: a free-text withdrawal sent to the webhook waits in the queue with its deadline; the front desk reads it (audited) and records the withdrawal; the consent shows withdrawn', async () => {
    const { page } = b;
    // A question from a stranger a week ago is overdue; the withdrawal arrives now.
    dash.clock.set('2026-11-16T09:00:00Z');
    expect(await webhook('old-1', '+79005550101', 'Во сколько вы работаете в субботу?')).toEqual({
      action: 'review',
      duplicate: false,
    });
    dash.clock.set('2026-11-23T09:00:00Z');
    expect(await webhook('ru-1', PATIENTS.ru.phone, RU_TEXT)).toEqual({ action: 'review', duplicate: false });
    const [oldId, ruId] = [await itemId('old-1'), await itemId('ru-1')];

    await signIn(page, dash, 'front_desk');
    await page.getByRole('navigation').getByRole('link', { name: 'Входящие сообщения' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Входящие сообщения');
    const rows = page.locator('[data-testid=inbound] tbody tr');
    await poll(() => rows.count()).toBe(2);
    // Overdue first, highlighted; the withdrawal is flagged and due at the end of the next working day.
    expect(await rows.nth(0).getAttribute('data-item')).toBe(oldId);
    expect(await rows.nth(0).getAttribute('data-overdue')).toBe('true');
    expect(await rows.nth(0).locator('[data-field=due]').getAttribute('class')).toBe('status-overdue');
    const row = page.locator(`tr[data-item="${ruId}"]`);
    expect(await row.locator('[data-flag=withdrawal]').textContent()).toBe('отказ от рассылки');
    const dueAt = await page.evaluate(() =>
      new Intl.DateTimeFormat('ru-RU', { dateStyle: 'medium' }).format(new Date('2026-11-24T20:59:59.999Z')),
    );
    const due = `${dueAt} · В срок`;
    expect(await row.locator('[data-field=due]').textContent()).toBe(due);
    // The list quotes nothing and names nobody.
    expect(await page.locator('main').textContent()).not.toContain('присылайте');
    await screenshot(page, 'inbound-ru');

    await row.getByRole('button', { name: /^Открыть сообщение от/ }).click();
    const panel = page.locator(`section[data-review="${ruId}"]`);
    await poll(() => panel.locator('h2').evaluate((h) => h === document.activeElement)).toBe(true);
    await panel.getByRole('button', { name: 'Показать текст' }).click();
    await poll(() => panel.locator('[data-field=text]').textContent()).toBe(RU_TEXT);
    expect(await panel.locator('[data-field=from]').textContent()).toBe(PATIENTS.ru.phone);
    const name = `${PATIENTS.ru.lastName} ${PATIENTS.ru.firstName} ${PATIENTS.ru.middleName}`;
    const card = panel.getByRole('link', { name: `Карта пациента ${name}` });
    expect(await card.textContent()).toBe(name);
    const trail = await dash.careloop.audit.entries(staffScope(tenantId, 'auditor', 'subject.rights'), {
      subjectId: ids.ru,
    });
    expect(trail.some((e) => e.action === 'inbound.read')).toBe(true);
    await screenshot(page, 'inbound-open-ru');

    await panel.getByRole('button', { name: 'Это отказ: отписать от рекламы (SMS)' }).click();
    await poll(() => panel.getByRole('status').textContent()).toBe(
      'Отказ записан: согласие на рекламу (SMS) отозвано, рекламные отправки запрещены.',
    );
    await poll(() => page.locator(`tr[data-item="${ruId}"]`).count()).toBe(0);
    expect((await smsAds(ids.ru))?.status).toBe('withdrawn');

    // The patient's card shows it.
    await card.click();
    const consent = page.locator('[data-testid=consents-current] tr[data-kind="ads.receive.sms"]');
    await poll(() => consent.locator('[data-status]').getAttribute('data-status')).toBe('withdrawn');
    await expectNoPersonalData(b, SECRETS);
  });

  it('works in English: a withdrawal resolved, and a question closed with a note', async () => {
    const { page } = b;
    expect(await webhook('en-1', PATIENTS.en.phone, EN_TEXT)).toEqual({ action: 'review', duplicate: false });
    const [enId, oldId] = [await itemId('en-1'), await itemId('old-1')];
    await setLanguage(page, 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Incoming messages' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Incoming messages');
    const row = page.locator(`tr[data-item="${enId}"]`);
    await poll(() => row.locator('[data-flag=withdrawal]').textContent()).toBe('a withdrawal');
    await screenshot(page, 'inbound-en');
    await row.getByRole('button', { name: /^Open the message of/ }).click();
    const panel = page.locator(`section[data-review="${enId}"]`);
    await panel.getByRole('button', { name: 'Show the text' }).click();
    await poll(() => panel.locator('[data-field=text]').textContent()).toBe(EN_TEXT);
    await panel
      .getByRole('button', { name: 'It is a withdrawal: unsubscribe from advertising (SMS)' })
      .click();
    await poll(() => panel.getByRole('status').textContent()).toBe(
      'Withdrawal recorded: advertising consent (SMS) withdrawn, advertising blocked.',
    );
    expect((await smsAds(ids.en))?.status).toBe('withdrawn');

    // The stranger's question needs no withdrawal: closed with a note saying why.
    const old = page.locator(`tr[data-item="${oldId}"]`);
    await old.getByRole('button', { name: /^Open the message of/ }).click();
    const oldPanel = page.locator(`section[data-review="${oldId}"]`);
    await oldPanel.getByRole('button', { name: 'Show the text' }).click();
    await poll(() => oldPanel.locator('[data-field=text]').textContent()).toBe(
      'Во сколько вы работаете в субботу?',
    );
    // Nobody has that number: there is no one to unsubscribe.
    expect(await oldPanel.getByRole('button', { name: /^It is a withdrawal/ }).isDisabled()).toBe(true);
    await oldPanel.getByRole('button', { name: 'Not a withdrawal: close without action' }).click();
    await oldPanel.getByLabel('Why nothing needs doing').fill('Answered by phone: open 9–15 on Saturdays');
    await oldPanel.locator('form button[type=submit]').click();
    await poll(() => oldPanel.getByRole('status').textContent()).toBe(
      'The message is closed without action.',
    );
    await poll(() => page.getByText('No new messages.').count()).toBe(1);
    const closed = await dash.careloop.delivery.inboundMessage(
      staffScope(tenantId, 'owner', 'registry.operations'),
      oldId,
    );
    expect(closed).toMatchObject({
      resolution: 'no_action',
      note: 'Answered by phone: open 9–15 on Saturdays',
    });
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, SECRETS);
  });

  it('marketers do not see the queue and the server refuses them', async () => {
    const { page } = b;
    await signOut(page);
    await signIn(page, dash, 'marketer');
    await poll(() => page.getByRole('navigation').getByRole('link').count()).toBeGreaterThan(0);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Входящие сообщения' }).count()).toBe(
      0,
    );
    const status = await page.evaluate(async () => (await fetch('/api/inbound')).status);
    expect(status).toBe(403);
    await expectNoPersonalData(b, SECRETS);
  });
});
