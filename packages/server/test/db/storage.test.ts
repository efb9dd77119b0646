import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryTuples, type Database, migrations } from '../../src/db/index.ts';
import { newId } from '../../src/kernel/index.ts';
import { testDatabase } from '../support/db.ts';

let db: Database;
const tenant = newId();

beforeAll(async () => {
  db = await testDatabase();
  await db.system((tx) =>
    tx
      .insertInto('tenants')
      .values({ tenant_id: tenant, slug: `s-${tenant.slice(-12)}`, name: 'S' })
      .execute(),
  );
});
afterAll(async () => db?.close());

const FROZEN_MIGRATIONS: Record<string, string> = {
  '2026-11-23T1200_foundation': '437107bc1ef2ec9760e5113445580c219190e53be9da1c975d06f448a35aa6df',
  '2026-11-23T1300_audit_log': 'a6f2d3613fb49e62999068905830ad14c9566c0c0662f5356721891dc7566c61',
  '2026-11-23T1400_consent_ledger': '66b5a8d21750da3abef0df1717613f00e2c43b0f9ffa12d1c99c3878cca9f1fb',
  '2026-11-23T1500_subject_rights': '23b85f7c2fa48ff2a7c7a236b7fb99ce5ca51732352bcf6389a2cb6bad9d010c',
  '2026-11-23T1600_imports': '3480911080cc529dfc707cb20a02cd147278771953e5dc8df0ef0c33fade1eb2',
  '2026-11-24T0800_identity': '1c341f2273764ed261cc5d4792b9cfeff43de1c6976e63eeb33735324e916d9f',
  '2026-11-24T0900_segments': 'a95cbfb21a118e4ed1e9aeddf6b0a6c912e9d8ce0e68c210f44b0dff08795835',
  '2026-11-24T1000_delivery': '8c061530336cb91cdc9ebd5507e1df75745d5ed7209a07db148e6d1f56f45158',
  '2026-11-24T1100_content': 'baa7ef691cac1e690e9cd60e9e74e591d004603b6602eed6789e6835519a0875',
  '2026-11-24T1150_worklist': '2a1e37930f09c9de9413fea5254093eb734ba8508884afa3645904227939bf4a',
  '2026-11-24T1200_campaigns': 'b19d9accf5306f32ff370a5055a3a3715012429df27cc59881082f82b274ff60',
  '2026-12-02T1900_segment_count_indexes': '9c1dfab1f0319b36131e8c4fae74341845afe62058544e20730ba48eb82acedd',
  '2026-12-02T1930_visit_month_stats': 'fd2a1615e4ca47cf3ebbd0e77f8cbdca576452757dd085298b5d9d0bf031f60d',
  '2026-12-02T1940_free_slots_by_branch': 'c77497edaa3b17e4df5791169c43e8e2a7df12240b3b6992881b9ee6a96c740e',
  '2026-12-02T2100_inbound_review': '8b3de8a7db561671d91e3688b64c92f472eb08a4333346abb6b58d7cd197d721',
  '2026-12-03T0900_record_keys': 'de5667e9a03c9c0f88d7548d5a23f8e2d8b625ad8341687c9616a9660e8bc092',
  '2026-12-03T1700_import_indexes': '1ef239b29aea1da6cace999a9970067a8cdf70fc9d4d1c1dec847afc4cf6c2be',
  '2026-12-04T1900_lookup_probe': '8f6a0da9f11bf644af12bacc61f1f20af75bd3c8c8e30f804d71d61a4ea7fcc1',
  '2026-12-04T2200_processors': 'fe98a87b2d9090f763d08592039095fbae11ca905cf700a6335e3c9756466b98',
  '2026-12-04T2300_sending_domains': '3bce3721b9bc821a080d92bebdd7b9acfa9d1e9c1453f9e681fc2ef4501ad018',
  '2026-12-04T2330_incidents': '33b134153a968693f2a1b33511604753965baf8fe8b28fbdcb648f34072bf6ae',
};

describe(`storage contract (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  it('migrations are date-named, listed in order, and match the files', () => {
    const names = Object.keys(migrations);
    expect(names.every((n) => /^\d{4}-\d{2}-\d{2}T\d{4}_[a-z0-9_]+$/.test(n))).toBe(true);
    expect([...names].sort()).toEqual(names);
    const files = readdirSync(new URL('../../src/db/migrations/', import.meta.url))
      .filter((f) => f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(names);
  });

  it('landed migrations are frozen: each file still has the hash it landed with', () => {
    // A landed migration has run on clinics' databases; changing it forks their schemas.
    // Fix forward with a new migration, and record a new file's hash when it lands.
    const dir = new URL('../../src/db/migrations/', import.meta.url);
    const hashes = Object.fromEntries(
      Object.keys(migrations).map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(new URL(`${name}.ts`, dir)))
          .digest('hex'),
      ]),
    );
    expect(hashes).toEqual(FROZEN_MIGRATIONS);
  });

  it('the schema is current after migrating', async () => {
    expect(await db.pendingMigrations()).toEqual([]);
  });

  it('every table leads its primary key with tenant_id and has row-level security on', async () => {
    const rows = await db.system((tx) =>
      sql<{ table: string; first: string; rls: boolean }>`
        SELECT c.relname AS table, a.attname AS first, c.relrowsecurity AS rls
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
        WHERE i.indisprimary AND c.relname NOT LIKE 'kysely_%'`.execute(tx),
    );
    expect(rows.rows.length).toBeGreaterThan(15);
    for (const r of rows.rows) {
      expect({ table: r.table, first: r.first, rls: r.rls }).toEqual({
        table: r.table,
        first: 'tenant_id',
        rls: true,
      });
    }
  });

  it('bulk loads awkward values exactly, in one transaction', async () => {
    const awkward = ['tab\there', 'line\nbreak', 'back\\slash', 'cr\rhere', 'кириллица «ёлка»', '\\N', ''];
    const rows = awkward.map((name, i) => [tenant, newId(), `c${i}`, name, 'en', 'UTC', null, null]);
    const n = await db.bulkLoad((copy) =>
      copy(
        'branches',
        ['tenant_id', 'id', 'code', 'name_ru', 'name_en', 'time_zone', 'city', 'address'],
        rows,
      ),
    );
    expect(n).toBe(awkward.length);
    const back = await db.tenant(tenant, (tx) =>
      tx.selectFrom('branches').select(['code', 'name_ru', 'city']).orderBy('code').execute(),
    );
    expect(back.map((r) => r.name_ru)).toEqual(awkward);
    expect(back.every((r) => r.city === null)).toBe(true);
  });

  it('bulk loads binary tuples of every encoded type exactly, NULLs and edge values included', async () => {
    const rows = [
      {
        id: newId(),
        wrapped: Buffer.from([0, 1, 92, 9, 10, 255]),
        sex: 'female',
        year: 1880,
        md: 1231,
        city: 'Йошкар-Ола «ёлка»\t\\',
        email: true,
        key: 2 ** 31 - 1,
        at: new Date('1999-12-31T23:59:59.123Z'),
      },
      {
        id: newId(),
        wrapped: Buffer.alloc(0),
        sex: null,
        year: null,
        md: null,
        city: '',
        email: false,
        key: 0,
        at: new Date('2026-12-04T12:00:00.001Z'),
      },
    ];
    const tuples = new BinaryTuples();
    for (const r of rows)
      tuples.add(
        ['uuid', 'uuid', 'int4', 'bytea', 'text', 'int2', 'int2', 'text', 'bool', 'int4', 'timestamptz'],
        [tenant, r.id, 7, r.wrapped, r.sex, r.year, r.md, r.city, r.email, r.key, r.at],
      );
    // The columns read back are the ones loaded, tenant_id aside (the transaction's own).
    const read = [
      'id',
      'key_version',
      'key_wrapped',
      'sex',
      'birth_year',
      'birth_md',
      'city',
      'has_email',
      'record_key',
      'created_at',
    ] as const;
    const columns = ['tenant_id', ...read];
    const n = await db.bulkLoad((copy) =>
      copy('patients', columns, { chunks: [tuples.finish()], rows: 2, format: 'binary' }),
    );
    expect(n).toBe(2);
    const back = await db.tenant(tenant, (tx) =>
      tx
        .selectFrom('patients')
        .select(read)
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute(),
    );
    for (const r of rows) {
      const b = back.find((x) => x.id === r.id)!;
      expect(b).toMatchObject({
        key_version: 7,
        sex: r.sex,
        birth_year: r.year,
        birth_md: r.md,
        city: r.city,
        has_email: r.email,
        record_key: r.key,
      });
      expect(Buffer.compare(b.key_wrapped!, r.wrapped)).toBe(0);
      expect(new Date(b.created_at).toISOString()).toBe(r.at.toISOString());
    }
    expect(() => new BinaryTuples().add(['uuid'], ['not-a-uuid'])).toThrow(TypeError);
    expect(() => new BinaryTuples().add(['int2'], [40_000])).toThrow(RangeError);
  });

  it('bulk loads bytea and rolls back every table when one copy fails', async () => {
    const id = newId();
    const bytes = Buffer.from([0, 1, 2, 92, 9, 10, 255]);
    await db.bulkLoad(async (copy) => {
      await copy(
        'tenant_keys',
        ['tenant_id', 'purpose', 'version', 'master_version', 'wrapped'],
        [[tenant, 'data', 99, 1, bytes]],
      );
    });
    try {
      const k = await db.tenant(tenant, (tx) =>
        tx.selectFrom('tenant_keys').select('wrapped').where('version', '=', 99).executeTakeFirstOrThrow(),
      );
      expect(Buffer.compare(k.wrapped, bytes)).toBe(0);
    } finally {
      // Not a real key: left behind, it would be the row a later start-up's key check reads first.
      await db.system((tx) =>
        tx.deleteFrom('tenant_keys').where('tenant_id', '=', tenant).where('version', '=', 99).execute(),
      );
    }
    await expect(
      db.bulkLoad(async (copy) => {
        await copy(
          'branches',
          ['tenant_id', 'id', 'code', 'name_ru', 'name_en', 'time_zone'],
          [[tenant, id, 'rolled-back', 'x', 'x', 'UTC']],
        );
        await copy(
          'branches',
          ['tenant_id', 'id', 'code', 'name_ru', 'name_en', 'time_zone'],
          [[tenant, id, 'dup', 'x', 'x', 'UTC']],
        );
      }),
    ).rejects.toThrow();
    const gone = await db.tenant(tenant, (tx) =>
      tx.selectFrom('branches').select('id').where('code', '=', 'rolled-back').execute(),
    );
    expect(gone).toEqual([]);
  });

  it('a failed transaction leaves nothing behind and the connection usable', async () => {
    await expect(
      db.tenant(tenant, async (tx) => {
        await tx
          .insertInto('branches')
          .values({
            tenant_id: tenant,
            id: newId(),
            code: 'tx-fail',
            name_ru: 'x',
            name_en: 'x',
            time_zone: 'UTC',
          })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.tenant(tenant, (tx) =>
      tx.selectFrom('branches').select('id').where('code', '=', 'tx-fail').execute(),
    );
    expect(rows).toEqual([]);
  });

  it('transactions queue on the embedded engine instead of interleaving', async () => {
    const codes = Array.from({ length: 20 }, (_, i) => `q${i}`);
    await Promise.all(
      codes.map((code) =>
        db.tenant(tenant, async (tx) => {
          await tx
            .insertInto('branches')
            .values({ tenant_id: tenant, id: newId(), code, name_ru: code, name_en: code, time_zone: 'UTC' })
            .execute();
          const n = await tx
            .selectFrom('branches')
            .select((e) => e.fn.countAll<number>().as('n'))
            .where('code', '=', code)
            .executeTakeFirstOrThrow();
          expect(n.n).toBe(1);
        }),
      ),
    );
    const all = await db.tenant(tenant, (tx) =>
      tx.selectFrom('branches').select('code').where('code', 'like', 'q%').execute(),
    );
    expect(all.length).toBe(20);
  });

  it('vacuum runs after bulk work', async () => {
    await expect(db.vacuum(['branches'])).resolves.toBeUndefined();
  });

  it('a named lock has one holder at a time, is free again once released, and names are independent', async () => {
    const name = `test:${newId()}`;
    const first = await db.tryLock(name);
    expect(first).not.toBeNull();
    expect(await db.tryLock(name)).toBeNull();
    const other = await db.tryLock(`${name}:other`);
    expect(other).not.toBeNull();
    // Transactions go on while the lock is held.
    await expect(db.system((tx) => sql`SELECT 1`.execute(tx))).resolves.toBeDefined();
    await first!.release();
    await first!.release(); // twice is harmless
    const second = await db.tryLock(name);
    expect(second).not.toBeNull();
    await second!.release();
    await other!.release();
  });
});
