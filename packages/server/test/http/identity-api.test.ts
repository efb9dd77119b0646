import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { type Seeded, seedIdentityTenant } from '../identity/fixtures/seed.ts';
import { plantOpenPairs } from '../support/candidates.ts';
import { testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

let careloop: Careloop;
let app: App;
let log: string[];
let seeded: Seeded & { tenant: Awaited<ReturnType<typeof seedIdentityTenant>>['tenant'] };
let other: Awaited<ReturnType<typeof seedIdentityTenant>>;
const s: Record<string, { cookie: string; csrf: string }> = {};
const ROLES = ['owner', 'front_desk', 'marketer', 'doctor'] as const;

beforeAll(async () => {
  careloop = await testCareloop();
  ({ app, log } = await appWithLog(careloop));
  seeded = await seedIdentityTenant(careloop, ROLES);
  other = await seedIdentityTenant(careloop, ['front_desk']);
  for (const role of ROLES) {
    s[role] = await signIn(app, seeded.tenant.users[role].email, seeded.tenant.users[role].password);
  }
  s.foreign = await signIn(app, other.tenant.users.front_desk.email, other.tenant.users.front_desk.password);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const h = (who: string) => ({ cookie: s[who]!.cookie, 'x-csrf-token': s[who]!.csrf });

interface Item {
  id: string;
  probability: number;
  evidence: { field: string; level: string; weight: number }[];
  a: { id: string; phone?: string; lastName: string };
  b: { id: string; phone?: string; lastName: string };
}

describe('identity resolution API', () => {
  it('runs resolution, lists the queue, merges, lists merges and unmerges; other tenants and roles are refused', async () => {
    const run = await app.inject({
      method: 'POST',
      url: '/api/identity/runs',
      headers: h('owner'),
      payload: { autoMerge: false },
    });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ mode: 'full', patients: 154, merged: 0 });

    const queue = await app.inject({
      method: 'GET',
      url: '/api/identity/candidates?limit=50',
      headers: h('front_desk'),
    });
    expect(queue.statusCode).toBe(200);
    const items = (queue.json() as { items: Item[] }).items;
    const item = items.find(
      (i) => [i.a.id, i.b.id].sort().join() === [seeded.anna, seeded.annaDup].sort().join(),
    )!;
    expect(item).toBeDefined();
    expect(item.a.phone).toMatch(/\*\*\*/);
    expect(item.evidence.length).toBeGreaterThan(3);

    // The marketer's purpose and role do not reach the registry: refused, and nothing leaks.
    const denied = await app.inject({
      method: 'GET',
      url: '/api/identity/candidates',
      headers: h('marketer'),
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.body).not.toContain('Семёнова');
    const doctorMerge = await app.inject({
      method: 'POST',
      url: `/api/identity/candidates/${item.id}/merge`,
      headers: h('doctor'),
      payload: {},
    });
    expect(doctorMerge.statusCode).toBe(403);
    // Another tenant's pair does not exist for this one.
    const foreign = await app.inject({
      method: 'POST',
      url: `/api/identity/candidates/${item.id}/merge`,
      headers: h('foreign'),
      payload: {},
    });
    expect(foreign.statusCode).toBe(404);

    const merged = await app.inject({
      method: 'POST',
      url: `/api/identity/candidates/${item.id}/merge`,
      headers: h('front_desk'),
      payload: { survivorId: seeded.anna },
    });
    expect(merged.statusCode).toBe(200);
    const m = merged.json() as { mergeId: string; survivorId: string; mergedId: string };
    expect(m).toMatchObject({ survivorId: seeded.anna, mergedId: seeded.annaDup });
    const again = await app.inject({
      method: 'POST',
      url: `/api/identity/candidates/${item.id}/merge`,
      headers: h('front_desk'),
      payload: {},
    });
    expect(again.statusCode).toBe(409);

    const merges = await app.inject({
      method: 'GET',
      url: `/api/identity/merges?patientId=${seeded.anna}`,
      headers: h('owner'),
    });
    expect(merges.statusCode).toBe(200);
    expect(merges.json()).toEqual([
      expect.objectContaining({ id: m.mergeId, method: 'manual', undoneAt: null }),
    ]);

    const foreignUndo = await app.inject({
      method: 'POST',
      url: `/api/identity/merges/${m.mergeId}/unmerge`,
      headers: h('foreign'),
    });
    expect(foreignUndo.statusCode).toBe(404);
    const undo = await app.inject({
      method: 'POST',
      url: `/api/identity/merges/${m.mergeId}/unmerge`,
      headers: h('owner'),
    });
    expect(undo.statusCode).toBe(200);
    expect(undo.json()).toMatchObject({
      mergeId: m.mergeId,
      survivorId: seeded.anna,
      mergedId: seeded.annaDup,
    });
    const card = await app.inject({
      method: 'GET',
      url: `/api/patients/${seeded.annaDup}`,
      headers: h('front_desk'),
    });
    expect(card.json()).toMatchObject({ status: 'active', mergedInto: null });

    // Undone means "not the same person": the pair is closed, and a new run does not propose it again.
    const reject = await app.inject({
      method: 'POST',
      url: `/api/identity/candidates/${item.id}/reject`,
      headers: h('front_desk'),
    });
    expect(reject.statusCode).toBe(409);
    await app.inject({
      method: 'POST',
      url: '/api/identity/runs',
      headers: h('owner'),
      payload: { autoMerge: false },
    });
    const after = await app.inject({
      method: 'GET',
      url: '/api/identity/candidates?limit=100',
      headers: h('owner'),
    });
    const pairs = (after.json() as { items: Item[] }).items.map((i) => [i.a.id, i.b.id].sort().join());
    expect(pairs).not.toContain([seeded.anna, seeded.annaDup].sort().join());
    // Nothing personal in the request log (R46).
    expect(log.join('\n')).not.toMatch(/Семёнова|СЕМЕНОВА|9160000001/);
  }, 120_000);

  it('pages the queue by cursor: `next` resumes after the last pair, a forged cursor is refused', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/identity/runs',
      headers: h('owner'),
      payload: { autoMerge: false },
    });
    // A few more open pairs among the background, so there are pages to turn.
    await plantOpenPairs(careloop, seeded.tenantId, { pairs: 5, probabilities: [0.5] });
    const all = await app.inject({
      method: 'GET',
      url: '/api/identity/candidates?limit=100',
      headers: h('owner'),
    });
    const everything = all.json() as { items: Item[]; total: number; next: string | null };
    expect(everything.total).toBeGreaterThanOrEqual(4);
    expect(everything.next).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/identity/candidates?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: h('owner'),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: Item[]; total: number; next: string | null };
      expect(body.total).toBe(everything.total);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.next;
      if (!cursor) break;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(seen).toEqual(everything.items.map((i) => i.id));
    for (const bad of ['not*base64', Buffer.from('[0.5,"x"]').toString('base64url')]) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/identity/candidates?cursor=${encodeURIComponent(bad)}`,
        headers: h('owner'),
      });
      expect(res.statusCode).toBe(400);
    }
  }, 120_000);
});
