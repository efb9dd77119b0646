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

describe('segment builder', () => {
  it('a marketer builds "women 40+, last visit 3–6 months ago", reads the live count (R32) and its purpose (R6), saves it', async () => {
    const { page } = b;
    await signIn(page, dash, 'marketer');
    await page.goto(`${dash.url}/segments`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Сегменты');
    await expect
      .poll(() => page.locator('[data-segments], p:has-text("Сохранённых сегментов пока нет")').count())
      .toBe(1);
    const count = page.locator('[data-count]');
    // With no conditions the whole demo clinic is counted.
    await expect.poll(() => count.textContent()).toMatch(/Пациентов в сегменте: \d/);
    const everyone = await page.locator('[data-count] strong').textContent();

    const add = async (op: string) => {
      await page.getByLabel('Условие', { exact: true }).selectOption(op);
      await page.getByRole('button', { name: 'Добавить условие' }).click();
    };
    await add('sex');
    await page.locator('[data-condition=sex]').getByLabel('Пол', { exact: true }).selectOption('female');
    await add('age');
    await page.getByLabel('Возраст от, лет').fill('40');
    await add('last_visit');
    await page.getByLabel('Не раньше чем месяцев назад (от)').fill('3');
    await page.getByLabel('Не позже чем месяцев назад (до)').fill('6');

    // The count follows the rule: visit dates alone are not health data, so the purpose stays marketing (R6).
    const narrowed = async () => (await page.locator('[data-count] strong').textContent()) ?? '';
    await expect.poll(narrowed, { timeout: 15_000 }).not.toBe(everyone);
    expect(await narrowed()).toMatch(/^(менее 11|\d[\d\s\u00a0]*)$/);
    await expect.poll(() => count.textContent()).toContain('Цель обработки: Маркетинг');
    expect(await count.textContent()).not.toContain('здоровье');
    await screenshot(page, 'segments-ru');

    await page.getByLabel('Название сегмента').fill('Женщины 40+, визит 3–6 мес.');
    await page.getByRole('button', { name: 'Сохранить сегмент' }).click();
    await expect.poll(() => page.locator('form [role=status]').textContent()).toMatch(/сохранён/);
    const item = page.locator('[data-segments] li');
    await expect.poll(() => item.count()).toBe(1);
    await expect.poll(() => item.first().textContent()).toContain('Женщины 40+, визит 3–6 мес.');
    await expect.poll(() => item.first().textContent()).toContain('Маркетинг');

    const rows = await dash.careloop.db.tenant(dash.demo.tenantId, (tx) =>
      tx.selectFrom('segments').select(['name', 'purpose', 'rule']).execute(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.purpose).toBe('marketing.general');
    expect(rows[0]!.rule).toEqual({
      op: 'and',
      rules: [
        { op: 'sex', is: 'female' },
        { op: 'age', min: 40 },
        { op: 'last_visit', minAgo: { n: 3, unit: 'months' }, maxAgo: { n: 6, unit: 'months' } },
      ],
    });

    // A visit to a specialty is health data: the count says so and runs under health marketing (R6).
    await add('visited_specialty');
    await expect.poll(() => page.getByLabel('Специальность').locator('option').count()).toBeGreaterThan(0);
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toContain('данным о здоровье');
    expect(await count.textContent()).toContain('Цель обработки: Маркетинг по данным о здоровье');

    await setLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Segments');
    await expect.poll(() => page.locator('[data-segments] li').first().textContent()).toContain('Marketing');
    await expect.poll(() => page.locator('[data-count]').textContent()).toMatch(/Patients in the segment/);
    await expect.poll(() => page.locator('[data-count]').textContent()).toContain('health-based');
    await screenshot(page, 'segments-en');
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, [dash.account('marketer').password]);
  });
});
