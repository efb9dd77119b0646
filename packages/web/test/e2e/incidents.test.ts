import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffScope } from '../../../server/test/support/careloop.ts';
import {
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
let deskActor: string;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard(), openBrowser()]);
  // The front desk opens three patients' cards at 09:00 on 23 November (the dashboard's clock).
  const tenantId = dash.demo.tenantId;
  const [desk] = await dash.careloop.db.tenant(tenantId, (tx) =>
    tx.selectFrom('staff_users').select('id').where('role', '=', 'front_desk').execute(),
  );
  deskActor = `staff:${desk?.id}`;
  const patients = await dash.careloop.db.tenant(tenantId, (tx) =>
    tx.selectFrom('patients').select('id').where('status', '=', 'active').orderBy('id').limit(3).execute(),
  );
  for (const p of patients)
    await dash.careloop.patients.card(
      staffScope(tenantId, 'front_desk', 'registry.operations', desk?.id),
      p.id,
    );
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('data incidents in Chromium', { timeout: 90_000 }, () => {
  it('R43: the auditor records a leak, sees the patients it touched and the Roskomnadzor clocks, and stops one; in English too', async () => {
    const { page } = b;
    await signIn(page, dash, 'auditor');
    await page.getByRole('navigation').getByRole('link', { name: 'Инциденты с данными' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Инциденты с данными');
    await poll(() => page.getByText('Инцидентов не было.').count()).toBe(1);

    const form = page.locator('[data-testid=incident-form]');
    await form.getByLabel('Что случилось').fill('Карты пациентов отправлены не тому адресату');
    await form.getByLabel('Подробности').fill('Письмо с картами ушло на чужой адрес.');
    await form.getByLabel('Когда обнаружен').fill('2026-11-23T06:00');
    await form.getByLabel('Период: с').fill('2026-11-23T00:00');
    await form.getByLabel('по', { exact: true }).fill('2026-11-23T23:59');
    await form.getByLabel('Чьи действия (необязательно)').fill(deskActor);
    await form.getByRole('button', { name: 'Зарегистрировать' }).click();

    const card = page.locator('article[data-incident]');
    await poll(() => card.count()).toBe(1);
    expect(await card.locator('h2').textContent()).toBe('Карты пациентов отправлены не тому адресату');
    expect(await card.locator('[data-field=affected]').textContent()).toBe('затронуто пациентов: 3');
    const rows = card.locator('[data-testid=deadlines] tbody tr');
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-notice')))).toEqual([
      'rkn_initial',
      'rkn_results',
    ]);
    expect(await rows.first().locator('[data-field=status]').textContent()).toBe('ожидает');
    await card
      .getByRole('button', { name: 'Отметить отправку: Роскомнадзор: первичное уведомление (24 ч)' })
      .click();
    await poll(() => rows.first().locator('[data-field=status]').textContent()).toMatch(/^отправлено /);
    await screenshot(page, 'incidents-ru');

    await setLanguage(page, 'en');
    await poll(() => page.locator('h1').textContent()).toBe('Data incidents');
    await poll(() => card.locator('[data-field=affected]').textContent()).toBe('patients affected: 3');
    expect(await rows.nth(1).locator('td').first().textContent()).toBe(
      'Roskomnadzor: investigation results (72 h)',
    );
    await screenshot(page, 'incidents-en');
    await setLanguage(page, 'ru');
    await signOut(page);
  });
});
