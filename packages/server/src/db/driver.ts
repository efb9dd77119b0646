import { createHash } from 'node:crypto';
import {
  AbortedTransactionError,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresDialect,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';

/*
 * Round trips are most of the cost of a short transaction (a lookup: BEGIN, settings,
 * query, audit append, COMMIT), and on a busy machine every one of them is a wait for
 * the scheduler. Three marks let a statement travel with others:
 *   settings  — no parameters, sets up the transaction: sent with BEGIN, in one message;
 *   deferred  — nobody reads its result (an append): sent with the next statement or COMMIT;
 *   prepared  — parsed and planned once per session, then only bound and executed.
 * A pipelining session writes what is pending and the statement that releases it in one
 * go and reads the answers in one round trip; the server runs them in the order issued,
 * so nothing runs outside the transaction, before its settings, or after its COMMIT.
 */
const PREPARED = '/*prepared*/ ';
const SETTINGS = '/*settings*/ ';
const DEFERRED = '/*deferred*/ ';

/** The marks at the front of a statement. */
const marksOf = (sql: string): Set<string> => {
  const marks = new Set<string>();
  for (let rest = sql; ; ) {
    const m = [PREPARED, SETTINGS, DEFERRED].find((x) => rest.startsWith(x));
    if (!m) return marks;
    marks.add(m);
    rest = rest.slice(m.length);
  }
};

const mark = <R>(q: CompiledQuery<R>, m: string): CompiledQuery<R> =>
  marksOf(q.sql).has(m) ? q : { ...q, sql: `${m}${q.sql}` };

/** The compiled query, to run as a named statement: for hot statements whose plan does not depend on their values. */
export const prepared = <R>(q: CompiledQuery<R>): CompiledQuery<R> => mark(q, PREPARED);

/** A transaction's opening settings (no parameters): sent with BEGIN and its first real statement. Empty result. */
export const settings = <R>(q: CompiledQuery<R>): CompiledQuery<R> => {
  if (q.parameters.length > 0) throw new Error('Transaction settings take no parameters.');
  return mark(q, SETTINGS);
};

/**
 * A statement whose result is not needed. Inside a transaction it is sent with the next
 * statement, or with COMMIT, and runs before them; if it fails the transaction fails,
 * and that next statement or the commit throws its error. Empty result.
 */
export const deferred = <R>(q: CompiledQuery<R>): CompiledQuery<R> => mark(q, DEFERRED);

type Outgoing = { readonly sql: string; readonly values: readonly unknown[] };

const statementName = (sql: string): string =>
  `careloop_${createHash('sha256').update(sql).digest('base64url').slice(0, 22)}`;

const beginStatement = (s: TransactionSettings): string =>
  !s.isolationLevel && !s.accessMode
    ? 'begin'
    : ['start transaction', s.isolationLevel && `isolation level ${s.isolationLevel}`, s.accessMode]
        .filter(Boolean)
        .join(' ');

const asResult = <R>(result: pg.QueryResult): QueryResult<R> => {
  const { command, rowCount, rows } = result;
  if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
  return {
    ...(command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
      ? { numAffectedRows: BigInt(rowCount ?? 0) }
      : {}),
    rows: (rows ?? []) as R[],
  };
};

/** One pooled session (see the note at the top). */
class SessionConnection implements DatabaseConnection {
  readonly client: pg.PoolClient;
  readonly #pipeline: boolean;
  /** Inside a transaction (begun, not yet committed or rolled back). */
  #inTransaction = false;
  /** BEGIN and the settings after it, while not yet sent. */
  #opening: string | undefined;
  #deferred: Outgoing[] = [];
  discard = false;

  constructor(client: pg.PoolClient, pipeline: boolean) {
    this.client = client;
    this.#pipeline = pipeline;
  }

  begin(s: TransactionSettings): void {
    this.#inTransaction = true;
    this.#opening = beginStatement(s);
    this.#deferred = [];
  }

  /** Ends the transaction with COMMIT or ROLLBACK; resolves to the command tag the server answered. */
  async end(how: 'commit' | 'rollback'): Promise<string | undefined> {
    try {
      // Nothing sent yet: nothing began, so there is nothing to end.
      if (this.#opening !== undefined && this.#deferred.length === 0) return undefined;
      if (how === 'rollback') {
        this.#deferred = []; // never sent; the rollback would undo them anyway
        if (this.#opening !== undefined) return undefined;
      }
      return (await this.#send({ sql: how, values: [] })).command;
    } finally {
      this.#inTransaction = false;
      this.#opening = undefined;
      this.#deferred = [];
    }
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const marks = marksOf(q.sql);
    if (marks.has(SETTINGS) && this.#opening !== undefined) {
      this.#opening += `; ${q.sql}`;
      return { rows: [] };
    }
    const out = { sql: q.sql, values: q.parameters };
    if (marks.has(DEFERRED) && this.#inTransaction) {
      this.#deferred.push(out);
      return { rows: [] };
    }
    return asResult<R>(await this.#send(out));
  }

  /** Sends what is pending, then `last`; resolves to the result of `last`. */
  async #send(last: Outgoing): Promise<pg.QueryResult> {
    const queue: Outgoing[] = [];
    if (this.#opening !== undefined) queue.push({ sql: this.#opening, values: [] });
    queue.push(...this.#deferred, last);
    this.#opening = undefined;
    this.#deferred = [];
    if (!this.#pipeline) {
      let result: pg.QueryResult | undefined;
      for (const o of queue) result = await this.#run(o);
      return result!;
    }
    // All issued before any answer is awaited: one write, one round trip.
    const settled = await Promise.allSettled(queue.map((o) => this.#run(o)));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return (settled[settled.length - 1] as PromiseFulfilledResult<pg.QueryResult>).value;
  }

  async #run(o: Outgoing): Promise<pg.QueryResult> {
    if (o.values.length === 0) {
      // Simple-query protocol: several statements in one message; the last one's result counts.
      const r = (await this.client.query(o.sql)) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(r) ? r[r.length - 1]! : r;
    }
    const values = o.values as unknown[];
    return marksOf(o.sql).has(PREPARED)
      ? this.client.query({ name: statementName(o.sql), text: o.sql, values })
      : this.client.query(o.sql, values);
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported: page with LIMIT, or COPY for bulk work.');
  }
}

/** Kysely's driver contract on a node-postgres pool, with the session above. */
class SessionDriver implements Driver {
  readonly #pool: pg.Pool;
  readonly #pipeline: boolean;
  readonly #connections = new WeakMap<pg.PoolClient, SessionConnection>();

  constructor(pool: pg.Pool, pipeline: boolean) {
    this.#pool = pool;
    this.#pipeline = pipeline;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new SessionConnection(client, this.#pipeline);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, s: TransactionSettings): Promise<void> {
    (connection as SessionConnection).begin(s);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // PostgreSQL completes COMMIT with a ROLLBACK tag if an earlier error aborted the transaction.
    if ((await (connection as SessionConnection).end('commit')) === 'ROLLBACK')
      throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as SessionConnection;
    try {
      await c.end('rollback');
    } catch (e) {
      c.discard = true;
      throw e;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as SessionConnection;
    if (c.discard) this.#connections.delete(c.client);
    c.client.release(c.discard);
  }

  async destroy(): Promise<void> {
    await this.#pool.end();
  }
}

/**
 * PostgreSQL's dialect (compiler, adapter, introspection) over `SessionDriver`. Pass
 * `pipeline` when the pool's clients were made with `pipeline: true`.
 */
export class SessionDialect extends PostgresDialect {
  readonly #pool: pg.Pool;
  readonly #pipeline: boolean;

  constructor(pool: pg.Pool, opts: { pipeline: boolean }) {
    super({ pool });
    this.#pool = pool;
    this.#pipeline = opts.pipeline;
  }

  override createDriver(): Driver {
    return new SessionDriver(this.#pool, this.#pipeline);
  }
}
