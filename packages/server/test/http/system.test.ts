import { readFileSync } from 'node:fs';
import { ERROR_CODES, ERRORS } from '@careloop/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { testCareloop } from '../support/careloop.ts';
import { appWithLog } from './support.ts';

let careloop: Careloop;
let app: App;

beforeAll(async () => {
  careloop = await testCareloop();
  ({ app } = await appWithLog(careloop));
});
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

describe('system endpoints', () => {
  it('answers /health and /ready', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, database: 'ok', pendingMigrations: [] });
  });

  it('answers unknown routes with the catalogue body and a request id', async () => {
    const res = await app.inject('/api/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      error: { code: 'NOT_FOUND', retryable: false, requestId: res.headers['x-request-id'] },
    });
  });

  it('publishes an OpenAPI document and a browsable reference at /docs', async () => {
    const doc = (await app.inject('/docs/json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/ready', '/api/auth/login', '/api/auth/session']),
    );
    const ui = await app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('sends security headers', async () => {
    const res = await app.inject('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('error-code catalogue', () => {
  it('docs/errors.md lists exactly the codes of the catalogue, with their statuses', () => {
    const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(rows.map((r) => r[0]).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, status] of rows) expect(status).toBe(ERRORS[code as keyof typeof ERRORS].status);
  });
});
