import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { createTestTenant, type TestTenant, testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

let careloop: Careloop;
let app: App;
let log: string[];
let t: TestTenant;
const clock = new ManualClock('2026-11-23T09:00:00Z');

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  ({ app, log } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ['owner', 'marketer', 'analyst']);
});
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

describe('staff sign-in', () => {
  it('signs in with an HttpOnly, SameSite=Strict session cookie and reports the session', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: t.users.marketer.email.toUpperCase(), password: t.users.marketer.password },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'careloop_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(res.json()).toMatchObject({
      role: 'marketer',
      tenantId: t.tenantId,
      email: t.users.marketer.email,
    });
    const session = await app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: `careloop_session=${cookie?.value}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ role: 'marketer', userId: t.users.marketer.id });
    expect(session.headers['cache-control']).toBe('no-store');
  });

  it('refuses a wrong password and an unknown e-mail alike', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: t.users.owner.email, password: 'nope-nope-nope' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.test', password: 'nope-nope-nope' },
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS', retryable: false } });
      expect(res.cookies).toHaveLength(0);
    }
  });

  it('answers 401 without a session and after sign-out', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/auth/session' })).json()).toMatchObject({
      error: { code: 'UNAUTHENTICATED' },
    });
    const s = await signIn(app, t.users.analyst.email, t.users.analyst.password);
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.statusCode).toBe(200);
    expect(out.headers['clear-site-data']).toContain('storage');
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('refuses a cookie-authenticated write without the session CSRF token', async () => {
    const s = await signIn(app, t.users.analyst.email, t.users.analyst.password);
    const none = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: s.cookie } });
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ error: { code: 'CSRF_INVALID' } });
    const forged = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(32) },
    });
    expect(forged.statusCode).toBe(403);
    // The session survived both attempts.
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(200);
  });

  it('R39: signs out after 15 idle minutes', async () => {
    const s = await signIn(app, t.users.owner.email, t.users.owner.password);
    clock.advance(14 * 60_000);
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(200);
    clock.advance(14 * 60_000); // active 14 minutes ago: still in
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(200);
    clock.advance(16 * 60_000);
    expect(
      (await app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('rate-limits password guessing per address and account', async () => {
    const attempt = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: t.users.owner.email, password: 'guess-guess-guess' },
        remoteAddress: '10.9.9.9',
      });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await attempt()).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
    const limited = await attempt();
    expect(limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', retryable: true } });
    // Another address is not affected.
    const other = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: t.users.owner.email, password: t.users.owner.password },
      remoteAddress: '10.9.9.10',
    });
    expect(other.statusCode).toBe(200);
  });

  it('validates the body and names the field without echoing values', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'x@y.z', pasword: 'secret-value-123' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { field: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.field).join(' ')).toMatch(/password|pasword/);
    expect(res.body).not.toContain('secret-value-123');
  });

  it('R46: the log carries ids but never e-mails, passwords or cookies', async () => {
    const joined = log.join('');
    expect(joined).toContain('"requestId"');
    expect(joined).toContain(t.tenantId);
    expect(joined).not.toMatch(/@example\.test/);
    expect(joined).not.toContain(t.users.owner.password);
    expect(joined).not.toContain('careloop_session=');
  });
});
