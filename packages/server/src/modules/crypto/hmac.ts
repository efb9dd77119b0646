import { createHmac, hash, type KeyObject } from 'node:crypto';

/**
 * HMAC-SHA-256 (RFC 2104) with the key's inner and outer pads prepared once. Each
 * MAC is then two one-shot hashes: at millions of blind-index entries the per-call
 * object churn of createHmac dominated bulk imports. Checked against createHmac.
 */
export class Hmac256 {
  /** The inner pad, then room for the message; grown for a longer one. */
  #inner: Buffer;
  /** The outer pad, then the inner hash. */
  readonly #outer: Buffer;

  constructor(key: Buffer | KeyObject) {
    let k = Buffer.isBuffer(key) ? key : key.export();
    if (k.length > 64) k = hash('sha256', k, 'buffer');
    const block = Buffer.alloc(64);
    k.copy(block);
    this.#inner = Buffer.alloc(64 + 256);
    this.#outer = Buffer.alloc(64 + 32);
    for (let i = 0; i < 64; i++) {
      this.#inner[i] = block[i]! ^ 0x36;
      this.#outer[i] = block[i]! ^ 0x5c;
    }
  }

  digest(message: string | Buffer): Buffer {
    // The message is written after the pad, hashed, and wiped: no copy per call, none left behind.
    const most = 64 + (typeof message === 'string' ? message.length * 3 : message.length);
    if (most > this.#inner.length) {
      const grown = Buffer.alloc(Math.max(most, this.#inner.length * 2));
      this.#inner.copy(grown, 0, 0, 64);
      this.#inner = grown;
    }
    const end =
      64 +
      (typeof message === 'string' ? this.#inner.write(message, 64, 'utf8') : message.copy(this.#inner, 64));
    (hash('sha256', this.#inner.subarray(0, end), 'buffer') as Buffer).copy(this.#outer, 64);
    this.#inner.fill(0, 64, end);
    return hash('sha256', this.#outer, 'buffer');
  }
}

/** The reference implementation, for tests. */
export const referenceHmac = (key: Buffer, message: string): Buffer =>
  createHmac('sha256', key).update(message).digest();
