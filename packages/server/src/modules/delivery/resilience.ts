import type { Channel } from '@careloop/contracts';
import type { SendOutcome } from './ports.ts';

/** How the worker copes with providers that fail or hang (R55, R52); no database here. */

/** Exponential backoff with full jitter around the step: base·2^(n−1), capped, ×[0.5, 1.5). */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const step = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random()));
}

/** Per-channel circuit breaker: a provider outage defers that channel only (R55). */
export class Breakers {
  readonly #failures = new Map<Channel, number>();
  readonly #openUntil = new Map<Channel, Date>();
  readonly #threshold: number;
  readonly #cooldownMs: number;
  constructor(threshold: number, cooldownMs: number) {
    this.#threshold = threshold;
    this.#cooldownMs = cooldownMs;
  }
  openUntil(c: Channel, now: Date): Date | null {
    const until = this.#openUntil.get(c);
    return until && until > now ? until : null;
  }
  record(c: Channel, ok: boolean, now: Date): void {
    if (ok) {
      this.#failures.set(c, 0);
      return;
    }
    const n = (this.#failures.get(c) ?? 0) + 1;
    this.#failures.set(c, n);
    if (n >= this.#threshold) {
      this.#openUntil.set(c, new Date(now.getTime() + this.#cooldownMs));
      this.#failures.set(c, 0);
    }
  }
}

/** A provider call slower than `ms` is an `unknown` outcome: it may have been accepted (R52). */
export const withTimeout = async (p: Promise<SendOutcome>, ms: number): Promise<SendOutcome> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SendOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unknown', error: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      p.catch((e: unknown): SendOutcome => ({ kind: 'unknown', error: (e as Error).name || 'error' })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
};
