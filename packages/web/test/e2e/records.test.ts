import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemScope } from '../../../server/test/support/careloop.ts';
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
let erasureId: string;
const SECRETS = ['Стрельцова', 'Дарина', '+79165550909', '9165550909'];

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard({ patients: 60 }), openBrowser()]);
  const scope = systemScope(dash.demo.tenantId);
  patientId = await dash.careloop.patients.register(scope, {
    identity: { lastName: 'Стрельцова', firstName: 'Дарина', birthDate: '1988-08-08' },
    contact: { phone: '+79165550909' },
    profile: { language: 'ru' },
  });
  const rights = systemScope(dash.demo.tenantId, 'subject.rights');
  erasureId = (
    await dash.careloop.rights.open(rights, { patientId, kind: 'erasure', receivedVia: 'front_desk' })
  ).id;
  await dash.careloop.rights.open(rights, { patientId, kind: 'access', receivedVia: 'email' });
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('consent texts, audit journal and data-subject requests in Chromium', { timeout: 90_000 }, () => {
  it('the owner drafts and publishes a consent text; a written-form text missing its elements is refused (R5)', async () => {
    const { page } = b;
    await signIn(page, dash, 'owner');
    await page.getByRole('navigation').getByRole('link', { name: 'Тексты согласий' }).click();
    const table = page.getByTestId('documents');
    await expect.poll(() => table.locator('tbody tr[data-status=published]').count()).toBeGreaterThan(3);
    await page.getByLabel('Согласие', { exact: true }).selectOption('tracking.web');
    await page.getByLabel('Заголовок').fill('Согласие на веб-аналитику, редакция 2');
    await page
      .getByLabel('Текст согласия')
      .fill('Я соглашаюсь на обработку сведений о посещении сайта клиники в целях веб-аналитики.');
    await page.getByRole('button', { name: 'Сохранить черновик' }).click();
    await expect.poll(() => page.locator('.note-ok').textContent()).toBe('Черновик сохранён.');
    await page.getByRole('button', { name: 'Опубликовать: Согласие на веб-аналитику, редакция 2' }).click();
    await expect.poll(() => page.locator('.note-ok').textContent()).toBe('Опубликовано.');
    const docs = await dash.careloop.consents.documents(systemScope(dash.demo.tenantId), 'published');
    expect(docs.find((d) => d.kind === 'tracking.web' && d.locale === 'ru')?.title).toBe(
      'Согласие на веб-аналитику, редакция 2',
    );
    // A health-based marketing consent is written form: a short text cannot be published.
    await page.getByLabel('Согласие', { exact: true }).selectOption('pd.marketing.health_based');
    await page.getByLabel('Заголовок').fill('Неполный текст');
    await page
      .getByLabel('Текст согласия')
      .fill('Согласие на маркетинг с учётом здоровья, без обязательных элементов.');
    await page.getByRole('button', { name: 'Сохранить черновик' }).click();
    await page.getByRole('button', { name: 'Опубликовать: Неполный текст' }).click();
    await expect.poll(() => page.locator('[role=alert]').count()).toBe(1);
    await screenshot(page, 'consent-documents-ru');
    await signOut(page);
  });

  it('the auditor reads the journal, filters it and verifies the hash chain', async () => {
    const { page } = b;
    await signIn(page, dash, 'auditor');
    await page.getByRole('navigation').getByRole('link', { name: 'Журнал аудита' }).click();
    const rows = page.getByTestId('audit').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    // Filter by the action of the newest entry: every row shown then has that action.
    const action = (await rows.first().getAttribute('data-action'))!;
    await page.getByLabel('Действие').fill(action);
    await page.getByRole('button', { name: 'Показать' }).click();
    await expect
      .poll(async () =>
        (await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-action')))).every(
          (a) => a === action,
        ),
      )
      .toBe(true);
    expect(await rows.count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Проверить целостность' }).click();
    await expect.poll(() => page.getByTestId('verify').textContent()).toMatch(/^Цепочка цела/);
    await screenshot(page, 'audit-ru');
    await setLanguage(page, 'en');
    await page.getByRole('button', { name: 'Verify integrity' }).click();
    await expect.poll(() => page.getByTestId('verify').textContent()).toMatch(/^The chain is intact/);
    await screenshot(page, 'audit-en');
    await setLanguage(page, 'ru');
  });

  it('the auditor sees open requests with deadlines, exports the data and erases the patient after confirming', async () => {
    const { page } = b;
    await page.getByRole('navigation').getByRole('link', { name: 'Запросы субъектов' }).click();
    const table = page.getByTestId('requests');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await table.locator('tbody tr').first().textContent()).toMatch(/\d+ дн\./);
    await screenshot(page, 'requests-ru');
    await table.getByRole('link', { name: /Открыть\s+удаление/ }).click();
    expect(page.url()).toBe(`${dash.url}/requests/${erasureId}`);
    await expect.poll(() => page.getByTestId('request').textContent()).toContain('удаление');
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Выгрузить (страница)' }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toBe(`subject-export-${erasureId}.html`);
    const html = await (await file.createReadStream()).toArray();
    expect(Buffer.concat(html).toString()).toContain('Стрельцова');
    // Erasure needs an explicit confirmation in a dialog.
    await page.getByRole('button', { name: 'Удалить данные пациента' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('button', { name: 'Удалить', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'erase-confirm-ru');
    await dialog.getByLabel('Я понимаю, что это нельзя отменить').check();
    await dialog.getByRole('button', { name: 'Удалить', exact: true }).click();
    await expect.poll(() => page.locator('.note-ok').textContent()).toContain('уничтожены');
    await expect.poll(() => page.locator('[data-status]').getAttribute('data-status')).toBe('completed');
    const found = await dash.careloop.patients.search(systemScope(dash.demo.tenantId), {
      phone: '+79165550909',
    });
    expect(found).toHaveLength(0);
    await expectNoPersonalData(b, SECRETS);
  });
});
