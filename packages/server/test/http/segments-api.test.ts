import { SEGMENT_RULE_LIMITS } from '@careloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { type Catalogue, consentingPatient, loadPatients, makeCatalogue } from '../segments/fixture.ts';
import { createTestTenant, type TestTenant, testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

let careloop: Careloop;
let app: App;
let t: TestTenant;
let other: TestTenant;
let cat: Catalogue;
const s: Record<string, { cookie: string; csrf: string }> = {};
const ROLES = ['owner', 'marketer', 'front_desk', 'doctor', 'analyst', 'auditor'] as const;

const spec = consentingPatient;

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
      perturbed: false,
      healthBased: false,
      purpose: 'marketing.general',
    });
    const m = await app.inject({
      method: 'POST',
      url: '/api/segments/count',
      headers: h('marketer'),
      payload: body,
    });
    expect(m.json()).toMatchObject({ count: null, fewerThan: 11, perturbed: true });
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
    // R32: the marketer sees the snapshot's size as any count of 1…10: "fewer than 11".
    expect(snap.json()).toMatchObject({
      size: null,
      fewerThan: 11,
      perturbed: true,
      healthBased: true,
      segmentId: seg.id,
    });
    const ownSnap = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/snapshots`,
      headers: h('owner'),
    });
    expect(ownSnap.json()).toMatchObject({ size: 2, fewerThan: null, perturbed: false });
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

describe('editing and deleting saved segments', () => {
  const nested = (channel: 'sms' | 'email') => ({
    op: 'and',
    rules: [
      { op: 'city', in: ['Тверь'] },
      {
        op: 'or',
        rules: [
          { op: 'sex', is: 'female' },
          { op: 'age', min: 80 },
        ],
      },
      { op: 'not', rule: { op: 'preferred_channel', in: [channel] } },
    ],
  });
  const create = async (payload: Record<string, unknown>) => {
    const r = await app.inject({ method: 'POST', url: '/api/segments', headers: h('owner'), payload });
    expect(r.statusCode).toBe(201);
    return r.json() as { id: string; version: number };
  };
  const patch = (role: string, id: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'PATCH', url: `/api/segments/${id}`, headers: h(role), payload });
  const stored = (id: string) =>
    careloop.db.tenant(t.tenantId, (tx) =>
      tx.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst(),
    );
  const audited = (id: string) =>
    careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'purpose', 'details'])
        .where('subject_id', '=', id)
        .orderBy('seq')
        .execute(),
    );

  it('PATCH replaces a nested and/or/not rule, plans the purpose again (R6), clears the channel with null and audits the change', async () => {
    const seg = await create({
      name: 'Тверь, женщины',
      rule: nested('sms'),
      purpose: 'marketing.general',
      channel: 'email',
    });
    const owned = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/count`,
      headers: h('owner'),
    });
    expect(owned.json()).toMatchObject({ count: 2, healthBased: false });

    const visited = {
      op: 'and',
      rules: [
        nested('email'),
        {
          op: 'not',
          rule: { op: 'last_visit', specialtyId: cat.specialties[0], maxAgo: { n: 12, unit: 'months' } },
        },
      ],
    };
    const r = await patch('marketer', seg.id, { rule: visited, channel: null, version: 1 });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      version: 2,
      channel: null,
      healthBased: true,
      purpose: 'marketing.health',
      requestedPurpose: 'marketing.general',
      name: 'Тверь, женщины',
    });
    const row = await stored(seg.id);
    expect(row).toMatchObject({ rule: visited, channel: null, version: 2, health_based: true });
    // Both women prefer e-mail: "not e-mail" leaves nobody.
    const now = await app.inject({
      method: 'POST',
      url: `/api/segments/${seg.id}/count`,
      headers: h('owner'),
    });
    expect(now.json()).toMatchObject({ count: 0, healthBased: true });
    const log = await audited(seg.id);
    expect(log.find((e) => e.action === 'segment.updated')).toMatchObject({
      outcome: 'done',
      purpose: 'marketing.health',
      details: { version: 2, previousVersion: 1, healthBased: true },
    });
  });

  it('PATCH with a stale version is a 409 CONFLICT and changes nothing; a bad nested rule is a 400 naming its path', async () => {
    const seg = await create({ name: 'Версии', rule: nested('sms'), purpose: 'marketing.general' });
    expect((await patch('owner', seg.id, { name: 'Версии 2', version: 1 })).statusCode).toBe(200);
    const stale = await patch('marketer', seg.id, { name: 'Версии 3', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(await stored(seg.id)).toMatchObject({ name: 'Версии 2', version: 2 });

    const bad = await patch('owner', seg.id, {
      rule: { op: 'and', rules: [{ op: 'not', rule: { op: 'or', rules: [{ op: 'age', min: -1 }] } }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'SEGMENT_RULE_INVALID', details: [{ field: 'rule.rules[0].rule.rules[0].min' }] },
    });
    const unknown = await patch('owner', seg.id, { rule: nested('sms'), archived: true });
    expect(unknown.statusCode).toBe(400);
    expect(await stored(seg.id)).toMatchObject({ version: 2, rule: nested('sms') });
  });

  it('the parser takes rules as deep as SEGMENT_RULE_LIMITS.maxDepth and refuses one level more (the builder relies on it)', async () => {
    const deep = (levels: number): unknown =>
      levels === 0 ? { op: 'sex', is: 'female' } : { op: 'not', rule: deep(levels - 1) };
    const count = (rule: unknown) =>
      app.inject({
        method: 'POST',
        url: '/api/segments/count',
        headers: h('owner'),
        payload: { rule, purpose: 'marketing.general' },
      });
    expect((await count(deep(SEGMENT_RULE_LIMITS.maxDepth))).statusCode).toBe(200);
    const over = await count(deep(SEGMENT_RULE_LIMITS.maxDepth + 1));
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ error: { code: 'SEGMENT_RULE_INVALID' } });
  });

  it('R29/R30: the analyst may not change or delete a segment, another tenant sees a 404', async () => {
    const seg = await create({ name: 'Чужой', rule: nested('sms'), purpose: 'marketing.general' });
    expect((await patch('analyst', seg.id, { name: 'x' })).statusCode).toBe(403);
    expect((await patch('front_desk', seg.id, { name: 'x' })).statusCode).toBe(403);
    expect((await patch('foreign', seg.id, { name: 'x' })).statusCode).toBe(404);
    const del = (role: string) =>
      app.inject({ method: 'DELETE', url: `/api/segments/${seg.id}`, headers: h(role) });
    expect((await del('analyst')).statusCode).toBe(403);
    expect((await del('foreign')).statusCode).toBe(404);
    expect(await stored(seg.id)).toMatchObject({ name: 'Чужой', version: 1 });
    const noCsrf = await app.inject({
      method: 'DELETE',
      url: `/api/segments/${seg.id}`,
      headers: { cookie: s.owner!.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(await stored(seg.id)).toBeDefined();
  });

  it('DELETE removes an unused segment and audits it; one an audience was frozen from is a 409 and stays', async () => {
    const unused = await create({ name: 'Удаляемый', rule: nested('sms'), purpose: 'marketing.general' });
    const gone = await app.inject({
      method: 'DELETE',
      url: `/api/segments/${unused.id}`,
      headers: h('marketer'),
    });
    expect(gone.statusCode).toBe(204);
    expect(await stored(unused.id)).toBeUndefined();
    expect((await audited(unused.id)).map((e) => [e.action, e.outcome])).toContainEqual([
      'segment.deleted',
      'done',
    ]);
    const again = await app.inject({
      method: 'DELETE',
      url: `/api/segments/${unused.id}`,
      headers: h('marketer'),
    });
    expect(again.statusCode).toBe(404);

    const frozen = await create({ name: 'Со снимком', rule: nested('sms'), purpose: 'marketing.general' });
    const snap = await app.inject({
      method: 'POST',
      url: `/api/segments/${frozen.id}/snapshots`,
      headers: h('marketer'),
    });
    expect(snap.statusCode).toBe(201);
    const kept = await app.inject({
      method: 'DELETE',
      url: `/api/segments/${frozen.id}`,
      headers: h('marketer'),
    });
    expect(kept.statusCode).toBe(409);
    expect(kept.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(await stored(frozen.id)).toMatchObject({ name: 'Со снимком' });
  });
});
