import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoPersonalData,
  openBrowser,
  screenshot,
  setLanguage,
  signIn,
  type TestBrowser,
} from '../support/browser.ts';
import { startDashboard, type TestDashboard } from '../support/dashboard.ts';

let dash: TestDashboard;
let b: TestBrowser;

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard(), openBrowser()]);
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('content library screen in Chromium', () => {
  it('lists the approved playbook templates and previews SMS parts and compliance, in ru and en', async () => {
    const { page } = b;
    await signIn(page, dash, 'marketer');
    await page.goto(`${dash.url}/content`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Библиотека контента');
    const recall = page.locator('tr[data-template="recall"]');
    await expect.poll(() => recall.textContent()).toContain('утверждён');
    expect(await page.locator('tr[data-template]').count()).toBeGreaterThanOrEqual(8);

    await page.getByRole('button', { name: 'Предпросмотр: recall' }).click();
    const preview = page.locator('[data-preview="recall"]');
    await expect.poll(() => preview.textContent()).toContain('Имеются противопоказания');
    expect(await preview.textContent()).toContain('Можно отправлять');
    expect(await preview.textContent()).toContain('Проверка соответствия пройдена');
    expect(Number(await preview.locator('[data-sms-parts]').getAttribute('data-sms-parts'))).toBeGreaterThan(
      1,
    );
    await screenshot(page, 'content-ru');

    await page
      .getByRole('region', { name: 'Предпросмотр: recall' })
      .getByLabel('Канал')
      .selectOption('email');
    await expect.poll(() => preview.textContent()).toContain('Тема: Пора запланировать визит');

    await setLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Content library');
    await page.getByRole('button', { name: 'Preview: birthday' }).click();
    await page.getByRole('region', { name: 'Preview: birthday' }).getByLabel('Language').selectOption('en');
    const birthday = page.locator('[data-preview="birthday"]');
    await expect.poll(() => birthday.textContent()).toContain('Contraindications apply');
    expect(await birthday.textContent()).toContain('Sendable');
    await screenshot(page, 'content-en');
    await expectNoPersonalData(b, []);
  });
});
