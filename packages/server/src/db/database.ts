import { type Kysely, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { CopyValue } from './copy.ts';
import { BINARY_HEADER, BINARY_TRAILER } from './copy-binary.ts';
import { settings } from './driver.ts';
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
  /** `binary`: the chunks are binary tuples (copy-binary.ts); the load adds header and trailer. */
  readonly format?: 'text' | 'binary';
}

/** The COPY statement's options and the stream's bytes for pre-rendered rows. */
export const copyTextStream = (rows: CopyText): { options: string; chunks: readonly Uint8Array[] } =>
  rows.format === 'binary'
    ? { options: ' WITH (FORMAT binary)', chunks: [BINARY_HEADER, ...rows.chunks, BINARY_TRAILER] }
    : { options: '', chunks: rows.chunks };

/** Rows as values, or pre-rendered COPY text. */
export type CopyRows = Iterable<readonly CopyValue[]> | AsyncIterable<readonly CopyValue[]> | CopyText;

export const isCopyText = (rows: CopyRows): rows is CopyText =>
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

/** What both engines share: tenant and system transactions, the migrator, ping. */
export abstract class BaseDatabase implements Database {
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
  /** After migrations: the tables they rewrote get their visibility map and statistics back. */
  protected async vacuumRewritten(applied: readonly string[]): Promise<void> {
    const rewritten = rewrittenBy(applied);
    if (rewritten.length > 0) await this.vacuum(rewritten);
  }
  settle(tables: readonly (keyof DB & string)[]): Promise<void> {
    return this.kind === 'embedded' ? this.vacuum(tables) : this.analyze(tables);
  }
  abstract close(): Promise<void>;
}

export const copyStatement = (table: string, columns: readonly string[]): string =>
  `COPY ${pg.escapeIdentifier(table)} (${columns.map((c) => pg.escapeIdentifier(c)).join(', ')})`;

export const migrateWith = async (migrator: Migrator): Promise<string[]> => {
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
  '2026-12-04T1900_lookup_probe': ['patient_lookup'],
};
const rewrittenBy = (applied: readonly string[]): (keyof DB & string)[] => [
  ...new Set(applied.flatMap((name) => REWRITTEN_BY[name] ?? [])),
];
