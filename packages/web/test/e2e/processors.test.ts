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
/** The configured e-mail relay: on no register until the owner enters it. */
const RELAY = 'smtp:127.0.0.1';
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  [dash, b] = await Promise.all([
    startDashboard({
      config: {
        delivery: {
          smtp: { host: '127.0.0.1', port: 2525, secure: false, from: 'Клиника <news@clinic.test>' },
        },
      },
    }),
    openBrowser(),
  ]);
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('processor register in Chromium', { timeout: 90_000 }, () => {
  it('R58, R26: the owner registers the configured relay (abroad only with its basis), changes it into a new version and removes it; the channel status follows', async () => {
    const { page } = b;
    await signIn(page, dash, 'owner');
    // The first screen says what holds messages back, and leads to where it is dealt with.
    const alert = page.locator(`[data-testid=delivery-alerts] [data-alert="provider:${RELAY}"]`);
    await poll(() => alert.textContent()).toBe(
      `Канала ${RELAY} нет в перечне обработчиков: через него ничего не отправляется. Обработчики данных`,
    );
    await alert.getByRole('link', { name: 'Обработчики данных' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Обработчики данных');
    const relay = page.locator(`[data-testid=processors-configured] tr[data-provider="${RELAY}"]`);
    await poll(() => relay.locator('[data-field=status]').textContent()).toBe(
      'нет — отправки через канал остановлены',
    );
    // The demo clinic's own entry, and the worklist that never leaves the clinic.
    const current = page.locator('[data-testid=processors-current] tbody tr');
    expect(await current.count()).toBe(1);
    expect(await current.first().getAttribute('data-provider')).toBe('sms');
    expect(
      await page
        .locator('[data-testid=processors-configured] tr[data-provider=worklist] [data-field=status]')
        .textContent(),
    ).toBe('внутри клиники, не требуется');

    await relay.getByRole('button', { name: `Внести ${RELAY} в перечень` }).click();
    const form = page.locator('[data-testid=processor-form]');
    await poll(() => form.locator('h2').evaluate((h) => h === document.activeElement)).toBe(true);
    expect(await form.getByLabel('Поставщик').inputValue()).toBe(RELAY);
    expect(await form.getByLabel('Что делает').inputValue()).toBe('email');
    await form.getByLabel('Организация').fill('Mail Relay GmbH');
    await form.getByLabel('Страна').fill('de');
    await form.getByLabel('Договор').fill('DPA 2026-11-30');
    await form.getByRole('checkbox', { name: 'ФИО и документы' }).check();
    await form.getByRole('button', { name: 'Сохранить в перечне' }).click();
    // Abroad for a Russian clinic: refused until the RKN notification is named.
    await poll(() => form.getByRole('alert').textContent()).toContain('transferRef');
    await form.getByLabel('Основание трансграничной передачи').fill('Уведомление РКН № 77-ТП-0042');
    await form.getByRole('button', { name: 'Сохранить в перечне' }).click();
    await poll(() => page.getByRole('status').textContent()).toBe(`Запись ${RELAY} сохранена (версия 1).`);
    await poll(() => relay.locator('[data-field=status]').textContent()).toBe('есть');
    const entry = page.locator(`[data-testid=processors-current] tr[data-provider="${RELAY}"]`);
    expect(await entry.locator('[data-field=country]').textContent()).toBe(
      'DEза рубежом: Уведомление РКН № 77-ТП-0042',
    );
    expect(await entry.locator('[data-field=classes]').textContent()).toBe('ФИО и документы, контакты');
    await screenshot(page, 'processors-ru');

    // A change is a new version; the first stays in the history.
    await entry.getByRole('button', { name: `Изменить запись ${RELAY}` }).click();
    await poll(() => form.locator('h2').textContent()).toBe(`Изменение записи ${RELAY}`);
    expect(await form.getByLabel('Поставщик').getAttribute('readonly')).not.toBeNull();
    await form.getByRole('checkbox', { name: 'пол, возраст, город' }).check();
    await form.getByRole('button', { name: 'Сохранить в перечне' }).click();
    await poll(() => page.getByRole('status').textContent()).toBe(`Запись ${RELAY} сохранена (версия 2).`);
    await poll(() => entry.getAttribute('data-version')).toBe('2');
    await page.getByText('Прежние версии записей (1)').click();
    expect(
      await page
        .locator(`[data-testid=processors-history] tr[data-provider="${RELAY}"]`)
        .getAttribute('data-version'),
    ).toBe('1');
    const [saved] = (
      await dash.careloop.processors.list(staffScope(dash.demo.tenantId, 'owner', 'registry.operations'))
    ).filter((e) => e.provider === RELAY && e.retiredAt === null);
    expect(saved?.dataClasses).toEqual(['identity', 'contact', 'demographic']);

    await entry.getByRole('button', { name: `Исключить ${RELAY} из перечня` }).click();
    await poll(() => page.getByRole('status').textContent()).toBe(
      `${RELAY} исключён из перечня: отправки через него остановлены.`,
    );
    await poll(() => relay.locator('[data-field=status]').textContent()).toBe(
      'нет — отправки через канал остановлены',
    );
    await signOut(page);
  });

  it('an auditor reads the register in English and cannot change it; a marketer does not see it', async () => {
    const { page } = b;
    await signIn(page, dash, 'auditor');
    await setLanguage(page, 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Data processors' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Data processors');
    const sms = page.locator('[data-testid=processors-current] tr[data-provider=sms]');
    await poll(() => sms.locator('td').nth(1).textContent()).toBe('SMS gatewayprocessor');
    expect(await sms.locator('[data-field=classes]').textContent()).toBe(
      'name and documents, contact details, sex, age, town, visit dates',
    );
    expect(
      await page
        .locator(`[data-testid=processors-configured] tr[data-provider="${RELAY}"] [data-field=status]`)
        .textContent(),
    ).toBe('no — sending through it is stopped');
    expect(await page.getByRole('button', { name: /Register|Change|Remove|Add a company/ }).count()).toBe(0);
    expect(await page.getByText('The clinic’s owner keeps the register.').count()).toBe(1);
    await screenshot(page, 'processors-en');
    await signOut(page);

    await signIn(page, dash, 'marketer');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Data processors' }).count()).toBe(0);
    await signOut(page);
  });
});
