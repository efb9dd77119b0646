import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { rebuildVisitStats } from '../../src/modules/analytics/index.ts';
import { mergePatients } from '../../src/modules/identity/index.ts';
import { makeCatalogue } from '../segments/fixture.ts';
import { createTestTenant, registerTestPatient, staffScope, testCareloop } from '../support/careloop.ts';

/**
 * The visits rollup (visit_month_stats) read by the home screen agrees with a direct
 * count over visits after every kind of write, and a rebuild reproduces it exactly.
 */

const clock = new ManualClock('2026-11-23T09:00:00Z');
let careloop: Careloop;
let tenantId: string;
let other: string;
let branches: readonly string[];
let patients: string[];

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  tenantId = (await createTestTenant(careloop)).tenantId;
  other = (await createTestTenant(careloop)).tenantId;
  branches = (await makeCatalogue(careloop, tenantId)).branches;
  await makeCatalogue(careloop, other);
  patients = [];
  for (let i = 0; i < 3; i++) patients.push(await registerTestPatient(careloop, tenantId));
}, 60_000);
afterAll(async () => careloop?.close());

type Cell = { month: string; branch_id: string; n: number };
const sorted = (rows: Cell[]) =>
  [...rows].sort((a, b) => `${a.month}${a.branch_id}`.localeCompare(`${b.month}${b.branch_id}`));

/** The rollup and a direct GROUP BY over visits, both as seen by the tenant (row-level security on). */
const both = (t = tenantId) =>
  careloop.db.tenant(t, async (tx) => ({
    rollup: sorted(
      (
        await sql<Cell>`
          SELECT to_char(month, 'YYYY-MM') AS month, branch_id, visits::int AS n
          FROM visit_month_stats`.execute(tx)
      ).rows,
    ),
    direct: sorted(
      (
        await sql<Cell>`
          SELECT to_char(visited_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, branch_id, count(*)::int AS n
          FROM visits GROUP BY 1, 2`.execute(tx)
      ).rows,
    ),
  }));

const expectAgreement = async (t = tenantId) => {
  const { rollup, direct } = await both(t);
  expect(rollup).toEqual(direct);
  return rollup;
};

const visit = (patient: string, branch: string, at: string) => ({
  tenant_id: tenantId,
  id: newId(),
  patient_id: patient,
  branch_id: branch,
  visited_at: new Date(at),
});

describe(`visits per month and branch (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  it('follows inserts, moved visits, merged patients and deletes, cell by cell', async () => {
    const [a, b] = branches as [string, string];
    const [p1, p2, p3] = patients as [string, string, string];
    // Month edges in UTC: 23:59 on 31 October UTC is October; 00:00 on 1 November is November.
    const rows = [
      visit(p1, a, '2026-10-31T23:59:59Z'),
      visit(p1, a, '2026-11-01T00:00:00Z'),
      visit(p2, a, '2026-11-15T10:00:00Z'),
      visit(p2, b, '2026-11-15T10:00:00Z'),
      visit(p3, b, '2025-12-01T08:00:00Z'),
      visit(p3, b, '2025-12-20T08:00:00Z'),
    ];
    await careloop.db.tenant(tenantId, (tx) => tx.insertInto('visits').values(rows).execute());
    expect(await expectAgreement()).toEqual(
      sorted([
        { month: '2025-12', branch_id: b, n: 2 },
        { month: '2026-10', branch_id: a, n: 1 },
        { month: '2026-11', branch_id: a, n: 2 },
        { month: '2026-11', branch_id: b, n: 1 },
      ]),
    );

    // One more visit, statement by statement.
    await careloop.db.tenant(tenantId, (tx) =>
      tx
        .insertInto('visits')
        .values(visit(p1, b, '2026-11-20T12:00:00Z'))
        .execute(),
    );
    await expectAgreement();

    // A visit moved to the other branch and another to the previous month, in one statement.
    await careloop.db.tenant(tenantId, (tx) =>
      tx
        .updateTable('visits')
        .set((eb) => ({
          branch_id: eb.case().when('id', '=', rows[2]!.id).then(b).else(eb.ref('branch_id')).end(),
          visited_at: eb
            .case()
            .when('id', '=', rows[1]!.id)
            .then(new Date('2026-10-02T09:00:00Z'))
            .else(eb.ref('visited_at'))
            .end(),
        }))
        .where('id', 'in', [rows[1]!.id, rows[2]!.id])
        .execute(),
    );
    const moved = await expectAgreement();
    expect(moved.find((c) => c.month === '2026-11' && c.branch_id === a)).toBeUndefined();
    expect(moved.find((c) => c.month === '2026-10' && c.branch_id === a)?.n).toBe(2);

    // A merge re-points the merged patient's visits: the same counts, cell by cell.
    const before = (await both()).rollup;
    const merged = await careloop.db.tenant(tenantId, async (tx) =>
      mergePatients(
        tx,
        await careloop.vault.forTenant(tx, tenantId),
        clock,
        staffScope(tenantId, 'owner', 'registry.operations'),
        { survivorId: p1, mergedId: p2, method: 'manual' },
      ),
    );
    expect(merged.moved.visits).toBe(2);
    expect(await expectAgreement()).toEqual(before);

    // Deletes: one visit, then a whole cell (its row goes rather than staying at zero).
    await careloop.db.tenant(tenantId, (tx) =>
      tx.deleteFrom('visits').where('id', '=', rows[0]!.id).execute(),
    );
    await expectAgreement();
    await careloop.db.tenant(tenantId, (tx) =>
      tx.deleteFrom('visits').where('patient_id', '=', p3).where('branch_id', '=', b).execute(),
    );
    const after = await expectAgreement();
    expect(after.some((c) => c.month === '2025-12')).toBe(false);
    expect(after.every((c) => c.n > 0)).toBe(true);
  });

  it('counts every one of many concurrent single-visit inserts into the same cell', async () => {
    const [, b] = branches as [string, string];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        careloop.db.tenant(tenantId, (tx) =>
          tx
            .insertInto('visits')
            .values(visit(patients[0]!, b, '2026-09-10T10:00:00Z'))
            .execute(),
        ),
      ),
    );
    const cells = await expectAgreement();
    expect(cells.find((c) => c.month === '2026-09' && c.branch_id === b)?.n).toBe(8);
  });

  it('keeps tenants apart and a rebuild after a trigger-less load gives the same cells', async () => {
    // Another tenant's visits never show in this tenant's rollup (row-level security).
    const o = await registerTestPatient(careloop, other);
    const otherBranch = await careloop.db.tenant(other, (tx) =>
      tx.selectFrom('branches').select('id').orderBy('code').executeTakeFirstOrThrow(),
    );
    await careloop.db.tenant(other, (tx) =>
      tx
        .insertInto('visits')
        .values({ ...visit(o, otherBranch.id, '2026-11-03T10:00:00Z'), tenant_id: other })
        .execute(),
    );
    expect((await expectAgreement(other)).map((c) => c.n)).toEqual([1]);
    const mine = await expectAgreement();
    expect(mine.some((c) => c.branch_id === otherBranch.id)).toBe(false);

    // A bulk load that skips triggers (as the demo generator's does) leaves the rollup behind…
    const [a] = branches as [string];
    const n = await careloop.db.bulkLoad(
      (copy) =>
        copy(
          'visits',
          ['tenant_id', 'id', 'patient_id', 'branch_id', 'visited_at'],
          Array.from({ length: 5 }, (_, i) => [
            tenantId,
            newId(),
            patients[0]!,
            a,
            `2026-0${i + 1}-05T10:00:00Z`,
          ]),
        ),
      { skipTriggers: true },
    );
    expect(n).toBe(5);
    const stale = await both();
    expect(stale.rollup).not.toEqual(stale.direct);
    // …and the rebuild recounts it, touching no other tenant.
    await rebuildVisitStats(careloop.db, tenantId);
    await expectAgreement();
    expect((await expectAgreement(other)).map((c) => c.n)).toEqual([1]);
    // Triggers carry on from the rebuilt counts.
    await careloop.db.tenant(tenantId, (tx) =>
      tx
        .insertInto('visits')
        .values(visit(patients[0]!, a, '2026-01-06T10:00:00Z'))
        .execute(),
    );
    expect((await expectAgreement()).find((c) => c.month === '2026-01' && c.branch_id === a)?.n).toBe(2);
  });
});
