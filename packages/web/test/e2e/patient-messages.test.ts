import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffScope, systemScope } from '../../../server/test/support/careloop.ts';
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
let patientId: string;
const PATIENT = { lastName: 'Перепёлкина', firstName: 'Злата', phone: '+79167770022' };

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard({ patients: 300 }), openBrowser()]);
  // No consents at all: a marketing message to her is recorded as skipped, never sent (R7, R56).
  patientId = await dash.careloop.patients.register(systemScope(dash.demo.tenantId), {
    identity: { lastName: PATIENT.lastName, firstName: PATIENT.firstName, birthDate: '1985-03-02' },
    contact: { phone: PATIENT.phone },
    profile: { sex: 'female', language: 'ru', preferredChannel: 'sms' },
  });
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

describe('message history on the patient card', () => {
  it('R56: shows the empty state, then a skipped message with its reason in words, in Russian and English', async () => {
    const { page } = b;
    await signIn(page, dash, 'owner');
    await page.goto(`${dash.url}/patients/${patientId}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Карта пациента');
    const panel = page.locator('section[data-messages]');
    await expect.poll(() => panel.textContent()).toContain('Пациенту пока ничего не отправляли.');

    const r = await dash.careloop.delivery.enqueue(
      staffScope(dash.demo.tenantId, 'marketer', 'marketing.general'),
      [
        {
          patientId,
          purpose: 'marketing.general',
          campaignId: null,
          channel: 'sms',
          content: { templateId: 'recall-offer', version: 1 },
          occurrenceKey: 'recall:2026-11',
        },
      ],
    );
    expect(r.skipped).toBe(1);

    await page.reload();
    const row = panel.locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.first().getAttribute('data-message-state')).toBe('skipped');
    const cells = await row.first().locator('td').allTextContents();
    // Skipped at queue time, before a channel was resolved.
    expect(cells.slice(1)).toEqual([
      'не определён',
      'Маркетинг',
      'не отправлено',
      'нет согласия на эту цель и канал',
    ]);
    expect(cells[0]).toMatch(/\d/);
    await screenshot(page, 'patient-messages-ru');

    await setLanguage(page, 'en');
    await expect.poll(() => panel.locator('h2').textContent()).toBe('Message history');
    await expect
      .poll(async () => (await panel.locator('tbody tr td').allTextContents()).slice(1))
      .toEqual(['not resolved', 'Marketing', 'not sent', 'no consent for this purpose and channel']);
    await screenshot(page, 'patient-messages-en');
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, [PATIENT.lastName, PATIENT.firstName, PATIENT.phone, '9167770022']);
  });
});
