import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ImportRow } from '../rows.ts';
import { type PrepareContext, type PreparedChunk, prepareRows } from './prepare.ts';

/**
 * Prepares chunks of rows on worker threads, in order. Small imports never start a
 * thread: the first chunk is prepared inline, the pool starts with the second.
 */
export class PreparePool {
  readonly #ctx: PrepareContext;
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, { resolve: (p: PreparedChunk) => void; reject: (e: Error) => void }>();
  #next = 0;
  #chunks = 0;

  constructor(ctx: PrepareContext) {
    this.#ctx = ctx;
  }

  prepare(rows: ImportRow[]): Promise<PreparedChunk> {
    if (this.#chunks++ === 0) return Promise.resolve(prepareRows(this.#ctx, rows));
    if (this.#workers.length === 0) this.#start();
    const id = this.#next++;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, rows });
    });
  }

  #start(): void {
    // Two threads even on two cores: preparing is the heavy part, and the database waits on I/O too.
    const n = Math.max(2, Math.min(availableParallelism() - 1, 4));
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./prepare-worker.ts', import.meta.url), { workerData: this.#ctx });
      w.on('message', (m: { id: number; prepared: PreparedChunk }) => {
        this.#pending.get(m.id)?.resolve(m.prepared);
        this.#pending.delete(m.id);
      });
      w.on('error', (e) => {
        for (const p of this.#pending.values()) p.reject(e);
        this.#pending.clear();
      });
      this.#workers.push(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
