import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDns } from '../../../server/test/support/dns.ts';
import { openBrowser, screenshot, setLanguage, signIn, type TestBrowser } from '../support/browser.ts';
import { startDashboard, type TestDashboard } from '../support/dashboard.ts';

let dash: TestDashboard;
let b: TestBrowser;
let dns: Awaited<ReturnType<typeof startDns>>;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  dns = await startDns();
  [dash, b] = await Promise.all([
    startDashboard({
      config: {
        delivery: {
          smtp: {
            host: '127.0.0.1',
            port: 2525,
            secure: false,
            from: 'Клиника <news@clinic.test>',
            dkimSelector: 'mail',
          },
          dnsServers: [dns.server],
        },
      },
    }),
    openBrowser(),
  ]);
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
  await dns?.close();
});

describe('sender authentication in Chromium', { timeout: 90_000 }, () => {
  it('R19: an e-mail campaign does not start while the From domain lacks DKIM and DMARC; it does once they are published', async () => {
    const { page } = b;
    dns.set('clinic.test', 'v=spf1 include:relay.example.net -all');
    await signIn(page, dash, 'marketer');
    await page.goto(`${dash.url}/campaigns`);
    await poll(() => page.locator('h1').textContent()).toBe('Кампании');
    await page.getByLabel('Сценарий', { exact: true }).selectOption('recall');
    await page.getByLabel('Канал', { exact: true }).selectOption('email');
    await page.getByRole('button', { name: 'Включить', exact: true }).click();
    const card = page.locator('article[data-campaign]').first();
    await poll(() => card.count()).toBe(1);
    await card.getByRole('button', { name: 'Запустить' }).click();
    const alert = page.getByRole('alert');
    await poll(() => alert.textContent()).toContain(
      'Домен отправителя не проходит проверку SPF, DKIM и DMARC: исправьте его DNS-записи, прежде чем запускать кампанию.',
    );
    expect(await alert.locator('li').allTextContents()).toEqual([
      'dkim: no DKIM key for selector mail',
      'dmarc: no DMARC record (v=DMARC1)',
    ]);
    await screenshot(page, 'sender-auth-ru');
    await setLanguage(page, 'en');
    await card.getByRole('button', { name: 'Launch' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain(
      'The sending domain does not pass SPF, DKIM and DMARC: fix its DNS records before the campaign starts.',
    );

    dns.set('mail._domainkey.clinic.test', 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA');
    dns.set('_dmarc.clinic.test', 'v=DMARC1; p=none');
    await card.getByRole('button', { name: 'Launch' }).click();
    await poll(() => card.locator('[role=status]').textContent()).toMatch(/^Launched: \d+/);
    expect(await page.getByRole('alert').count()).toBe(0);
  });
});
