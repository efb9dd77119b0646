import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.ts';
import { newId } from '../../src/kernel/index.ts';
import { testDatabase } from '../support/db.ts';

let db: Database;
const a = newId();
const b = newId();

beforeAll(async () => {
  db = await testDatabase();
  await db.system(async (tx) => {
    await tx
      .insertInto('tenants')
      .values([
        { tenant_id: a, slug: `a-${a.slice(-12)}`, name: 'A' },
        { tenant_id: b, slug: `b-${b.slice(-12)}`, name: 'B' },
      ])
      .execute();
    for (const t of [a, b]) {
      await tx
        .insertInto('branches')
        .values({
          tenant_id: t,
          id: newId(),
          code: 'main',
          name_ru: 'Главный',
          name_en: 'Main',
          time_zone: 'Europe/Moscow',
        })
        .execute();
    }
  });
});
afterAll(async () => db?.close());

describe('tenant isolation', () => {
  it("in tenant A's scope no query returns tenant B's rows", async () => {
    const rows = await db.tenant(a, (tx) => tx.selectFrom('branches').select('tenant_id').execute());
    expect(rows.length).toBe(1);
    expect(rows.every((r) => r.tenant_id === a)).toBe(true);
    const tenants = await db.tenant(a, (tx) => tx.selectFrom('tenants').select('tenant_id').execute());
    expect(tenants.map((t) => t.tenant_id)).toEqual([a]);
  });

  it('a filter naming the other tenant still finds nothing', async () => {
    const rows = await db.tenant(a, (tx) =>
      tx.selectFrom('branches').where('tenant_id', '=', b).selectAll().execute(),
    );
    expect(rows).toEqual([]);
  });

  it("a write into another tenant's rows is refused", async () => {
    await expect(
      db.tenant(a, (tx) =>
        tx
          .insertInto('branches')
          .values({ tenant_id: b, id: newId(), code: 'x', name_ru: 'x', name_en: 'x', time_zone: 'UTC' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('row-level security blocks a raw query with no tenant set', async () => {
    const rows = await db.tenant('00000000-0000-0000-0000-000000000000', (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM branches`.execute(tx),
    );
    expect(rows.rows[0]?.n).toBe(0);
    // Without any tenant: the application role sees nothing at all.
    const bare = await db.tenant(a, async (tx) => {
      await sql`SELECT set_config('careloop.tenant_id', '', true)`.execute(tx);
      return sql<{ n: number }>`SELECT count(*)::int AS n FROM branches`.execute(tx);
    });
    expect(bare.rows[0]?.n).toBe(0);
  });

  it('the system scope sees every tenant', async () => {
    const n = await db.system((tx) =>
      tx
        .selectFrom('branches')
        .where('tenant_id', 'in', [a, b])
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    expect(n.n).toBe(2);
  });
});
