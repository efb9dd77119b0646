import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { enqueueMessages } from '../../src/modules/delivery/index.ts';
import { appWithLog, signIn } from '../http/support.ts';
import { createTestTenant, systemScope, testCareloop } from '../support/careloop.ts';
import { bulkPatients } from './support.ts';

const SECRET = 'webhook-secret-0123456789abcdef';
let careloop: Careloop;
let app: App;
let log: string[];
let tenantId: string;
let patientId: string;
const campaignId = newId();
const s: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  careloop = await testCareloop({ config: { delivery: { webhookSecret: SECRET } } });
  ({ app, log } = await appWithLog(careloop));
  const t = await createTestTenant(careloop, ['owner', 'front_desk', 'marketer']);
  tenantId = t.tenantId;
  for (const role of ['owner', 'front_desk', 'marketer'] as const)
    s[role] = await signIn(app, t.users[role].email, t.users[role].password);
  [patientId] = (await bulkPatients(careloop, tenantId, 1)) as [string];
  await careloop.db.tenant(tenantId, (tx) =>
    enqueueMessages(tx, systemScope(tenantId, 'marketing.general'), [
      {
        patientId,
        purpose: 'marketing.general',
        campaignId,
        channel: 'sms',
        content: { templateId: 'recall-offer', version: 1 },
        occurrenceKey: 'x',
      },
    ]),
  );
});
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

describe('delivery HTTP', () => {
  it('webhooks need the provider token; a receipt for an unknown message is acknowledged once, then as a duplicate (R54)', async () => {
    const url = `/webhooks/delivery/${tenantId}/sms/receipts`;
    const payload = { eventId: 'e-1', providerMessageId: 'nope', status: 'delivered' };
    expect((await app.inject({ method: 'POST', url, payload })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url,
          payload,
          headers: { 'x-careloop-webhook-token': 'x'.repeat(31) },
        })
      ).statusCode,
    ).toBe(401);
    const ok = await app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'x-careloop-webhook-token': SECRET },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: false, duplicate: false });
    const again = await app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'x-careloop-webhook-token': SECRET },
    });
    expect(again.json()).toEqual({ ok: false, duplicate: true });
  });

  it('inbound STOP through the webhook; free text goes to review (R8)', async () => {
    const url = `/webhooks/delivery/${tenantId}/sms/inbound`;
    const headers = { 'x-careloop-webhook-token': SECRET };
    const r = await app.inject({
      method: 'POST',
      url,
      headers,
      payload: { eventId: 'in-1', from: '+79990000000', text: 'STOP' },
    });
    expect(r.statusCode).toBe(200);
    // The bulk patient has no blind index rows: the sender is unknown, nothing else changes.
    expect(r.json()).toEqual({ action: 'unknown_sender', duplicate: false });
    const t = await app.inject({
      method: 'POST',
      url,
      headers,
      payload: { eventId: 'in-2', from: '+79990000000', text: 'кто это?' },
    });
    expect(t.json()).toEqual({ action: 'review', duplicate: false });
  });

  it('message history on the patient card and campaign stats, by role', async () => {
    const h = (role: string) => ({ cookie: s[role]?.cookie as string });
    const hist = await app.inject({
      method: 'GET',
      url: `/api/patients/${patientId}/messages`,
      headers: h('front_desk'),
    });
    expect(hist.statusCode).toBe(200);
    expect(hist.json()).toMatchObject([
      { purpose: 'marketing.general', channel: null, state: 'queued', skipReason: null, campaignId },
    ]);
    expect(hist.headers['cache-control']).toMatch(/no-store/);
    const stats = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaignId}/outbox-stats`,
      headers: h('marketer'),
    });
    expect(stats.json()).toMatchObject({ total: 1, byState: { queued: 1 } });
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/patients/${patientId}/messages`,
          headers: h('marketer'),
        })
      ).statusCode,
    ).toBe(403);
    expect(log.join('\n')).not.toContain('+7999');
  });
});
