import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { type Catalogue, loadPatients, makeCatalogue, type PatientSpec } from '../segments/fixture.ts';
import { createTestTenant, type TestTenant, testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

let careloop: Careloop;
let app: App;
let t: TestTenant;
let other: TestTenant;
let cat: Catalogue;
const s: Record<string, { cookie: string; csrf: string }> = {};
const ROLES = ['owner', 'marketer', 'front_desk', 'doctor', 'analyst', 'auditor'] as const;

const spec = (over: Partial<PatientSpec> = {}): PatientSpec => ({
  status: 'active',
  sex: 'female',
  birthYear: 1975,
  birthMd: 101,
  city: 'Тверь',
  branch: 0,
  language: 'ru',
  preferredChannel: 'email',
  preferredTime: null,
  visits: [],
  appointments: [],
  consents: ['pd.marketing', 'pd.marketing.health_based', 'ads.receive.email'].map((kind) => ({
    kind,
    status: 'granted' as const,
    expiresInDays: null,
  })),
  messagedDaysAgo: null,
  ...over,
});

beforeAll(async () => {
  careloop = await testCareloop();
  ({ app } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ROLES);
  other = await createTestTenant(careloop, ['owner']);
  cat = await makeCatalogue(careloop, t.tenantId);
  for (const role of ROLES) s[role] = await signIn(app, t.users[role].email, t.users[role].password);
  s.foreign = await signIn(app, other.users.owner.email, other.users.owner.password);
  await loadPatients(
    careloop,
    t.tenantId,
    cat,
    [spec(), spec(), spec({ sex: 'male' })],
    new Date('2026-11-23T09:00:00Z'),
  );
});
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const h = (role: string) => ({ cookie: s[role]!.cookie, 'x-csrf-token': s[role]!.csrf });
const women = {
  op: 'and',
  rules: [
    { op: 'city', in: ['Тверь'] },
    { op: 'sex', is: 'female' },
  ],
};

describe('segments API', () => {
  it('live count: exact for the owner, "fewer than 11" for a marketer, refused to the front desk', async () => {
    const body = { rule: women, purpose: 'marketing.general', channel: 'email' };
    const own = await app.inject({
      method: 'POST',
      url: '/api/segments/count',
      headers: h('owner'),
      payload: body,
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      count: 2,
      fewerThan: null,
      healthBased: false,
      purpose: 'marketing.general',
    });
    const m = await app.inject({
      method: 'POST',
      url: '/api/segments/count',
      headers: h('marketer'),
      payload: body,
    });
    expect(m.json()).toMatchObject({ count: null, fewerThan: 11 });
    const desk = await app.inject({
      method: 'POST',
      url: '/api/segments/count',
      headers: h('front_desk'),
      payload: body,
    });
    expect(desk.statusCode).toBe(403);
  });

  it('a bad rule is a 400 naming the field', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/segments/count',
      headers: h('marketer'),
      payload: { rule: { op: 'age', min: 'forty' }, purpose: 'marketing.general' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      error: { code: 'SEGMENT_RULE_INVALID', details: [{ field: 'rule.min' }] },
    });
  });

  it('R6/R30: a health-based saved segment is counted but its members are refused to the marketer and listed for the owner with a reason', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/segments',
      headers: h('marketer'),
      payload: {
        name: 'Маммография 40+',
        rule: {
          op: 'and',
          rules: [
            women,
            { op: 'age', min: 40 },
            { op: 'no_visit', serviceId: cat.services[0], within: { n: 12, unit: 'months' } },
          ],
        },
        purpose: 'marketing.general',
        channel: 'email',
      },
    });
    expect(created.statusCode).toBe(201);
    const seg = created.json() as { id: string; healthBased: boolean; purpose: string };
    expect(seg).toMatchObject({ healthBased: true, purpose: 'marketing.health' });
    const count = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/count`,
      headers: h('marketer'),
    });
    expect(count.json()).toMatchObject({
      fewerThan: 11,
      healthBased: true,
      consentKinds: ['pd.marketing', 'pd.marketing.health_based', 'ads.receive.email'],
    });
    const refused = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/members`,
      headers: { ...h('marketer'), 'x-access-reason': 'check' },
      payload: {},
    });
    expect(refused.statusCode).toBe(403);
    const noReason = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/members`,
      headers: h('owner'),
      payload: {},
    });
    expect(noReason.json()).toMatchObject({ error: { code: 'REASON_REQUIRED' } });
    const listed = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/members`,
      headers: h('owner'),
      payload: { reason: 'проверка аудитории' },
    });
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { patientIds: string[] }).patientIds).toHaveLength(2);
    const snap = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/snapshots`,
      headers: h('marketer'),
    });
    expect(snap.statusCode).toBe(201);
    expect(snap.json()).toMatchObject({ size: 2, healthBased: true, segmentId: seg.id });
    const list = await app.inject({ method: 'GET', url: '/api/segments', headers: h('analyst') });
    expect((list.json() as { id: string }[]).map((x) => x.id)).toContain(seg.id);
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/segments/${seg.id}`,
      headers: h('marketer'),
      payload: { name: 'Маммография 45+' },
    });
    expect(patched.json()).toMatchObject({ name: 'Маммография 45+', version: 2 });
  });

  it("R29: another tenant's segment is a 404", async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/segments',
      headers: h('owner'),
      payload: { name: 'Все', rule: { op: 'and', rules: [] }, purpose: 'marketing.general' },
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    const r = await app.inject({ method: 'GET', url: `/api/segments/${id}`, headers: h('foreign') });
    expect(r.statusCode).toBe(404);
  });
  it('lists the clinic specialties for the builder to the roles that segment, not to the front desk', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/segments/specialties', headers: h('marketer') });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { id: string; nameRu: string; sensitive: boolean }[];
    expect(list.map((x) => x.id).sort()).toEqual([...cat.specialties].sort());
    const foreign = await app.inject({
      method: 'GET',
      url: '/api/segments/specialties',
      headers: h('foreign'),
    });
    expect(foreign.json()).toEqual([]);
    const desk = await app.inject({
      method: 'GET',
      url: '/api/segments/specialties',
      headers: h('front_desk'),
    });
    expect(desk.statusCode).toBe(403);
  });
});
