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

let dash: TestDashboard;
let b: TestBrowser;
let patientId: string;
const PATIENT = {
  lastName: 'Веснушкина',
  firstName: 'Аглая',
  middleName: 'Тимуровна',
  phone: '+79167770011',
  cardNo: 'МК-777001',
};
/** What must never show up in a URL or browser storage (R38). */
const SECRETS = [PATIENT.lastName, PATIENT.firstName, PATIENT.phone, '9167770011', PATIENT.cardNo];

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard(), openBrowser()]);
  const tenantId = dash.demo.tenantId;
  patientId = await dash.careloop.patients.register(systemScope(tenantId), {
    identity: {
      lastName: PATIENT.lastName,
      firstName: PATIENT.firstName,
      middleName: PATIENT.middleName,
      birthDate: '1990-06-15',
      cardNo: PATIENT.cardNo,
    },
    contact: { phone: PATIENT.phone, email: 'aglaya@example.test' },
    profile: { sex: 'female', city: 'Москва', language: 'ru', preferredChannel: 'sms' },
  });
  const docs = await dash.careloop.consents.documents(systemScope(tenantId), 'published');
  const sms = docs.find((d) => d.kind === 'ads.receive.sms' && d.locale === 'ru')!;
  const email = docs.find((d) => d.kind === 'ads.receive.email' && d.locale === 'ru')!;
  for (const doc of [sms, email]) {
    await dash.careloop.consents.record(systemScope(tenantId), patientId, {
      kind: doc.kind,
      event: 'granted',
      captureMethod: 'paper',
      documentId: doc.id,
    });
  }
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

const activeKinds = async () =>
  (await dash.careloop.consents.current(systemScope(dash.demo.tenantId), patientId))
    .filter((c) => c.active)
    .map((c) => c.kind)
    .sort();

describe('patients in Chromium', () => {
  it('finds a patient by phone, opens the masked card, reveals the phone with a reason', async () => {
    const { page } = b;
    await signIn(page, dash, 'front_desk');
    await page.getByRole('navigation').getByRole('link', { name: 'Пациенты' }).click();
    await page.getByLabel('Искать по').selectOption('phone');
    await page.getByLabel('Что искать').fill('8 (916) 777-00-11');
    await page.getByRole('button', { name: 'Найти' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Найдено: 1');
    await screenshot(page, 'patients-search-ru');
    await page.getByRole('link', { name: /Веснушкина Аглая/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Карта пациента');
    expect(page.url()).toBe(`${dash.url}/patients/${patientId}`);
    // The phone is masked until revealed with a stated reason (audited).
    await expect.poll(() => page.locator('[data-field=phone]').textContent()).toMatch(/\*\*\*/);
    await page.getByRole('button', { name: /Показать\s+Телефон/ }).click();
    await page.getByLabel('Причина доступа').fill('Звонок пациента для записи');
    await page.getByRole('button', { name: 'Показать', exact: true }).click();
    await expect.poll(() => page.locator('[data-field=phone]').textContent()).toBe(PATIENT.phone);
    await screenshot(page, 'patient-card-ru');
    const audit = await dash.careloop.audit.entries(
      staffScope(dash.demo.tenantId, 'auditor', 'subject.rights'),
      {
        subjectId: patientId,
      },
    );
    expect(audit.some((e) => e.action === 'patient.reveal')).toBe(true);
    // Searching by card number and by name works the same way; back to search keeps the results.
    await page.getByRole('link', { name: 'К поиску' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Найдено: 1');
    await page.getByLabel('Искать по').selectOption('card');
    await page.getByLabel('Что искать').fill(PATIENT.cardNo);
    await page.getByRole('button', { name: 'Найти' }).click();
    await expect.poll(() => page.getByRole('link', { name: /Веснушкина/ }).count()).toBe(1);
    await page.getByLabel('Искать по').selectOption('name');
    await page.getByLabel('Что искать').fill('Веснушкина Аглая');
    await page.getByRole('button', { name: 'Найти' }).click();
    await expect.poll(() => page.getByRole('link', { name: /Веснушкина/ }).count()).toBe(1);
    await expectNoPersonalData(b, SECRETS);
  });

  it('shows the consent history, withdraws and records a consent (R8: one click each way)', async () => {
    const { page } = b;
    await page.goto(`${dash.url}/patients/${patientId}`);
    const row = page.locator('[data-testid=consents-current] tr[data-kind="ads.receive.email"]');
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('active');
    await page.getByLabel('Способ').selectOption('phone_call');
    await row.getByRole('button', { name: /Отозвать/ }).click();
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('withdrawn');
    expect(await activeKinds()).toEqual(['ads.receive.sms']);
    await page.getByLabel('Согласие', { exact: true }).selectOption('ads.receive.email');
    await page.getByRole('button', { name: 'Записать', exact: true }).click();
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('active');
    expect(await activeKinds()).toEqual(['ads.receive.email', 'ads.receive.sms']);
    await page.getByText('История (журнал согласий)').click();
    await screenshot(page, 'patient-consents-ru');
    // The same card in English.
    await setLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Patient card');
    await expect.poll(() => row.locator('td').first().textContent()).toBe('Advertising by e-mail');
    await screenshot(page, 'patient-card-en');
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, SECRETS);
  });

  it('the patient withdraws a consent on their preference page (/p/:token) from a link made on the card', async () => {
    const { page } = b;
    await page.goto(`${dash.url}/patients/${patientId}`);
    await page.getByRole('button', { name: 'Создать ссылку для пациента' }).click();
    const url = (await page.getByTestId('preference-link').textContent())!;
    expect(url).toMatch(new RegExp(`^${dash.url}/p/[A-Za-z0-9_-]{20,}$`));
    await signOut(page);
    // The patient's phone opens the link: no session, a small screen.
    const phone = await b.context.newPage();
    await phone.setViewportSize({ width: 390, height: 800 });
    await phone.goto(url);
    await expect.poll(() => phone.locator('h1').textContent()).toBeTruthy();
    const card = phone.locator('form.card', {
      has: phone.locator('input[name=kind][value="ads.receive.sms"]'),
    });
    await card.locator('button[value=withdraw]').click();
    await expect.poll(() => phone.locator('[role=status]').count()).toBe(1);
    await screenshot(phone, 'preference-page-mobile');
    expect(await activeKinds()).toEqual(['ads.receive.email']);
    const history = await dash.careloop.consents.history(systemScope(dash.demo.tenantId), patientId);
    expect(history.at(-1)).toMatchObject({
      kind: 'ads.receive.sms',
      event: 'withdrawn',
      captureMethod: 'preference_page',
    });
    expect(phone.url()).not.toContain(PATIENT.lastName);
    await phone.close();
    await expectNoPersonalData(b, SECRETS);
  });
});
