import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, deferred, prepared } from '../../src/db/index.ts';
import { newId } from '../../src/kernel/index.ts';
import { testDatabase } from '../support/db.ts';

// The session driver (db/driver.ts) sends BEGIN and the tenant settings with the first
// statement, and deferred statements with the next one or the COMMIT. These pin down
// that the transaction means what it meant when every statement went out on its own.

let db: Database;
const t = newId();

const branchCount = (tx: Parameters<Parameters<Database['tenant']>[1]>[0]) =>
  tx
    .selectFrom('branches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

const addBranch = (code: string) =>
  sql`INSERT INTO branches (tenant_id, id, code, name_ru, name_en, time_zone)
      VALUES (${t}, ${newId()}, ${code}, ${code}, ${code}, 'UTC')`;

beforeAll(async () => {
  db = await testDatabase();
  await db.system((tx) =>
    tx
      .insertInto('tenants')
      .values({ tenant_id: t, slug: `s-${t.slice(-12)}`, name: 'S' })
      .execute(),
  );
});
afterAll(async () => db?.close());

describe('transactions on the session driver', () => {
  it('the first statement already runs as the application role, in the tenant', async () => {
    const row = await db.tenant(t, async (tx) => {
      const r = await sql<{ tenant: string; role: string }>`
        SELECT current_setting('careloop.tenant_id') AS tenant, current_user AS role`.execute(tx);
      return r.rows[0]!;
    });
    expect(row.tenant).toBe(t);
    expect(row.role).toBe('careloop_app');
    // Inside a transaction begun before this statement: now() is the transaction's start, not the statement's.
    const later = await db.tenant(t, async (tx) => {
      await sql`SELECT pg_sleep(0.01)`.execute(tx);
      return (await sql<{ open: boolean }>`SELECT now() < statement_timestamp() AS open`.execute(tx)).rows[0]!
        .open;
    });
    expect(later).toBe(true);
  });

  it('a transaction that runs nothing leaves no settings behind', async () => {
    expect(await db.tenant(t, async () => 'nothing')).toBe('nothing');
    const setting = await db.system(async (tx) => {
      const r = await sql<{
        s: string | null;
      }>`SELECT current_setting('careloop.tenant_id', true) AS s`.execute(tx);
      return r.rows[0]!.s;
    });
    expect(setting ?? '').toBe('');
  });

  it('a deferred statement runs before the statement after it, inside the transaction', async () => {
    const [before, after] = await db.tenant(t, async (tx) => {
      const n = await branchCount(tx);
      await tx.executeQuery(deferred(addBranch(`d-${newId().slice(-8)}`).compile(tx)));
      return [n, await branchCount(tx)];
    });
    expect(after).toBe(before + 1);
  });

  it('a deferred statement that fails fails its transaction, and the commit says why', async () => {
    const before = await db.tenant(t, branchCount);
    await expect(
      db.tenant(t, async (tx) => {
        await addBranch(`e-${newId().slice(-8)}`).execute(tx);
        await tx.executeQuery(deferred(sql`SELECT 1 / 0`.compile(tx)));
        return 'committed?';
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await db.tenant(t, branchCount)).toBe(before);
  });

  it('a deferred statement that fails is reported by the next statement, not as an aborted transaction', async () => {
    await expect(
      db.tenant(t, async (tx) => {
        await tx.executeQuery(deferred(sql`SELECT 1 / 0`.compile(tx)));
        await sql`SELECT 1`.execute(tx);
      }),
    ).rejects.toThrow(/division by zero/);
  });

  it('an error swallowed inside the transaction still keeps it from committing', async () => {
    const before = await db.tenant(t, branchCount);
    await expect(
      db.tenant(t, async (tx) => {
        await addBranch(`f-${newId().slice(-8)}`).execute(tx);
        await sql`SELECT 1 / 0`.execute(tx).catch(() => undefined);
      }),
    ).rejects.toThrow();
    expect(await db.tenant(t, branchCount)).toBe(before);
  });

  it('a failed first statement leaves the session usable', async () => {
    await expect(db.tenant(t, (tx) => sql`SELECT 1 / 0`.execute(tx))).rejects.toThrow(/division by zero/);
    expect(await db.tenant(t, branchCount)).toBeGreaterThan(0);
  });

  it('a prepared statement is parsed once per session and answers like any other', async () => {
    const { names, values } = await db.tenant(t, async (tx) => {
      const q = prepared(sql<{ x: number }>`SELECT ${41}::int + 1 AS x`.compile(tx));
      const first = (await tx.executeQuery(q)).rows[0]!.x;
      const second = (await tx.executeQuery<{ x: number }>({ ...q, parameters: [1] })).rows[0]!.x;
      const r = await sql<{ name: string }>`
        SELECT name FROM pg_prepared_statements WHERE statement LIKE '%SELECT $1::int + 1 AS x%'`.execute(tx);
      return { names: r.rows.map((x) => x.name), values: [first, second] };
    });
    expect(values).toEqual([42, 2]);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^careloop_/);
  });
});
