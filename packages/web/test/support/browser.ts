import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@careloop/contracts';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestDashboard } from './dashboard.ts';

/** Debian's Chromium; never a downloaded browser build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the browser asked for, to scan for personal data (R38). */
  readonly requests: string[];
  close(): Promise<void>;
}

/** A fresh browser profile per test file: nothing carries over between runs. */
export async function openBrowser(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  const profile = await mkdtemp(join(tmpdir(), 'careloop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: opts.viewport ?? { width: 1280, height: 860 },
    locale: 'ru-RU',
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    requests,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, dash: TestDashboard, role: Role): Promise<void> {
  const a = dash.account(role);
  await page.goto(`${dash.url}/`);
  await page.locator('input[name=email]').fill(a.email);
  await page.locator('input[name=password]').fill(a.password);
  await page.locator('form button[type=submit]').click();
  await page.locator('header.top').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.locator('header.top button', { hasText: /Выйти|Sign out/ }).click();
  await page.locator('input[name=email]').waitFor();
}

/** Saves a full-page screenshot under test-artifacts/ (gitignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Switches the dashboard language with the header control. */
export async function setLanguage(page: Page, lang: 'ru' | 'en'): Promise<void> {
  await page.locator('.lang select').selectOption(lang);
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

const variants = (s: string): string[] => {
  const out = new Set([s, encodeURIComponent(s), s.toLowerCase(), encodeURIComponent(s.toLowerCase())]);
  out.add(s.replace(/\s+/g, '+'));
  return [...out].filter((x) => x.length >= 3);
};

/**
 * R38: none of the given personal values appears in any URL the browser requested or
 * shows, nor in localStorage, sessionStorage, IndexedDB or script-readable cookies.
 */
export async function expectNoPersonalData(b: TestBrowser, secrets: readonly string[]): Promise<void> {
  const store = await b.page.evaluate(async () => {
    const dump = (s: Storage) => {
      const out: Record<string, string> = {};
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i)!;
        out[k] = s.getItem(k) ?? '';
      }
      return out;
    };
    const dbs = 'databases' in indexedDB ? await indexedDB.databases() : [];
    return {
      url: location.href,
      local: dump(localStorage),
      session: dump(sessionStorage),
      indexedDb: dbs.map((d) => d.name ?? ''),
      cookies: document.cookie,
    };
  });
  expect(store.local, 'localStorage is not used').toEqual({});
  expect(store.session, 'sessionStorage is not used').toEqual({});
  expect(store.indexedDb, 'IndexedDB is not used').toEqual([]);
  // The only script-readable cookie is the language choice; the session cookie is HttpOnly.
  for (const c of store.cookies.split(/;\s*/).filter(Boolean)) expect(c).toMatch(/^careloop_lang=(ru|en)$/);
  const haystacks = [store.url, ...b.requests].map((u) => {
    try {
      return `${u}\n${decodeURIComponent(u)}`;
    } catch {
      return u;
    }
  });
  for (const secret of secrets) {
    for (const v of variants(secret)) {
      for (const h of haystacks)
        expect(h.toLowerCase(), `"${secret}" must not appear in a URL`).not.toContain(v.toLowerCase());
    }
  }
}
