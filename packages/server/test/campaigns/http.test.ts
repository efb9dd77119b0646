import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { appWithLog, signIn } from '../http/support.ts';
import { testCareloop } from '../support/careloop.ts';
import { type Clinic, demoClinic } from './support.ts';

const clock = new ManualClock('2026-11-23T09:00:00Z');
let careloop: Careloop;
let clinic: Clinic;
let app: App;
let log: string[];

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  clinic = await demoClinic(careloop, 400, 31);
  ({ app, log } = await appWithLog(careloop));
}, 240_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const login = async (role: 'marketer' | 'front_desk') => {
  const slug = await careloop.db.system((tx) =>
    tx
      .selectFrom('tenants')
      .select('slug')
      .where('tenant_id', '=', clinic.tenantId)
      .executeTakeFirstOrThrow(),
  );
  const who = role.replace('_', '-');
  return signIn(app, `${who}@${slug.slug}.careloop.local`, `demo-${who}-2026`);
};

describe('campaign API', () => {
  it('a marketer lists playbooks, switches recall on, previews, launches and reads results', async () => {
    const s = await login('marketer');
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const pbs = await app.inject({ method: 'GET', url: '/api/playbooks?lang=en', headers });
    expect(pbs.statusCode).toBe(200);
    expect((pbs.json() as { key: string }[]).map((p) => p.key)).toHaveLength(8);

    const created = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { playbook: 'recall', channel: 'sms', controlPct: 20, seed: 5 },
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/campaigns/${id}`,
      headers,
      payload: { params: { maxMonths: 7 }, attributionDays: 21 },
    });
    expect(patch.json()).toMatchObject({ params: { minMonths: 3, maxMonths: 7 }, attributionDays: 21 });
    const preview = await app.inject({ method: 'GET', url: `/api/campaigns/${id}/preview`, headers });
    expect(preview.statusCode).toBe(200);
    const launch = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/launch`, headers });
    expect(launch.statusCode).toBe(200);
    expect(launch.json()).toMatchObject({ created: true });
    // The marketer's preview is perturbed by its cell key (R32): within 2 of the exact launch.
    const shown = preview.json() as { count: number; perturbed: boolean };
    expect(shown.perturbed).toBe(true);
    expect(Math.abs(shown.count - (launch.json() as { eligible: number }).eligible)).toBeLessThanOrEqual(2);
    const results = await app.inject({ method: 'GET', url: `/api/campaigns/${id}/results`, headers });
    expect(results.statusCode).toBe(200);
    expect(results.json()).toMatchObject({ windowDays: 21, funnel: { messaged: 0 } });
    // Writes need the CSRF token.
    const noCsrf = await app.inject({
      method: 'POST',
      url: `/api/campaigns/${id}/launch`,
      headers: { cookie: s.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('the front desk may run reminders but not marketing playbooks, nor read results', async () => {
    const s = await login('front_desk');
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const reminder = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { playbook: 'reminder' },
    });
    expect(reminder.statusCode).toBe(201);
    const recall = await app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers,
      payload: { playbook: 'recall' },
    });
    expect(recall.statusCode).toBe(403);
    const id = (reminder.json() as { id: string }).id;
    expect(
      (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/results`, headers })).statusCode,
    ).toBe(403);
  });
});

describe('patient pages behind campaign links', () => {
  it('books an offered slot; a second patient offered the same slot is told it is taken', async () => {
    const c = await careloop.campaigns.create(clinic.scope('marketer'), {
      playbook: 'gap_fill',
      controlPct: 0,
      params: {
        horizonDays: 14,
        maxOccupancy: 0.6,
        slotsPerMessage: 2,
        recipientsPerSlot: 2,
        historyMonths: 36,
        offerHours: 48,
      },
    });
    await careloop.campaigns.launch(clinic.scope('marketer'), c.id);
    const rows = await careloop.db.tenant(clinic.tenantId, (tx) =>
      tx
        .selectFrom('campaign_members as m')
        .innerJoin('outbox_messages as o', (j) =>
          j.onRef('o.patient_id', '=', 'm.patient_id').onRef('o.campaign_id', '=', 'm.campaign_id'),
        )
        .select(['m.slot_ids', 'o.context'])
        .where('m.campaign_id', '=', c.id)
        .execute(),
    );
    const token = (ctx: unknown) =>
      (ctx as { links: { booking: string } }).links.booking.split('/').pop() ?? '';
    const bySlot = new Map<string, string[]>();
    for (const r of rows)
      for (const s of r.slot_ids) bySlot.set(s, [...(bySlot.get(s) ?? []), token(r.context)]);
    const [slot, [first, second]] = [...bySlot.entries()].find(([, ts]) => ts.length >= 2)! as [
      string,
      string[],
    ];

    const page = await app.inject({ method: 'GET', url: `/b/${first}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(slot);
    const ok = await app.inject({ method: 'POST', url: `/b/${first}`, payload: { slotId: slot } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/Вы записаны|You are booked/);
    const late = await app.inject({ method: 'POST', url: `/b/${second}`, payload: { slotId: slot } });
    expect(late.statusCode).toBe(409);
    expect(late.body).toMatch(/уже заняли|just taken/);
    expect((await app.inject({ method: 'GET', url: '/b/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).statusCode).toBe(
      404,
    );
    // Tokens never reach the log (R46).
    expect(log.join('\n')).not.toContain(first);
  });
});
