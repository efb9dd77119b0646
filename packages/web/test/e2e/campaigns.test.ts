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
  [dash, b] = await Promise.all([startDashboard({ patients: 300 }), openBrowser()]);
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('campaigns screen', () => {
  it('a marketer switches recall on, previews, launches and sees results against the control group', async () => {
    const { page } = b;
    await signIn(page, dash, 'marketer');
    await page.goto(`${dash.url}/campaigns`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Кампании');
    await page.getByLabel('Сценарий', { exact: true }).selectOption('recall');
    await page.getByLabel('Канал', { exact: true }).selectOption('preferred');
    await page.getByLabel('Контрольная группа, %').fill('20');
    await page.getByRole('button', { name: 'Включить', exact: true }).click();
    const card = page.locator('article[data-campaign]').first();
    await expect.poll(() => card.count()).toBe(1);
    await expect.poll(() => card.textContent()).toContain('черновик');

    await card.getByRole('button', { name: 'Оценить аудиторию' }).click();
    await expect.poll(() => card.locator('[role=status]').textContent()).toMatch(/Аудитория/);
    await card.getByRole('button', { name: 'Запустить' }).click();
    await expect.poll(() => card.locator('[role=status]').textContent()).toMatch(/Запущено: \d+/);
    // A second launch the same day sends nothing again.
    await card.getByRole('button', { name: 'Запустить' }).click();
    await expect.poll(() => card.locator('[role=status]').textContent()).toMatch(/уже запускалась/);
    await card.getByRole('button', { name: 'Результаты' }).click();
    await expect.poll(() => card.locator('[data-results]').textContent()).toMatch(/Воронка: в аудитории \d+/);
    await expect.poll(() => card.locator('canvas, svg').count()).toBeGreaterThan(0);
    await screenshot(page, 'campaigns-ru');

    await setLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Campaigns');
    await expect
      .poll(() => page.locator('article[data-campaign] h3').first().textContent())
      .toMatch(/Recall/);
    await screenshot(page, 'campaigns-en');
    await setLanguage(page, 'ru');

    const campaigns = await dash.careloop.db.tenant(dash.demo.tenantId, (tx) =>
      tx.selectFrom('campaign_runs').select(['treatment', 'control']).execute(),
    );
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]!.treatment).toBeGreaterThan(0);
    await expectNoPersonalData(b, [dash.account('marketer').password]);
  });
});
