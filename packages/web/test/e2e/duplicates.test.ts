import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantOpenPairs } from '../../../server/test/support/candidates.ts';
import { staffScope } from '../../../server/test/support/careloop.ts';
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
/** Names and phones of the pairs on screen: they must never reach a URL or browser storage (R38). */
const secrets = new Set<string>();
/** The machine is shared and slow at times: a poll waits up to 15 s, not vitest's 1 s. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard(), openBrowser()]);
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

const owner = () => staffScope(dash.demo.tenantId, 'owner', 'registry.operations');
const queue = () => dash.careloop.identity.reviewQueue(owner(), { limit: 100, reveal: ['phone'] });
const merges = () => dash.careloop.identity.merges(owner());

describe('duplicate review in Chromium', () => {
  it('the demo clinic’s planted duplicates wait in the review queue', async () => {
    expect(dash.demo.plantedDuplicates).toBeGreaterThan(0);
    const q = await queue();
    expect(q.total).toBeGreaterThan(0);
    for (const i of q.items) {
      for (const s of [i.a, i.b]) {
        secrets.add(s.lastName);
        if (s.phone) secrets.add(s.phone);
      }
    }
  });

  it('opens a pair with the keyboard, reads per-field evidence, merges it, then unmerges it from the merges list', async () => {
    const { page } = b;
    const before = await queue();
    const first = before.items[0]!;
    await signIn(page, dash, 'front_desk');
    await page.getByRole('navigation').getByRole('link', { name: 'Дубликаты' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Дубликаты');
    await poll(() => page.getByRole('status').first().textContent()).toBe(`Пар на проверке: ${before.total}`);
    await screenshot(page, 'duplicates-queue-ru');

    // Keyboard: the review button opens the pair and focus moves to its heading.
    const review = page.getByRole('button', { name: /^Проверить пару:/ }).first();
    await review.focus();
    await page.keyboard.press('Enter');
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('dup-pair');

    // Side by side, identifiers masked by default; evidence gives each field's level and weight.
    const pair = page.getByRole('region', { name: /Сравнение записей/ });
    await poll(() => pair.locator('td[data-side=a][data-field=lastName]').textContent()).toBe(
      first.a.lastName,
    );
    expect(first.a.phone).toMatch(/^\+\d{11}$/);
    await poll(() => pair.locator('td[data-side=a][data-field=phone]').textContent()).toMatch(/\*\*\*/);
    const evidence = pair.getByRole('table', { name: 'Доказательства по полям' });
    await poll(() => evidence.locator('tbody tr').count()).toBe(first.evidence.length);
    const lastName = first.evidence.find((e) => e.field === 'last_name')!;
    const row = evidence.locator('tr[data-evidence=last_name]');
    await poll(() => row.locator('th').textContent()).toBe('Фамилия');
    await poll(() => row.locator('td.num').textContent()).toBe(
      `${lastName.weight > 0 ? '+' : ''}${lastName.weight.toFixed(2)}`,
    );
    await screenshot(page, 'duplicates-pair-ru');

    // Full identifiers on request, audited per pair shown: the same pair now shows the real phone.
    const reveals = async () =>
      (
        await dash.careloop.audit.entries(staffScope(dash.demo.tenantId, 'auditor', 'subject.rights'), {
          action: 'identity.review.reveal',
          limit: 500,
        })
      ).length;
    const revealsBefore = await reveals();
    await page.getByRole('button', { name: 'Показать идентификаторы полностью' }).click();
    await poll(() => page.getByText(/^Показано полностью:/).count()).toBe(1);
    await page
      .getByRole('button', { name: /^Проверить пару:/ })
      .first()
      .click();
    await poll(() => pair.locator('td[data-side=a][data-field=phone]').textContent()).toBe(first.a.phone);
    expect(await reveals()).toBeGreaterThan(revealsBefore);

    // The record created first is proposed as the survivor; the reviewer keeps the other one.
    const bFirst = Date.parse(first.b.createdAt) < Date.parse(first.a.createdAt);
    const [keep, drop] = bFirst ? [first.a, first.b] : [first.b, first.a];
    expect(await pair.getByLabel(bFirst ? 'Запись B' : 'Запись A').isChecked()).toBe(true);
    await pair.getByLabel(bFirst ? 'Запись A' : 'Запись B').check();
    await pair.getByRole('button', { name: 'Объединить' }).click();
    await poll(() => page.getByText(/^Записи объединены/).count()).toBe(1);
    const after = await merges();
    expect(after[0]).toMatchObject({
      survivorId: keep.id,
      mergedId: drop.id,
      method: 'manual',
      undoneAt: null,
    });
    expect((await queue()).items.map((i) => i.id)).not.toContain(first.id);

    // The merge appears in the merges list and is undone there, after a confirmation.
    await page.getByRole('link', { name: 'Объединения' }).first().click();
    await poll(() => page.locator('h1').textContent()).toBe('Объединения');
    const mergeRow = page.locator(`tr[data-merge="${after[0]!.id}"]`);
    await poll(() => mergeRow.locator('td').nth(5).textContent()).toBe('Действует');
    await screenshot(page, 'duplicates-merges-ru');
    await mergeRow.getByRole('button', { name: /^Отменить объединение/ }).click();
    await mergeRow.getByRole('button', { name: 'Да, разъединить' }).click();
    await poll(() => page.getByText('Объединение отменено: обе записи восстановлены.').count()).toBe(1);
    await poll(() => mergeRow.locator('td').nth(5).textContent()).toMatch(/^Отменено/);
    expect((await merges()).find((m) => m.id === after[0]!.id)?.undoneAt).not.toBeNull();
    await expectNoPersonalData(b, [...secrets]);
  });

  it('works in English: a pair marked as different people leaves the queue for good', async () => {
    const { page } = b;
    const before = await queue();
    const first = before.items[0]!;
    await setLanguage(page, 'en');
    await page.getByRole('link', { name: 'Review queue' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Duplicates');
    await poll(() => page.getByRole('status').first().textContent()).toBe(`Pairs to review: ${before.total}`);
    await page
      .getByRole('button', { name: /^Review the pair:/ })
      .first()
      .click();
    const pair = page.getByRole('region', { name: /Records side by side/ });
    await poll(() =>
      pair.getByRole('table', { name: 'Evidence per field' }).locator('tbody tr').count(),
    ).toBe(first.evidence.length);
    await screenshot(page, 'duplicates-pair-en');
    await pair.getByRole('button', { name: 'Not the same person' }).click();
    await poll(() => page.getByText(/^The pair is marked as different people/).count()).toBe(1);
    await poll(() => page.getByRole('status').nth(1).textContent()).toBe(
      `Pairs to review: ${before.total - 1}`,
    );
    expect((await queue()).items.map((i) => i.id)).not.toContain(first.id);
    await page.getByRole('link', { name: 'Merges' }).first().click();
    await poll(() => page.locator('tbody tr').first().locator('td').nth(5).textContent()).toMatch(/^Undone/);
    await screenshot(page, 'duplicates-merges-en');
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, [...secrets]);
  });

  it('a doctor sees pairs but no merge buttons; the server refuses a doctor’s merge', async () => {
    const { page } = b;
    await signOut(page);
    await signIn(page, dash, 'doctor');
    await page.goto(`${dash.url}/duplicates`);
    await page
      .getByRole('button', { name: /^Проверить пару:/ })
      .first()
      .click();
    await poll(() => page.getByText('Ваша роль может просматривать пары, но не объединять их.').count()).toBe(
      1,
    );
    expect(await page.getByRole('button', { name: 'Объединить' }).count()).toBe(0);
    const id = (await queue()).items[0]!.id;
    await expect(
      dash.careloop.identity.merge(staffScope(dash.demo.tenantId, 'doctor', 'registry.operations'), id),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
    expect((await queue()).items.map((i) => i.id)).toContain(id);
  });

  it('pages through a long queue with the server’s cursor, forward and back', async () => {
    const { page } = b;
    // More open pairs than a page holds, among the demo clinic's patients, in ties of probability.
    await plantOpenPairs(dash.careloop, dash.demo.tenantId, { pairs: 30, probabilities: [0.55, 0.45] });
    const first = await dash.careloop.identity.reviewQueue(owner(), { limit: 20 });
    expect(first.total).toBeGreaterThan(20);
    const second = await dash.careloop.identity.reviewQueue(owner(), { limit: 20, cursor: first.next! });
    const name = (s: { lastName: string; firstName: string; middleName?: string }) =>
      [s.lastName, s.firstName, s.middleName].filter(Boolean).join(' ');
    for (const i of [...first.items, ...second.items]) for (const s of [i.a, i.b]) secrets.add(s.lastName);
    await page.goto(`${dash.url}/duplicates`);
    const pager = page.getByRole('navigation', { name: 'Очередь на проверку' });
    await poll(() => pager.locator('span').textContent()).toBe(`Записи 1–20 из ${first.total}`);
    const turned = page.waitForRequest((r) => r.url().includes('/api/identity/candidates?'));
    await pager.getByRole('button', { name: 'Дальше' }).click();
    // The next page is asked for by the server's cursor, not by an offset.
    const query = new URL((await turned).url()).searchParams;
    expect(query.get('cursor')).toBe(first.next);
    expect(query.has('offset')).toBe(false);
    await poll(() => pager.locator('span').textContent()).toBe(
      `Записи 21–${20 + second.items.length} из ${first.total}`,
    );
    await poll(() => page.locator('tbody tr').count()).toBe(second.items.length);
    await poll(() => page.locator('tbody tr').first().locator('td').first().textContent()).toBe(
      name(second.items[0]!.a) + name(second.items[0]!.b),
    );
    await pager.getByRole('button', { name: 'Назад' }).click();
    await poll(() => pager.locator('span').textContent()).toBe(`Записи 1–20 из ${first.total}`);
    await poll(() => page.locator('tbody tr').first().locator('td').first().textContent()).toBe(
      name(first.items[0]!.a) + name(first.items[0]!.b),
    );
    expect(await pager.getByRole('button', { name: 'Назад' }).isDisabled()).toBe(true);
    // Only the opaque cursor travelled: no names in a URL or in browser storage (R38).
    await expectNoPersonalData(b, [...secrets]);
  });
});
