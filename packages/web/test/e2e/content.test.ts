import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signIn as apiSignIn } from '../../../server/test/http/support.ts';
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

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard(), openBrowser()]);
}, 180_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail')
    await screenshot(b.page, `content-failed-${ctx.task.name.slice(0, 20)}`);
});
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

/** The sample patient every preview is rendered for: never in a URL or browser storage (R38). */
const SAMPLE_PATIENT = ['Анна Петровна', 'Иванова'];
const CLAIM = 'У вас гипертония? Запишитесь на приём, пока не поздно.';
const FINE = 'Осень — хорошее время для профилактического осмотра. Ждём вас.';

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
    await setLanguage(page, 'ru');
    await signOut(page);
  });

  it('R13–R16: a marketer drafts a template, sees the R15 finding and cannot submit, fixes and submits it; only the owner approves (in English), then it is listed as approved and retired', async () => {
    const { page } = b;
    await b.context.clearCookies();
    await signIn(page, dash, 'marketer');
    await page.goto(`${dash.url}/content`);
    await page.getByRole('link', { name: 'Новый шаблон' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Новый шаблон');

    await page.getByLabel('Ключ', { exact: true }).fill('autumn-checkup');
    await page.getByLabel('Название', { exact: true }).fill('Осенний осмотр');
    expect(await page.getByLabel('Цель отправки').inputValue()).toBe('marketing.general');
    expect(await page.locator('[data-template-class]').textContent()).toContain('реклама');
    await page.getByLabel('Тема письма (русский)').fill('Пора на осмотр');
    await page.getByLabel('Прехедер письма (русский)').fill('Клиника рядом с домом');
    const add = async (label: string) => {
      await page.getByLabel('Добавить блок').selectOption({ label });
      await page.getByRole('button', { name: 'Добавить', exact: true }).click();
    };
    await add('greeting.formal (приветствие)');
    await add('новый: основной текст');
    await add('cta.book (призыв к действию)');
    await add('footer.advertising (юридическая подпись)');
    const body = page.getByRole('group', { name: 'Блок 2: основной текст' });
    await body.getByLabel('Текст (русский)').fill(CLAIM);

    // The linter's finding appears next to the block that causes it, with its requirement id.
    const claim = body.locator('[data-rule="R15"][data-severity="error"]').first();
    await claim.waitFor();
    expect(await claim.textContent()).toContain('R15 · запрещённые утверждения');
    expect(await claim.textContent()).toContain('заболевания');
    await expect
      .poll(async () => Number(await page.locator('[data-check-errors]').getAttribute('data-check-errors')))
      .toBeGreaterThan(0);
    // The live SMS preview counts parts in UCS-2 for Cyrillic.
    const sms = page.locator('[data-variant="sms.ru"] [data-sms-parts]');
    expect(await sms.getAttribute('data-sms-encoding')).toBe('ucs2');
    expect(Number(await sms.getAttribute('data-sms-parts'))).toBeGreaterThan(1);
    expect(await page.locator('[data-variant="sms.ru"]').textContent()).toContain('UCS-2 (кириллица)');
    // The e-mail variant: subject, the HTML our layout makes (sandboxed), and its plain text.
    const email = page.locator('[data-variant="email.ru"]');
    expect(await email.textContent()).toContain('Тема: Пора на осмотр');
    const html = page.frameLocator('[data-variant="email.ru"] iframe.email-html').locator('body');
    await expect.poll(() => html.textContent()).toContain('Записаться онлайн');
    await email.getByText('Текстовая версия').click();
    expect(await email.locator('details pre').textContent()).toContain('Записаться онлайн: https://');
    await screenshot(page, 'content-new-ru');

    await page.getByRole('button', { name: 'Создать черновик' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Шаблон autumn-checkup');
    const templateUrl = page.url();
    expect(templateUrl).toMatch(/\/content\/[0-9a-f-]{36}$/);

    // With errors, the draft cannot go to review.
    const submit = page.getByRole('button', { name: 'Отправить на проверку' });
    await expect
      .poll(async () => Number(await page.locator('[data-check-errors]').getAttribute('data-check-errors')))
      .toBeGreaterThan(0);
    expect(await submit.isDisabled()).toBe(true);
    expect(await page.locator('[data-review]').textContent()).toContain(
      'Сначала исправьте ошибки проверки соответствия.',
    );

    // Fixed and saved, it goes.
    const saved = page.getByRole('group', { name: 'Блок 2: основной текст' });
    await saved.getByLabel('Текст (русский)').fill(FINE);
    await page.getByRole('button', { name: 'Сохранить черновик' }).click();
    await expect
      .poll(() => page.locator('[data-outcome]').textContent())
      .toContain('Черновик сохранён: версия 1.');
    await expect.poll(() => page.locator('[data-check-errors]').getAttribute('data-check-errors')).toBe('0');
    await expect.poll(() => submit.isEnabled()).toBe(true);
    await submit.click();
    await expect
      .poll(() => page.locator('[data-outcome]').textContent())
      .toContain('Версия 1 отправлена на проверку.');
    await expect
      .poll(() => page.locator('[data-latest-state]').getAttribute('data-latest-state'))
      .toBe('in_review');
    // The marketer is never offered approval.
    expect(await page.getByRole('button', { name: 'Утвердить' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Вернуть на доработку' }).count()).toBe(0);
    await screenshot(page, 'content-submitted-ru');
    await expectNoPersonalData(b, SAMPLE_PATIENT);
    await signOut(page);

    // The owner reviews it in English.
    await setLanguage(page, 'en');
    await signIn(page, dash, 'owner');
    await page.goto(templateUrl);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Template autumn-checkup');
    expect(await page.getByRole('heading', { name: 'Version history' }).count()).toBe(1);
    expect(await page.locator('[data-review]').textContent()).toContain(
      'Version 1 is waiting for an owner to approve it.',
    );
    const approve = page.getByRole('button', { name: 'Approve' });
    await expect.poll(() => approve.isEnabled()).toBe(true);
    await approve.click();
    await expect
      .poll(() => page.locator('[data-outcome]').textContent())
      .toContain('Version 1 is approved and will be sent.');
    const row = page.locator('tr[data-version="1"]');
    await expect.poll(() => row.getAttribute('data-state')).toBe('approved');
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['approved', 'Демо: маркетолог', 'Демо: владелец']);
    expect(cells[6]).not.toBe('—'); // approved at
    await screenshot(page, 'content-approved-en');

    await page.getByRole('link', { name: 'Back to the content library' }).click();
    const listed = page.locator('tr[data-template="autumn-checkup"]');
    await expect.poll(() => listed.textContent()).toContain('approved');
    expect(await listed.locator('td').nth(4).textContent()).toBe('1');

    await listed.getByRole('link', { name: 'Open template autumn-checkup' }).click();
    await page.getByRole('button', { name: 'Retire', exact: true }).click();
    await page.getByRole('button', { name: 'Retire version 1' }).click();
    await expect.poll(() => page.locator('[data-outcome]').textContent()).toContain('Version 1 is retired.');
    await expect.poll(() => page.locator('tr[data-version="1"]').getAttribute('data-state')).toBe('retired');
    await page.getByRole('link', { name: 'Back to the content library' }).click();
    await expect.poll(() => listed.textContent()).toContain('retired');
    await expectNoPersonalData(b, SAMPLE_PATIENT);
    await signOut(page);
  });

  it('the author of a version is never offered approval, and the server refusal of a stale offer is shown in words', async () => {
    const { page } = b;
    const api = async (role: 'marketer' | 'owner') => {
      const a = dash.account(role);
      const s = await apiSignIn(dash.app, a.email, a.password);
      return (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
        dash.app.inject({
          method,
          url,
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
          ...(payload ? { payload } : {}),
        });
    };
    const marketer = await api('marketer');
    const owner = await api('owner');
    const blocks = (await marketer('GET', '/api/content/blocks')).json() as {
      id: string;
      version: number;
      key: string;
      kind: string;
      content: object;
      url?: string;
    }[];
    const lib = (key: string) => {
      const x = blocks.find((y) => y.key === key)!;
      return {
        blockId: x.id,
        version: x.version,
        kind: x.kind,
        content: x.content,
        ...(x.url ? { url: x.url } : {}),
      };
    };
    const draft = (text: string) => ({
      name: 'Winter check-up',
      purpose: 'advertising',
      kind: 'standard',
      medical: true,
      blocks: [
        lib('greeting.formal'),
        { kind: 'body', content: { en: { text } } },
        lib('cta.book'),
        lib('footer.advertising'),
      ],
      variants: [{ channel: 'sms', language: 'en' }],
    });
    const created = await marketer('POST', '/api/content/drafts', {
      key: 'winter-checkup',
      sendPurpose: 'marketing.general',
      draft: draft('Winter is a good time for a check-up.'),
    });
    expect(created.statusCode).toBe(201);
    const { templateId } = created.json() as { templateId: string };
    expect(
      (await marketer('POST', '/api/content/templates/winter-checkup/versions/1/submit')).statusCode,
    ).toBe(200);

    await b.context.clearCookies();
    await setLanguage(page, 'en');
    await signIn(page, dash, 'owner');
    await page.goto(`${dash.url}/content/${templateId}`);
    const approve = page.getByRole('button', { name: 'Approve' });
    await expect.poll(() => approve.isEnabled()).toBe(true);

    // Meanwhile, in another tab, the same owner sends it back, rewrites it and submits it: now its author.
    expect(
      (await owner('POST', '/api/content/templates/winter-checkup/versions/1/reject', { note: 'mine' }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await owner('PUT', '/api/content/drafts/winter-checkup', {
          draft: draft('Winter is a fine time for a check-up.'),
        })
      ).statusCode,
    ).toBe(200);
    expect((await owner('POST', '/api/content/templates/winter-checkup/versions/1/submit')).statusCode).toBe(
      200,
    );

    // The stale page still offers approval; the server refuses, and the screen says why in words.
    await approve.click();
    const outcome = page.locator('[data-outcome] [role="alert"]');
    await expect.poll(() => outcome.textContent()).toContain('The author of a version cannot approve it.');
    // Reloaded, the screen knows the owner wrote it and offers no approval.
    await page.locator('[data-own-version]').waitFor();
    expect(await page.locator('[data-own-version]').textContent()).toContain(
      'You wrote version 1: another owner must approve it.',
    );
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await screenshot(page, 'content-own-version-en');

    // The same in Russian: the refusal and the note are translated, the codes never shown alone.
    await setLanguage(page, 'ru');
    await expect.poll(() => outcome.textContent()).toContain('Автор версии не может её утвердить.');
    expect(await page.locator('[data-own-version]').textContent()).toContain(
      'Вы автор версии 1: утвердить её может только другой владелец.',
    );
    expect(await page.getByRole('button', { name: 'Утвердить' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Вернуть на доработку' }).count()).toBe(1);
    await expectNoPersonalData(b, SAMPLE_PATIENT);
  });
});
