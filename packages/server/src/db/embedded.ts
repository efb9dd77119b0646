import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { type Kysely, Kysely as KyselyDb, PostgresDialect } from 'kysely';
import pg from 'pg';
import { copyLine } from './copy.ts';
import {
  APP_ROLE,
  BaseDatabase,
  type BulkLoad,
  type BulkOptions,
  type CopyInto,
  copyStatement,
  copyTextStream,
  type HeldLock,
  isCopyText,
  migrateWith,
} from './database.ts';
import { SessionDialect } from './driver.ts';
import type { DB } from './schema.ts';

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
    await this.vacuumRewritten(applied);
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
            if (rows.rows > 0) {
              const { options, chunks } = copyTextStream(rows);
              await tx.query(statement + options, [], {
                blob: new Blob(chunks as Uint8Array<ArrayBuffer>[]),
              });
            }
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
