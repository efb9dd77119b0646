import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/interfaces/http/app.ts';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { lastTwelveMonths, protectOverview, suppressSmallCounts } from '../../src/modules/analytics/index.ts';
import { type DemoSummary, demoCredentials } from '../../src/modules/demo/index.ts';
import { signIn } from '../http/support.ts';
import { testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let app: App;
let demo: DemoSummary;
let slug: string;
const clock = new ManualClock('2026-11-23T09:00:00Z');

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  slug = `demo-${newId().slice(-10)}`;
  demo = await careloop.demo.generate({ patients: 150, asOf: clock.now(), slug });
  app = await buildApp(careloop, { logger: false, webRoot: false });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const login = (role: string) => {
  const c = demoCredentials(slug).find((x) => x.role === role)!;
  return signIn(app, c.email, c.password);
};
const overview = async (role: string) => {
  const s = await login(role);
  return app.inject({ method: 'GET', url: '/api/overview', headers: { cookie: s.cookie } });
};

describe('home overview', () => {
  it('gives the owner exact figures that match the tables', async () => {
    const res = await overview('owner');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const o = res.json();
    const direct = await careloop.db.tenant(demo.tenantId, async (tx) => {
      const n = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(tx)).rows[0]!.n;
      return {
        patients: await n(sql`SELECT count(*)::int n FROM patients WHERE status = 'active'`),
        upcoming: await n(
          sql`SELECT count(*)::int n FROM appointments WHERE status = 'booked' AND starts_at >= ${clock.now()}`,
        ),
        visits: await n(
          sql`SELECT count(*)::int n FROM visits WHERE visited_at >= '2025-12-01T00:00:00Z' AND visited_at < ${clock.now()}`,
        ),
        // What the home screen computed before it read the rollup: a scan of visits.
        byMonth: (
          await sql<{ month: string; branchId: string; visits: number }>`
            SELECT to_char(date_trunc('month', visited_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
                   branch_id AS "branchId", count(*)::int AS visits
            FROM visits WHERE visited_at >= '2025-12-01T00:00:00Z' AND visited_at < ${clock.now()}
            GROUP BY 1, 2`.execute(tx)
        ).rows,
      };
    });
    expect(o).toMatchObject({
      suppressed: false,
      patients: direct.patients,
      upcomingAppointments: direct.upcoming,
      visitsLast12Months: direct.visits,
    });
    expect(o.months).toEqual(lastTwelveMonths(clock.now()));
    expect(o.months[0]).toBe('2025-12');
    expect(o.months[11]).toBe('2026-11');
    expect(o.branches).toHaveLength(2);
    // Every month × branch cell is present and they add up to the 12-month total.
    expect(o.visitsByMonth).toHaveLength(24);
    expect(o.visitsByMonth.reduce((a: number, c: { visits: number }) => a + c.visits, 0)).toBe(direct.visits);
    // The rollup gives the demo exactly the figures the scan of visits gave, cell by cell.
    expect(direct.visits).toBeGreaterThan(0);
    expect(o.visitsByMonth.filter((c: { visits: number }) => c.visits > 0)).toEqual(
      expect.arrayContaining(direct.byMonth),
    );
    expect(o.visitsByMonth.filter((c: { visits: number }) => c.visits > 0)).toHaveLength(
      direct.byMonth.length,
    );
    expect(o.consents.length).toBeGreaterThan(0);
  });

  it('R32: suppresses counts of 1 to 10 and perturbs counts of patients for the marketer; refuses roles without aggregate rights', async () => {
    const m = (await overview('marketer')).json();
    expect(m.suppressed).toBe(true);
    const counts = [
      m.patients,
      m.visitsLast12Months,
      m.upcomingAppointments,
      ...m.consents.map((c: { patients: number | null }) => c.patients),
      ...m.visitsByMonth.map((c: { visits: number | null }) => c.visits),
    ];
    for (const c of counts) if (c !== null) expect(c === 0 || c >= 11).toBe(true);
    // Counts of patients are perturbed by their cell keys (R32): within 2 of the owner's figures,
    // the same on every call.
    expect(m.perturbed).toBe(true);
    const o = (await overview('owner')).json();
    expect(o.perturbed).toBe(false);
    expect(Math.abs(m.patients - o.patients)).toBeLessThanOrEqual(2);
    expect(m.consents.map((c: { kind: string }) => c.kind)).toEqual(
      o.consents.map((c: { kind: string }) => c.kind),
    );
    for (const [i, c] of (o.consents as { patients: number }[]).entries()) {
      const shown = m.consents[i].patients as number | null;
      if (c.patients < 11) expect(shown).toBeNull();
      else expect(Math.abs(shown! - c.patients)).toBeLessThanOrEqual(2);
    }
    expect((await overview('marketer')).json()).toEqual(m);
    // The 12-month total is the sum of the cells as shown: no suppressed cell can be subtracted back.
    expect(m.visitsLast12Months).toBe(
      m.visitsByMonth.reduce((a: number, c: { visits: number | null }) => a + (c.visits ?? 0), 0),
    );
    expect((await overview('front_desk')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/overview' })).statusCode).toBe(401);
  });

  it('suppression keeps zeros and counts from 11, hides 1…10', () => {
    const f = suppressSmallCounts({
      asOf: new Date(),
      patients: 10,
      visitsLast12Months: 11,
      upcomingAppointments: 0,
      consents: [{ kind: 'pd.marketing', patients: 1 }],
      branches: [],
      months: [],
      visitsByMonth: [{ month: '2026-01', branchId: 'b', visits: 5 }],
    });
    expect(f).toMatchObject({
      patients: null,
      visitsLast12Months: 11,
      upcomingAppointments: 0,
      consents: [{ patients: null }],
      visitsByMonth: [{ visits: null }],
    });
  });

  it('R32: the perturbed overview lets no suppressed cell be derived from the total', () => {
    const f = {
      asOf: new Date(),
      patients: 500,
      visitsLast12Months: 120 + 4 + 50,
      upcomingAppointments: 3,
      consents: [
        { kind: 'pd.marketing', patients: 7 },
        { kind: 'ads.receive.sms', patients: 300 },
      ],
      branches: [],
      months: [],
      visitsByMonth: [
        { month: '2026-01', branchId: 'a', visits: 120 },
        { month: '2026-01', branchId: 'b', visits: 4 },
        { month: '2026-02', branchId: 'a', visits: 50 },
      ],
    };
    const p = protectOverview(f, {
      patients: 0,
      consents: new Map([
        ['pd.marketing', 1],
        ['ads.receive.sms', 2 ** 30],
      ]),
    });
    expect(p.visitsByMonth.map((c) => c.visits)).toEqual([120, null, 50]);
    // With the exact total (174) the hidden cell would be 174 − 120 − 50 = 4.
    expect(p.visitsLast12Months).toBe(170);
    expect(p.upcomingAppointments).toBeNull();
    expect(p.consents[0]!.patients).toBeNull();
    expect(Math.abs(p.consents[1]!.patients! - 300)).toBeLessThanOrEqual(2);
    expect(Math.abs(p.patients! - 500)).toBeLessThanOrEqual(2);
  });
});
