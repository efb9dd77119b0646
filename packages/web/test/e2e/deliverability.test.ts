import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogueRenderer,
  DeliveryWorker,
  enqueueMessages,
  smtpChannel,
} from '../../../server/src/modules/delivery/index.ts';
import { bulkPatients, startSmtp, TEMPLATES } from '../../../server/test/delivery/support.ts';
import { registerProcessors, staffScope, systemScope } from '../../../server/test/support/careloop.ts';
import {
  openBrowser,
  screenshot,
  setLanguage,
  signIn,
  signOut,
  type TestBrowser,
} from '../support/browser.ts';
import { startDashboard, type TestDashboard } from '../support/dashboard.ts';

const SECRET = 'e2e-complaints-webhook-token-0123456789';
const PROVIDER = 'smtp:127.0.0.1';
let dash: TestDashboard;
let b: TestBrowser;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let tenantId: string;
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  [dash, b, smtp] = await Promise.all([
    startDashboard({ config: { delivery: { webhookSecret: SECRET } } }),
    openBrowser(),
    startSmtp(),
  ]);
  tenantId = dash.demo.tenantId;
  // Twenty advertising e-mails from clinic.test, through a real relay.
  await registerProcessors(dash.careloop, tenantId, [PROVIDER]);
  const patients = await bulkPatients(dash.careloop, tenantId, 20);
  await dash.careloop.db.tenant(tenantId, (tx) =>
    enqueueMessages(
      tx,
      systemScope(tenantId, 'marketing.general'),
      patients.map((patientId) => ({
        patientId,
        purpose: 'marketing.general' as const,
        campaignId: null,
        channel: 'email' as const,
        content: { templateId: 'recall-offer', version: 1 },
        occurrenceKey: 'e2e:complaints',
      })),
      { clock: dash.clock },
    ),
  );
  const worker = new DeliveryWorker(dash.careloop, {
    adapters: [
      smtpChannel({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'Клиника <news@clinic.test>' }),
    ],
    renderer: catalogueRenderer(Object.values(TEMPLATES)),
    publicUrl: dash.url,
    tenantIds: [tenantId],
  });
  expect((await worker.drain()).sent).toBe(20);
  await worker.stop();
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
  await smtp?.close();
});

/** A spam complaint as the e-mail provider reports it: a real request to the running server's webhook. */
async function complaint(eventId: string): Promise<void> {
  const sent = await dash.careloop.db.tenant(tenantId, (tx) =>
    tx
      .selectFrom('outbox_messages')
      .select('idem_key')
      .where('state', '=', 'sent')
      .limit(1)
      .executeTakeFirstOrThrow(),
  );
  const r = await fetch(
    `${dash.url}/webhooks/delivery/${tenantId}/${encodeURIComponent(PROVIDER)}/receipts`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-careloop-webhook-token': SECRET },
      body: JSON.stringify({ eventId, reference: sent.idem_key.toString('hex'), status: 'complained' }),
    },
  );
  expect(r.status).toBe(200);
}

describe('spam complaints in Chromium', { timeout: 90_000 }, () => {
  it('R20: a complaint webhook pauses advertising from the domain; the marketer sees it, the owner resumes it (in English)', async () => {
    const { page } = b;
    await signIn(page, dash, 'marketer');
    await page.getByRole('navigation').getByRole('link', { name: 'Жалобы на рассылки' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Жалобы на рассылки');
    await poll(() => page.getByText('Жалоб на рассылки не было.').count()).toBe(1);
    // The thresholds as the server applies them, in Russian number format (a no-break space before %).
    expect(await page.locator('main p.muted').first().textContent()).toMatch(
      /От 0,1\u00a0% — предупреждение, от 0,3\u00a0%/,
    );

    // One complaint in twenty e-mails: 5 %, far past the pause threshold.
    await complaint('fbl-1');
    await page.reload();
    const row = page.locator('[data-testid=sending-domains] tr[data-domain="clinic.test"]');
    await poll(() => row.getAttribute('data-state')).toBe('paused');
    expect(await row.locator('[data-field=rate]').textContent()).toMatch(/^5\s%$/);
    expect(await row.locator('[data-field=state]').textContent()).toMatch(/^реклама остановлена/);
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await page.getByText('Возобновить рекламу после остановки может владелец клиники.').count()).toBe(
      1,
    );
    await screenshot(page, 'deliverability-ru');
    await page.getByRole('navigation').getByRole('link', { name: 'Главная' }).click();
    await poll(() =>
      page.locator('[data-testid=delivery-alerts] [data-alert="domain:clinic.test"]').textContent(),
    ).toMatch(
      /^Реклама по e-mail с домена clinic\.test остановлена: доля жалоб на спам 5\s%\. Жалобы на рассылки$/,
    );
    await signOut(page);

    await signIn(page, dash, 'owner');
    await setLanguage(page, 'en');
    await page.getByRole('navigation').getByRole('link', { name: 'Spam complaints' }).click();
    await poll(() => row.locator('[data-field=state]').textContent()).toMatch(/^advertising paused/);
    await row.getByRole('button', { name: 'Resume advertising from clinic.test' }).click();
    await poll(() => page.getByRole('status').textContent()).toBe(
      'Advertising from clinic.test is resumed. Earlier complaints no longer count; new ones will pause it again.',
    );
    await poll(() => row.getAttribute('data-state')).toBe('ok');
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Home');
    expect(await page.locator('[data-alert="domain:clinic.test"]').count()).toBe(0);
    await page.getByRole('navigation').getByRole('link', { name: 'Spam complaints' }).click();
    expect(await row.locator('[data-field=rate]').textContent()).toBe('0%');
    await screenshot(page, 'deliverability-en');
    const [d] = await dash.careloop.delivery.domains(staffScope(tenantId, 'auditor', 'registry.operations'));
    expect(d).toMatchObject({
      domain: 'clinic.test',
      state: 'ok',
      resumedBy: expect.stringMatching(/^staff:/),
    });
    await signOut(page);
  });
});
