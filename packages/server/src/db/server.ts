import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Kysely, Kysely as KyselyDb, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
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
    await this.vacuumRewritten(applied);
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
              const { options, chunks } = copyTextStream(rows);
              const buffers = chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
              await pipeline(
                Readable.from(buffers),
                client.query(copyFromStdin(`${copyStatement(table, columns)} FROM STDIN${options}`)),
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
