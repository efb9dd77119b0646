import { createHmac, hash, type KeyObject } from 'node:crypto';

/**
 * HMAC-SHA-256 (RFC 2104) with the key's inner and outer pads prepared once. Each
 * MAC is then two one-shot hashes: at millions of blind-index entries the per-call
 * object churn of createHmac dominated bulk imports. Checked against createHmac.
 */
export class Hmac256 {
  readonly #inner: Buffer;
  readonly #outer: Buffer;

  constructor(key: Buffer | KeyObject) {
    let k = Buffer.isBuffer(key) ? key : key.export();
    if (k.length > 64) k = hash('sha256', k, 'buffer');
    const block = Buffer.alloc(64);
    k.copy(block);
    this.#inner = Buffer.from(block.map((b) => b ^ 0x36));
    this.#outer = Buffer.from(block.map((b) => b ^ 0x5c));
  }

  digest(message: string | Buffer): Buffer {
    const m = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    const inner = hash('sha256', Buffer.concat([this.#inner, m]), 'buffer');
    return hash('sha256', Buffer.concat([this.#outer, inner]), 'buffer');
  }
}

/** The reference implementation, for tests. */
export const referenceHmac = (key: Buffer, message: string): Buffer =>
  createHmac('sha256', key).update(message).digest();
