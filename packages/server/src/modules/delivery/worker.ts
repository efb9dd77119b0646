import type { Channel } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Database, Tx } from '../../db/index.ts';
import { type Clock, systemActor } from '../../kernel/index.ts';
import { appendAudit } from '../audit/index.ts';
import type { Vault } from '../crypto/index.ts';
import { type ClaimEnv, type ClaimedMessage, claimBatch } from './claim.ts';
import type { ChannelAdapter, MessageRenderer, SendOutcome } from './ports.ts';
import { reconcileStale } from './reconcile.ts';
import { Breakers, backoffMs, withTimeout } from './resilience.ts';

export interface WorkerOptions {
  readonly adapters: readonly ChannelAdapter[];
  readonly renderer: MessageRenderer;
  /** Where patients reach Careloop: unsubscribe and preference links start with it. */
  readonly publicUrl: string;
  /** Only these tenants (tests, a dedicated worker); all tenants with due messages otherwise. */
  readonly tenantIds?: readonly string[];
  readonly batchSize?: number;
  /** Provider calls in flight at once. */
  readonly concurrency?: number;
  /** A provider call slower than this is an `unknown` outcome (R52). */
  readonly sendTimeoutMs?: number;
  /** A message left in `sending` longer than this belongs to a dead worker and is reconciled. */
  readonly leaseMs?: number;
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Consecutive failures that open a channel's circuit, and for how long (R55). */
  readonly breakerThreshold?: number;
  readonly breakerCooldownMs?: number;
  readonly random?: () => number;
}

export interface PassResult {
  claimed: number;
  sent: number;
  skipped: number;
  deferred: number;
  retried: number;
  failed: number;
  review: number;
  reconciled: number;
  /** Milliseconds spent in claim transactions, provider calls and settle transactions. */
  claimMs: number;
  sendMs: number;
  settleMs: number;
}

/** Batches a tenant gets per pass: one clinic's big campaign does not hold up another's reminders. */
const TURN = 20;

const add = (total: PassResult, r: PassResult): void => {
  for (const k of Object.keys(total) as (keyof PassResult)[]) total[k] += r[k];
};

const empty = (): PassResult => ({
  claimed: 0,
  sent: 0,
  skipped: 0,
  deferred: 0,
  retried: 0,
  failed: 0,
  review: 0,
  reconciled: 0,
  claimMs: 0,
  sendMs: 0,
  settleMs: 0,
});

/**
 * The delivery worker: claim (one transaction), call providers (no transaction open), settle
 * (one transaction), pipelined so that the next batch is claimed and the last one settled while
 * providers are being called. A crash between the two transactions leaves messages in `sending`; the
 * reconciliation step resolves them without ever blindly resending (R52). On PostgreSQL several
 * workers run side by side; on the embedded database one in-process worker shares the connection.
 */
export class DeliveryWorker {
  readonly #db: Database;
  readonly #vault: Vault;
  readonly #clock: Clock;
  readonly #adapters: Map<Channel, ChannelAdapter>;
  readonly #byProvider: Map<string, ChannelAdapter>;
  readonly #opts: Required<Omit<WorkerOptions, 'tenantIds' | 'adapters'>> & { tenantIds?: readonly string[] };
  readonly #breakers: Breakers;
  readonly #providers: ClaimEnv['providers'];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopping = false;

  constructor(deps: { db: Database; vault: Vault; clock: Clock }, opts: WorkerOptions) {
    this.#db = deps.db;
    this.#vault = deps.vault;
    this.#clock = deps.clock;
    this.#adapters = new Map(opts.adapters.map((a) => [a.channel, a]));
    this.#byProvider = new Map(opts.adapters.map((a) => [a.provider, a]));
    this.#providers = new Map(
      opts.adapters.map((a) => [
        a.channel,
        { name: a.provider, external: a.external, ...(a.sendingDomain ? { domain: a.sendingDomain } : {}) },
      ]),
    );
    this.#opts = {
      renderer: opts.renderer,
      publicUrl: opts.publicUrl.replace(/\/$/, ''),
      batchSize: opts.batchSize ?? 100,
      concurrency: opts.concurrency ?? 16,
      sendTimeoutMs: opts.sendTimeoutMs ?? 30_000,
      leaseMs: opts.leaseMs ?? 120_000,
      maxAttempts: opts.maxAttempts ?? 6,
      backoffBaseMs: opts.backoffBaseMs ?? 60_000,
      backoffMaxMs: opts.backoffMaxMs ?? 6 * 3_600_000,
      breakerThreshold: opts.breakerThreshold ?? 5,
      breakerCooldownMs: opts.breakerCooldownMs ?? 60_000,
      random: opts.random ?? Math.random,
      ...(opts.tenantIds ? { tenantIds: opts.tenantIds } : {}),
    };
    this.#breakers = new Breakers(this.#opts.breakerThreshold, this.#opts.breakerCooldownMs);
  }

  async #tenants(): Promise<readonly string[]> {
    if (this.#opts.tenantIds) return this.#opts.tenantIds;
    const now = this.#clock.now();
    const rows = await this.#db.system((tx) =>
      sql<{ tenant_id: string }>`
        SELECT DISTINCT tenant_id FROM outbox_messages
        WHERE (state = 'queued' AND next_attempt_at <= ${now}) OR state = 'sending'`.execute(tx),
    );
    return rows.rows.map((r) => r.tenant_id);
  }

  /** One pass over every tenant: reconcile stale `sending` rows, then claim, send and settle one batch each. */
  async runOnce(): Promise<PassResult> {
    return this.#pass(1);
  }

  /**
   * Runs passes until nothing is due (tests, benchmarks, the crash-test child); each pass works
   * through a tenant's due messages with claims, sends and settles overlapping.
   */
  async drain(maxPasses = 1_000_000): Promise<PassResult> {
    const total = empty();
    for (let i = 0; i < maxPasses && !this.#stopping; i++) {
      const r = await this.#pass(TURN);
      add(total, r);
      if (r.claimed === 0 && r.reconciled === 0) break;
    }
    return total;
  }

  async #pass(batches: number): Promise<PassResult> {
    const total = empty();
    for (const tenantId of await this.#tenants()) add(total, await this.runTenant(tenantId, batches));
    return total;
  }

  /** Reconciles the tenant's stale `sending` rows, then claims, sends and settles up to `batches` batches. */
  async runTenant(tenantId: string, batches = 1): Promise<PassResult> {
    const result = empty();
    result.reconciled = await this.reconcile(tenantId);
    await this.#pump(tenantId, batches, result);
    return result;
  }

  /**
   * Claim → send → settle as a pipeline: the next batch is claimed while the current one is being
   * sent, and outcomes are settled a batch at a time while sending goes on, so the provider is
   * never left waiting for the database. Every message is claimed (`sending`, audited) before its
   * provider call and settled after it; one the worker never settles (a crash) stays in `sending`
   * for reconciliation (R52). At most one claim and one settle transaction run at a time.
   */
  async #pump(tenantId: string, batches: number, result: PassResult): Promise<void> {
    const waiting: ClaimedMessage[] = [];
    const done: { message: ClaimedMessage; outcome: SendOutcome }[] = [];
    let claimsDone = false;
    let failure: { error: unknown } | null = null;
    let wake: () => void = () => {};
    let changed = new Promise<void>((r) => {
      wake = r;
    });
    const notify = () => {
      wake();
      changed = new Promise<void>((r) => {
        wake = r;
      });
    };

    const claimer = (async () => {
      try {
        for (let n = 0; n < batches && !this.#stopping; n++) {
          // Keep one batch ahead of the senders, no more: claimed messages wait in `sending`.
          while (waiting.length >= this.#opts.batchSize) await changed;
          const t = performance.now();
          const now = this.#clock.now();
          const claim = await this.#db.tenant(tenantId, async (tx) =>
            claimBatch(tx, await this.#vault.forTenant(tx, tenantId), tenantId, {
              clock: this.#clock,
              renderer: this.#opts.renderer,
              publicUrl: this.#opts.publicUrl,
              batchSize: this.#opts.batchSize,
              providers: this.#providers,
              circuitOpenUntil: (c) => this.#breakers.openUntil(c, now),
            }),
          );
          result.claimMs += performance.now() - t;
          result.claimed += claim.claimed;
          result.skipped += claim.skipped;
          result.deferred += claim.deferred;
          if (claim.claimed === 0) break;
          waiting.push(...claim.sending);
          notify();
        }
      } catch (e) {
        failure ??= { error: e };
      } finally {
        claimsDone = true;
        notify();
      }
    })();

    let settling: Promise<void> = Promise.resolve();
    const settle = () => {
      const batch = done.splice(0);
      if (batch.length === 0) return;
      settling = settling.then(async () => {
        const t = performance.now();
        try {
          const r = await this.#db.tenant(tenantId, (tx) => this.#settle(tx, tenantId, batch));
          result.sent += r.sent;
          result.retried += r.retried;
          result.failed += r.failed;
        } catch (e) {
          // Unsettled messages stay in `sending`: reconciliation resolves them (R52).
          failure ??= { error: e };
        } finally {
          result.settleMs += performance.now() - t;
        }
      });
    };

    let inFlight = 0;
    let busySince = 0;
    const lane = async () => {
      for (;;) {
        const message = waiting.shift();
        if (!message) {
          if (claimsDone) return;
          await changed;
          continue;
        }
        notify(); // room for the next claim
        if (inFlight++ === 0) busySince = performance.now();
        const adapter = this.#adapters.get(message.outbound.channel) as ChannelAdapter;
        const outcome = await withTimeout(adapter.send(message.outbound), this.#opts.sendTimeoutMs);
        if (--inFlight === 0) result.sendMs += performance.now() - busySince;
        this.#breakers.record(
          message.outbound.channel,
          outcome.kind === 'sent' || (outcome.kind === 'failed' && !outcome.retryable),
          this.#clock.now(),
        );
        done.push({ message, outcome });
        if (done.length >= this.#opts.batchSize) settle();
      }
    };
    await Promise.all([claimer, ...Array.from({ length: this.#opts.concurrency }, lane)]);
    settle();
    await settling;
    if (failure) throw (failure as { error: unknown }).error;
  }

  async #settle(
    tx: Tx,
    tenantId: string,
    batch: readonly { message: ClaimedMessage; outcome: SendOutcome }[],
  ) {
    const now = this.#clock.now();
    const rows = batch.map(({ message: m, outcome: o }) => {
      const adapter = this.#adapters.get(m.outbound.channel) as ChannelAdapter;
      if (o.kind === 'sent')
        return {
          id: m.outbound.messageId,
          state: 'sent',
          next: null,
          pid: o.providerMessageId ?? null,
          error: null,
        };
      if (o.kind === 'unknown') {
        // Maybe accepted: an idempotent provider gets the same key again; others wait for reconciliation (R52).
        return adapter.idempotent && m.attempts < this.#opts.maxAttempts
          ? {
              id: m.outbound.messageId,
              state: 'queued',
              next: this.#retryAt(now, m.attempts),
              pid: null,
              error: o.error,
            }
          : { id: m.outbound.messageId, state: 'sending', next: null, pid: null, error: o.error };
      }
      if (o.retryable && m.attempts < this.#opts.maxAttempts)
        return {
          id: m.outbound.messageId,
          state: 'queued',
          next: this.#retryAt(now, m.attempts),
          pid: null,
          error: o.error,
        };
      return { id: m.outbound.messageId, state: 'failed', next: null, pid: null, error: o.error };
    });
    await sql`
      UPDATE outbox_messages o SET
        state = r.state,
        next_attempt_at = coalesce(r.next, o.next_attempt_at),
        provider_message_id = coalesce(r.pid, o.provider_message_id),
        last_error = r.error,
        sent_at = CASE WHEN r.state = 'sent' THEN ${now}::timestamptz ELSE o.sent_at END,
        updated_at = ${now}
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.state)}::text[], ${rows.map((r) => r.next)}::timestamptz[],
                  ${rows.map((r) => r.pid)}::text[], ${rows.map((r) => r.error)}::text[]) AS r(id, state, next, pid, error)
      WHERE o.tenant_id = ${tenantId} AND o.id = r.id AND o.state = 'sending'`.execute(tx);
    await appendAudit(
      tx,
      this.#clock,
      { tenantId, actor: systemActor('delivery'), purpose: 'registry.operations' },
      rows.map((r) => ({
        action: `delivery.${r.state === 'sent' ? 'sent' : r.state === 'queued' ? 'retry' : r.state === 'failed' ? 'failed' : 'uncertain'}`,
        outcome: r.state === 'sent' ? 'done' : 'failed',
        subjectType: 'message',
        subjectId: r.id,
        details: r.error ? { error: r.error } : {},
      })),
    );
    return {
      sent: rows.filter((r) => r.state === 'sent').length,
      retried: rows.filter((r) => r.state === 'queued').length,
      failed: rows.filter((r) => r.state === 'failed').length,
      review: 0,
    };
  }

  #retryAt(now: Date, attempts: number): Date {
    return new Date(
      now.getTime() +
        backoffMs(attempts, this.#opts.backoffBaseMs, this.#opts.backoffMaxMs, this.#opts.random),
    );
  }

  /** Resolves messages a dead worker left in `sending` (R52). */
  reconcile(tenantId: string): Promise<number> {
    return this.#db.tenant(tenantId, (tx) =>
      reconcileStale(tx, this.#clock, tenantId, this.#byProvider, this.#opts.leaseMs),
    );
  }

  /** Works through whatever is due, then polls every `intervalMs` until stopped. */
  start(intervalMs = 1_000, onError: (e: unknown) => void = () => {}): void {
    if (this.#timer) return;
    const tick = () => {
      this.#running = this.drain()
        .then(() => undefined)
        // A failed pass is retried on the next tick; the operator sees why.
        .catch(onError)
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, intervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Claims nothing more, finishes sending and settling what is claimed, closes the channels. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const t = this.#timer;
    this.#timer = null;
    if (t) clearTimeout(t);
    await this.#running;
    for (const a of this.#adapters.values()) await a.close?.();
  }
}
