import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { type Kysely, Kysely as KyselyDb, PostgresDialect, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { type CopyValue, copyLine } from './copy.ts';
import { SessionDialect, settings } from './driver.ts';
import { migrations } from './migrations/index.ts';
import type { DB } from './schema.ts';

export type Tx = Transaction<DB>;

export interface BulkOptions {
  /**
   * Skip per-row triggers, foreign-key checks included, as pg_restore does. Only for
   * rows whose references the producer guarantees by construction (ids it created in
   * the same load: the demo generator, the import writer); CHECK and NOT NULL
   * constraints still hold. Ignored where the session may not do it.
   */
  readonly skipTriggers?: boolean;
}

/** Rows already rendered in COPY text format (UTF-8, one line per row, each ending in a newline). */
export interface CopyText {
  readonly chunks: readonly Uint8Array[];
  readonly rows: number;
}

/** Rows as values, or pre-rendered COPY text. */
export type CopyRows = Iterable<readonly CopyValue[]> | AsyncIterable<readonly CopyValue[]> | CopyText;

const isCopyText = (rows: CopyRows): rows is CopyText =>
  'chunks' in rows && Array.isArray((rows as CopyText).chunks);
/** Copies rows into a table; resolves to the number of rows. */
export type CopyInto = (
  table: keyof DB & string,
  columns: readonly string[],
  rows: CopyRows,
) => Promise<number>;

/** A lock held across transactions; releasing twice is harmless. */
export interface HeldLock {
  release(): Promise<void>;
}

/** What a bulk load does: whether the tables' triggers fire for its rows (see BulkOptions). */
export interface BulkLoad {
  readonly triggers: boolean;
}

// Counts (int8) fit a double here; dates stay ISO strings instead of local-midnight Dates.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export const APP_ROLE = 'careloop_app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The storage port. Every unit of work is a transaction confined either to one
 * tenant (row-level security on) or to the whole installation (`system`, for
 * migrations, sign-in lookups and bulk loads). There is no third way in.
 */
export interface Database {
  readonly kind: 'embedded' | 'postgres';
  /** Where the data lives, without credentials: safe to log. */
  readonly location: string;
  tenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  system<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Loads rows with COPY into one or more tables in a single transaction. It runs
   * as the owner, so every row must carry its tenant_id: use it for generated or
   * staged data, never for rows a client supplied unchecked.
   */
  bulkLoad<T>(fn: (copy: CopyInto, load: BulkLoad) => Promise<T>, opts?: BulkOptions): Promise<T>;
  migrate(): Promise<string[]>;
  pendingMigrations(): Promise<string[]>;
  /** Refreshes statistics and reclaims space after bulk work (the embedded engine never autovacuums). */
  vacuum(tables?: readonly (keyof DB & string)[]): Promise<void>;
  /** Refreshes statistics only: cheap (a sample), for tables a long bulk load is still growing. */
  analyze(tables: readonly (keyof DB & string)[]): Promise<void>;
  /**
   * After a bulk load that others read at once: statistics now, and the vacuum (visibility
   * map for index-only scans) where no autovacuum will run it — the embedded engine. A
   * server's autovacuum picks up insert-heavy tables by itself.
   */
  settle(tables: readonly (keyof DB & string)[]): Promise<void>;
  /**
   * Takes a named lock for work that spans many transactions and must not run twice at
   * once (an import from one source); null while another holder has it. It is released
   * by `release` or with the process that holds it, so a crash never leaves it taken.
   */
  tryLock(name: string): Promise<HeldLock | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

abstract class BaseDatabase implements Database {
  abstract readonly kind: 'embedded' | 'postgres';
  abstract readonly location: string;
  protected abstract readonly db: Kysely<DB>;
  protected abstract readonly pool: pg.Pool;

  tenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      // Role and tenant are set per transaction, whatever state the pooled session is in.
      // They travel with BEGIN and the first statement (driver.ts), so a well-formed id is
      // a literal there; anything else is bound as before, and fails in the policies.
      if (UUID.test(tenantId)) {
        await tx.executeQuery(
          settings(
            sql`SELECT set_config('role', ${sql.lit(APP_ROLE)}, true), set_config('careloop.tenant_id', ${sql.lit(tenantId)}, true)`.compile(
              tx,
            ),
          ),
        );
      } else {
        await sql`SELECT set_config('role', ${APP_ROLE}, true), set_config('careloop.tenant_id', ${tenantId}, true)`.execute(
          tx,
        );
      }
      return fn(tx);
    });
  }

  system<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await tx.executeQuery(settings(sql`SELECT set_config('role', 'none', true)`.compile(tx)));
      return fn(tx);
    });
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  protected migrator(db: Kysely<unknown>): Migrator {
    return new Migrator({ db, provider: { getMigrations: async () => migrations } });
  }

  async pendingMigrations(): Promise<string[]> {
    const done = await this.system(async (tx) => {
      const table = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'kysely_migration'`.execute(
        tx,
      );
      if (table.rows[0]?.n === 0) return new Set<string>();
      const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(tx);
      return new Set(rows.rows.map((r) => r.name));
    });
    return Object.keys(migrations).filter((name) => !done.has(name));
  }

  abstract migrate(): Promise<string[]>;
  abstract bulkLoad<T>(fn: (copy: CopyInto, load: BulkLoad) => Promise<T>, opts?: BulkOptions): Promise<T>;
  abstract vacuum(tables?: readonly (keyof DB & string)[]): Promise<void>;
  abstract analyze(tables: readonly (keyof DB & string)[]): Promise<void>;
  abstract tryLock(name: string): Promise<HeldLock | null>;
  settle(tables: readonly (keyof DB & string)[]): Promise<void> {
    return this.kind === 'embedded' ? this.vacuum(tables) : this.analyze(tables);
  }
  abstract close(): Promise<void>;
}

const copyStatement = (table: string, columns: readonly string[]): string =>
  `COPY ${pg.escapeIdentifier(table)} (${columns.map((c) => pg.escapeIdentifier(c)).join(', ')})`;

const migrateWith = async (migrator: Migrator): Promise<string[]> => {
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

/**
 * Tables a migration rewrites. A rewritten table has no visibility map and no statistics, and
 * nothing prompts autovacuum (no dead rows, no inserts): until a VACUUM ANALYZE, counts that
 * were index-only visit the heap (at 1 M patients a segment count took 25 ms instead of 11 ms).
 */
const REWRITTEN_BY: Readonly<Record<string, readonly (keyof DB & string)[]>> = {
  '2026-12-03T0900_record_keys': ['patients', 'patient_facts'],
};
const rewrittenBy = (applied: readonly string[]): (keyof DB & string)[] => [
  ...new Set(applied.flatMap((name) => REWRITTEN_BY[name] ?? [])),
];

/** PostgreSQL compiled to WebAssembly, in-process: one session serves everything. */
export class EmbeddedDatabase extends BaseDatabase {
  readonly kind = 'embedded' as const;
  readonly location: string;
  protected readonly db: Kysely<DB>;
  protected readonly pool: pg.Pool;
  readonly #lite: PGlite;
  readonly #release: () => Promise<void>;
  readonly #locks = new Set<string>();

  private constructor(lite: PGlite, location: string, release: () => Promise<void>) {
    super();
    this.#lite = lite;
    this.location = location;
    this.#release = release;
    // One connection: a transaction holds it, so no other request's statements can land inside it.
    this.pool = new pg.Pool({ ...createPgConfig(lite), max: 1, idleTimeoutMillis: 0 });
    this.db = new KyselyDb<DB>({ dialect: new SessionDialect(this.pool, { pipeline: false }) });
  }

  static async open(opts: {
    dataDir: string;
    loadDataDir?: Blob;
    release?: () => Promise<void>;
  }): Promise<EmbeddedDatabase> {
    const lite = await PGlite.create(opts.dataDir, opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
    const location = opts.dataDir.startsWith('memory://')
      ? 'embedded (in memory)'
      : `embedded (${opts.dataDir})`;
    const database = new EmbeddedDatabase(lite, location, opts.release ?? (async () => undefined));
    await database.#enterAppRole().catch(() => undefined); // absent until the first migration
    return database;
  }

  async #enterAppRole(): Promise<void> {
    await this.#lite.exec(`SET ROLE ${APP_ROLE}`);
  }

  async migrate(): Promise<string[]> {
    // Runs at start-up, before any request: the session works as the owner meanwhile.
    await this.#lite.exec('RESET ROLE');
    let applied: string[];
    try {
      const owner = new KyselyDb<unknown>({ dialect: new PostgresDialect({ pool: this.pool }) });
      applied = await migrateWith(this.migrator(owner));
    } finally {
      await this.#enterAppRole();
    }
    const rewritten = rewrittenBy(applied);
    if (rewritten.length > 0) await this.vacuum(rewritten);
    return applied;
  }

  /** Runs work while holding the only connection, so nothing else interleaves. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn();
    } finally {
      client.release();
    }
  }

  async bulkLoad<T>(fn: (copy: CopyInto, load: BulkLoad) => Promise<T>, opts: BulkOptions = {}): Promise<T> {
    return this.#exclusive(() =>
      this.#lite.transaction(async (tx) => {
        // COPY from a blob needs the owner's rights; the rows carry their tenant_id explicitly.
        await tx.exec('SET LOCAL ROLE NONE');
        if (opts.skipTriggers) await tx.exec('SET LOCAL session_replication_role = replica');
        const load = { triggers: !opts.skipTriggers };
        return fn(async (table, columns, rows) => {
          const statement = `${copyStatement(table, columns)} FROM '/dev/blob'`;
          if (isCopyText(rows)) {
            if (rows.rows > 0)
              await tx.query(statement, [], { blob: new Blob(rows.chunks as Uint8Array<ArrayBuffer>[]) });
            return rows.rows;
          }
          let count = 0;
          let chunk: string[] = [];
          const flush = async (): Promise<void> => {
            if (chunk.length === 0) return;
            await tx.query(statement, [], { blob: new Blob(chunk) });
            count += chunk.length;
            chunk = [];
          };
          for await (const row of rows) {
            chunk.push(copyLine(row));
            if (chunk.length >= 20_000) await flush();
          }
          await flush();
          return count;
        }, load);
      }),
    );
  }

  async vacuum(tables?: readonly (keyof DB & string)[]): Promise<void> {
    const target = tables?.map((t) => pg.escapeIdentifier(t)).join(', ') ?? '';
    await this.#exclusive(async () => {
      await this.#lite.exec('RESET ROLE');
      try {
        await this.#lite.exec(`VACUUM ANALYZE ${target}`);
      } finally {
        await this.#enterAppRole();
      }
    });
  }

  async analyze(tables: readonly (keyof DB & string)[]): Promise<void> {
    await this.#exclusive(async () => {
      await this.#lite.exec('RESET ROLE');
      try {
        await this.#lite.exec(`ANALYZE ${tables.map((t) => pg.escapeIdentifier(t)).join(', ')}`);
      } finally {
        await this.#enterAppRole();
      }
    });
  }

  /** The data directory belongs to one process (open.ts locks it): a lock held in memory suffices. */
  async tryLock(name: string): Promise<HeldLock | null> {
    if (this.#locks.has(name)) return null;
    this.#locks.add(name);
    let held = true;
    return {
      release: async () => {
        if (held) this.#locks.delete(name);
        held = false;
      },
    };
  }

  /** A snapshot of the whole data directory, for tests that start from a migrated template. */
  async dump(): Promise<Blob> {
    return this.#exclusive(() => this.#lite.dumpDataDir('none'));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.#lite.close();
    await this.#release();
  }
}

/** A PostgreSQL server reached through DATABASE_URL. */
export class ServerDatabase extends BaseDatabase {
  readonly kind = 'postgres' as const;
  readonly location: string;
  protected readonly db: Kysely<DB>;
  protected readonly pool: pg.Pool;
  readonly #url: string;
  /** Owner sessions outside the application pool (bulk loads, maintenance), kept between loads. */
  readonly #owners: pg.Pool;

  constructor(url: string, poolSize = 10) {
    super();
    this.#url = url;
    this.#owners = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 30_000 });
    this.location = redactUrl(url);
    // Pipelining: statements of a transaction that need no answer in between leave together (driver.ts).
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, pipeline: true });
    // Every pooled session works as the restricted application role.
    this.pool.on('connect', (client) => {
      client.query(`SET ROLE ${APP_ROLE}`).catch(() => undefined);
    });
    this.db = new KyselyDb<DB>({ dialect: new SessionDialect(this.pool, { pipeline: true }) });
  }

  /** An owner session outside the application pool (bulk loads, maintenance). */
  async #asOwner<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#owners.connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (e) {
      broken = e as Error;
      throw e;
    } finally {
      // A session that failed may be in any state: it is closed, not reused.
      client.release(broken);
    }
  }

  async migrate(): Promise<string[]> {
    const owner = new KyselyDb<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: this.#url, max: 1 }) }),
    });
    let applied: string[];
    try {
      applied = await migrateWith(this.migrator(owner));
    } finally {
      await owner.destroy();
    }
    const rewritten = rewrittenBy(applied);
    if (rewritten.length > 0) await this.vacuum(rewritten);
    return applied;
  }

  async bulkLoad<T>(fn: (copy: CopyInto, load: BulkLoad) => Promise<T>, opts: BulkOptions = {}): Promise<T> {
    return this.#asOwner(async (client) => {
      await client.query('BEGIN');
      let load: BulkLoad = { triggers: true };
      if (opts.skipTriggers) {
        const su = await client.query<{ s: boolean }>(
          'SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user',
        );
        if (su.rows[0]?.s) {
          await client.query('SET LOCAL session_replication_role = replica');
          load = { triggers: false };
        }
      }
      try {
        const result = await fn(async (table, columns, rows) => {
          if (isCopyText(rows)) {
            if (rows.rows > 0) {
              const buffers = rows.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
              await pipeline(
                Readable.from(buffers),
                client.query(copyFromStdin(`${copyStatement(table, columns)} FROM STDIN`)),
              );
            }
            return rows.rows;
          }
          let count = 0;
          const source = Readable.from(
            (async function* () {
              let buf = '';
              for await (const row of rows) {
                buf += copyLine(row);
                count++;
                if (buf.length > 1 << 16) {
                  yield buf;
                  buf = '';
                }
              }
              if (buf) yield buf;
            })(),
          );
          await pipeline(source, client.query(copyFromStdin(`${copyStatement(table, columns)} FROM STDIN`)));
          return count;
        }, load);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async vacuum(tables?: readonly (keyof DB & string)[]): Promise<void> {
    const target = tables?.map((t) => pg.escapeIdentifier(t)).join(', ') ?? '';
    await this.#asOwner((c) => c.query(`VACUUM ANALYZE ${target}`));
  }

  async analyze(tables: readonly (keyof DB & string)[]): Promise<void> {
    await this.#asOwner((c) => c.query(`ANALYZE ${tables.map((t) => pg.escapeIdentifier(t)).join(', ')}`));
  }

  /**
   * A session-level advisory lock on a session of its own, outside the pools: several
   * processes may share the server, and the lock goes with the session if its holder dies.
   */
  async tryLock(name: string): Promise<HeldLock | null> {
    const session = new pg.Client({ connectionString: this.#url });
    // Losing the session loses the lock; that surfaces to nobody, and must not crash the process.
    session.on('error', () => undefined);
    await session.connect();
    let taken = false;
    try {
      const r = await session.query<{ taken: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken',
        [`careloop:${name}`],
      );
      taken = r.rows[0]?.taken === true;
    } finally {
      if (!taken) await session.end();
    }
    if (!taken) return null;
    let held = true;
    return {
      release: async () => {
        if (!held) return;
        held = false;
        // Ending the session releases its advisory locks.
        await session.end();
      },
    };
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.#owners.end();
  }
}

/** postgres://user:secret@host/db → postgres://user@host/db */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
};
