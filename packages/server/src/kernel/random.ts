import { randomFillSync } from 'node:crypto';

/**
 * Cryptographically secure random bytes from a pooled buffer. Per-call overhead of
 * the system generator dominated bulk work (ids, keys and IVs for millions of rows).
 */
const POOL_SIZE = 64 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

export function randomBytesPooled(n: number): Buffer {
  return randomFillPooled(Buffer.allocUnsafe(n), 0, n);
}

/** Fills `target[at, at + n)` from the pool (an IV written straight into its ciphertext). */
export function randomFillPooled(target: Buffer, at: number, n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  pool.copy(target, at, offset, offset + n);
  // Bytes handed out are wiped from the pool so they cannot be handed out twice.
  pool.fill(0, offset, offset + n);
  offset += n;
  return target;
}
