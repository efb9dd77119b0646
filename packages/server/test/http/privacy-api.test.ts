import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { DEFAULT_TEMPLATES } from '../../src/modules/consent/index.ts';
import { createTestTenant, registerTestPatient, type TestTenant, testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

let careloop: Careloop;
let app: App;
let log: string[];
let t: TestTenant;
let other: TestTenant;
let patientId: string;
let foreignId: string;
const s: Record<string, { cookie: string; csrf: string }> = {};

beforeAll(async () => {
  careloop = await testCareloop();
  ({ app, log } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ['owner', 'marketer', 'front_desk', 'doctor', 'analyst', 'auditor']);
  other = await createTestTenant(careloop, ['owner']);
  patientId = await registerTestPatient(careloop, t.tenantId);
  foreignId = await registerTestPatient(careloop, other.tenantId);
  for (const role of ['owner', 'marketer', 'front_desk', 'doctor', 'analyst', 'auditor'] as const) {
    s[role] = await signIn(app, t.users[role].email, t.users[role].password);
  }
  for (const tpl of DEFAULT_TEMPLATES.filter(
    (x) => !x.kind.includes('health') && x.kind !== 'pd.distribution',
  )) {
    const d = await app.inject({
      method: 'POST',
      url: '/api/consent-documents',
      headers: h('owner'),
      payload: tpl,
    });
    await app.inject({
      method: 'POST',
      url: `/api/consent-documents/${(d.json() as { id: string }).id}/publish`,
      headers: h('owner'),
    });
  }
});
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const h = (role: string) => ({ cookie: s[role]!.cookie, 'x-csrf-token': s[role]!.csrf });

describe('patient API under the policy', () => {
  it('R30/R31: each role gets exactly its classes; marketers and analysts read no individual cards', async () => {
    const card = async (role: string, query = '') =>
      app.inject({ method: 'GET', url: `/api/patients/${patientId}${query}`, headers: h(role) });
    expect((await card('marketer')).json()).toMatchObject({ error: { code: 'ROLE_NOT_PERMITTED' } });
    expect((await card('marketer', '?purpose=registry.operations')).statusCode).toBe(403);
    const doctor = (await card('doctor')).json() as { classes: string[] };
    expect(doctor.classes).toEqual([
      'clinical',
      'contact',
      'demographic',
      'identity',
      'preference',
      'visit_clinical',
      'visit_timing',
    ]);
    const desk = await card('front_desk');
    expect(desk.headers['cache-control']).toBe('no-store');
    expect((desk.json() as { contact: { phone: string } }).contact.phone).toContain('***');
    expect((await card('analyst')).statusCode).toBe(403);
  });

  it("R29: another tenant's patient answers 404, not 403", async () => {
    for (const role of ['owner', 'front_desk', 'auditor']) {
      const res = await app.inject({ method: 'GET', url: `/api/patients/${foreignId}`, headers: h(role) });
      expect(res.statusCode).toBe(404);
    }
  });

  it('R38/R46: search terms travel in the body and never reach the log', async () => {
    const card = (
      await app.inject({
        method: 'GET',
        url: `/api/patients/${patientId}?reveal=phone`,
        headers: h('front_desk'),
      })
    ).json() as {
      contact: { phone: string; email: string };
    };
    const phone = card.contact.phone;
    const found = await app.inject({
      method: 'POST',
      url: '/api/patients/search',
      headers: h('front_desk'),
      payload: { phone },
    });
    expect((found.json() as { id: string }[]).map((p) => p.id)).toEqual([patientId]);
    const joined = log.join('');
    expect(joined).not.toContain(phone);
    expect(joined).not.toContain(phone.slice(2));
    expect(joined).not.toContain('Семёнова');
    expect(joined).not.toMatch(/anna\d+@mail\.ru/);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/patients/search',
          headers: h('marketer'),
          payload: { name: 'Семёнова' },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('R42: the security journal exists only for the auditor and the owner', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/audit', headers: h('marketer') })).statusCode).toBe(
      404,
    );
    expect(
      (await app.inject({ method: 'GET', url: '/api/audit', headers: h('front_desk') })).statusCode,
    ).toBe(404);
    const entries = (
      await app.inject({ method: 'GET', url: `/api/audit?subjectId=${patientId}`, headers: h('auditor') })
    ).json() as { action: string }[];
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['patient.read', 'patient.reveal']));
    expect(
      (await app.inject({ method: 'GET', url: '/api/audit/verify', headers: h('auditor') })).json(),
    ).toMatchObject({ ok: true });
  });

  it('R45: a failure inside a read answers a generic 500 without stack or SQL', async () => {
    const victim = await registerTestPatient(careloop, t.tenantId);
    await careloop.db.system((tx) =>
      sql`UPDATE patients SET key_wrapped = '\\x0102'::bytea WHERE id = ${victim}`.execute(tx),
    );
    const res = await app.inject({ method: 'GET', url: `/api/patients/${victim}`, headers: h('front_desk') });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side.' },
    });
    expect(res.body).not.toMatch(/at |SELECT|ciphertext|stack/i);
  });
});

describe('patient pages behind links', () => {
  async function link(purpose: 'preferences' | 'unsubscribe'): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: `/api/patients/${patientId}/links`,
      headers: h('front_desk'),
      payload: { purpose },
    });
    expect(res.statusCode).toBe(201);
    return new URL((res.json() as { url: string }).url).pathname;
  }

  it('R4/R8: the page shows consents in plain words; granting and withdrawing are one tap each', async () => {
    const path = await link('preferences');
    const before = await app.inject({ method: 'GET', url: path });
    expect(before.statusCode).toBe(200);
    expect(before.headers['cache-control']).toBe('no-store');
    expect(before.body).toContain('Здравствуйте, Анна!');
    expect(before.body).toContain('Получать предложения по SMS');
    expect(before.body).not.toContain('Семёнова');
    const grant = await app.inject({
      method: 'POST',
      url: `${path}/consents`,
      payload: 'kind=ads.receive.sms&action=grant',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Test' },
    });
    expect(grant.statusCode).toBe(303);
    const desk = () =>
      careloop.consents.current(
        { tenantId: t.tenantId, actor: { kind: 'system', name: 'test' }, purpose: 'registry.operations' },
        patientId,
      );
    expect((await desk()).find((c) => c.kind === 'ads.receive.sms')?.active).toBe(true);
    const withdraw = await app.inject({
      method: 'POST',
      url: `${path}/consents`,
      payload: 'kind=ads.receive.sms&action=withdraw',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(withdraw.statusCode).toBe(303);
    expect((await desk()).find((c) => c.kind === 'ads.receive.sms')?.active).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/p/not-a-real-token-at-all-000' })).statusCode).toBe(404);
  });

  it('R18: GET only shows the unsubscribe confirmation; POST unsubscribes with one click, idempotently', async () => {
    const prefs = await link('preferences');
    await app.inject({
      method: 'POST',
      url: `${prefs}/consents`,
      payload: 'kind=ads.receive.email&action=grant',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Test' },
    });
    const path = await link('unsubscribe');
    const emailActive = async () =>
      (
        await careloop.consents.current(
          { tenantId: t.tenantId, actor: { kind: 'system', name: 'test' }, purpose: 'registry.operations' },
          patientId,
        )
      ).find((c) => c.kind === 'ads.receive.email')?.active;
    expect(await emailActive()).toBe(true);
    const get = await app.inject({ method: 'GET', url: path });
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('<form');
    expect(await emailActive()).toBe(true);
    const one = {
      method: 'POST' as const,
      url: path,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
    const first = await app.inject(one);
    expect(first.statusCode).toBe(200);
    expect(first.cookies).toHaveLength(0);
    expect(await emailActive()).toBe(false);
    expect((await app.inject(one)).statusCode).toBe(200);
    // A preference link is not an unsubscribe link.
    expect((await app.inject({ ...one, url: prefs.replace('/p/', '/u/') })).statusCode).toBe(404);
  });
});

describe('data-subject requests over the API', () => {
  it('logs a request at the desk, exports for the officer as a page, and erases only when confirmed', async () => {
    const p = await registerTestPatient(careloop, t.tenantId);
    const open = await app.inject({
      method: 'POST',
      url: '/api/subject-requests',
      headers: h('front_desk'),
      payload: { patientId: p, kind: 'access', receivedVia: 'front_desk' },
    });
    expect(open.statusCode).toBe(201);
    expect(
      (await app.inject({ method: 'GET', url: '/api/subject-requests', headers: h('front_desk') }))
        .statusCode,
    ).toBe(403);
    const list = (
      await app.inject({ method: 'GET', url: '/api/subject-requests?status=open', headers: h('auditor') })
    ).json() as { id: string }[];
    expect(list.map((r) => r.id)).toContain((open.json() as { id: string }).id);
    const page = await app.inject({
      method: 'POST',
      url: `/api/patients/${p}/export`,
      headers: h('auditor'),
      payload: { format: 'html', requestId: (open.json() as { id: string }).id },
    });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Семёнова');
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/patients/${p}/erase`,
          headers: h('auditor'),
          payload: {},
        })
      ).statusCode,
    ).toBe(400);
    const erased = await app.inject({
      method: 'POST',
      url: `/api/patients/${p}/erase`,
      headers: h('auditor'),
      payload: { confirm: true },
    });
    expect(erased.json()).toMatchObject({ patientId: p, removed: { blindIndexEntries: expect.any(Number) } });
  });
});
