import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemScope } from '../../../server/test/support/careloop.ts';
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
  [dash, b] = await Promise.all([startDashboard({ patients: 60 }), openBrowser()]);
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

const CSV = [
  '№ карты;ФИО;Дата рождения;Пол;Моб. телефон;E-mail',
  'B-1;Лазарева Полина Игоревна;05.03.1984;Ж;8 (916) 555-01-01;polina@example.test',
  'B-2;Гончаров Артём Ильич;1979-11-30;М;+7 903 555 01 02;',
  'B-3;Журавлёва Вера;31.02.1990;Ж;;', // impossible date and nothing to reach her by: quarantined
  'B-4;Мельников Олег Петрович;12.12.1991;М;+7 915 555 01 04;',
].join('\n');
const SECRETS = ['Лазарева', 'Журавлёва', '9165550101', 'polina@example.test'];

describe('import wizard in Chromium', { timeout: 90_000 }, () => {
  it('uploads a CSV, previews the mapping, imports, and shows the bad row in quarantine; fixing loads it', async () => {
    const { page } = b;
    await signIn(page, dash, 'front_desk');
    await page.getByRole('navigation').getByRole('link', { name: 'Импорт' }).click();
    await page.getByLabel('Файл выгрузки').setInputFiles({
      name: 'выгрузка.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByRole('button', { name: 'Предпросмотр' }).click();
    // Column mapping as detected, with the first rows as they will be read.
    const mapping = page.getByTestId('mapping');
    await expect.poll(() => mapping.locator('tbody tr').count()).toBe(6);
    await expect.poll(() => page.getByRole('combobox', { name: 'ФИО' }).inputValue()).toBe('full_name');
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Дата рождения' }).inputValue())
      .toBe('birth_date');
    await expect.poll(() => page.getByTestId('preview-rows').locator('tbody tr').count()).toBe(4);
    await screenshot(page, 'import-mapping-ru');
    await page.getByRole('button', { name: 'Загрузить', exact: true }).click();
    const report = page.getByTestId('report');
    await expect.poll(() => report.locator('[data-count=rows]').textContent(), { timeout: 30_000 }).toBe('4');
    expect(await report.locator('[data-count=created]').textContent()).toBe('3');
    expect(await report.locator('[data-count=quarantined]').textContent()).toBe('1');
    await screenshot(page, 'import-report-ru');

    await page.getByRole('link', { name: 'Открыть карантин (1)' }).click();
    const row = page.locator('article[data-row="3"]');
    await expect.poll(() => row.locator('[data-reason=date_impossible]').count()).toBe(1);
    expect(await row.locator('[data-reason=date_impossible]').textContent()).toContain(
      'Такой даты не существует',
    );
    await screenshot(page, 'import-quarantine-ru');
    await setLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Quarantine');
    expect(await row.locator('[data-reason=date_impossible]').textContent()).toContain('No such date exists');
    await setLanguage(page, 'ru');

    await row.getByRole('button', { name: 'Исправить' }).click();
    await row.getByLabel('Дата рождения').fill('28.02.1990');
    await row.locator('form').getByRole('button', { name: 'Исправить' }).click();
    await expect.poll(() => page.locator('.note-ok').textContent()).toBe('Строка исправлена и загружена.');
    await expect.poll(() => page.locator('article[data-row]').count()).toBe(0);
    const found = await dash.careloop.patients.search(systemScope(dash.demo.tenantId), {
      name: 'Журавлёва Вера',
    });
    expect(found).toHaveLength(1);
    await page.getByRole('button', { name: 'Исправленные' }).click();
    await expect.poll(() => page.locator('article[data-row="3"]').count()).toBe(1);

    // The batch list shows the finished import.
    await page.getByRole('link', { name: 'Импорт', exact: true }).first().click();
    await expect.poll(() => page.getByRole('link', { name: 'выгрузка.csv' }).count()).toBe(1);
    await screenshot(page, 'import-batches-ru');
    await expectNoPersonalData(b, SECRETS);
  });
});
