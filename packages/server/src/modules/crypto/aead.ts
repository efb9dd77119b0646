import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { randomBytesPooled, randomFillPooled } from '../../kernel/index.ts';

/**
 * AES-256-GCM with a one-byte format tag: [format 1][iv 12][tag 16][ciphertext].
 * The associated data binds a ciphertext to its place (tenant, patient, field), so a
 * value copied into another row does not decrypt.
 */
const FORMAT = 1;
const IV = 12;
const TAG = 16;

export type Key = KeyObject | Buffer;

export function seal(key: Key, plaintext: Buffer, aad: string): Buffer {
  // Written in place: at millions of rows, the intermediate buffers cost more than the cipher.
  const out = Buffer.allocUnsafe(1 + IV + TAG + plaintext.length);
  out[0] = FORMAT;
  const iv = randomFillPooled(out, 1, IV).subarray(1, 1 + IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  let at = 1 + IV + TAG;
  at += cipher.update(plaintext).copy(out, at);
  at += cipher.final().copy(out, at);
  if (at !== out.length) throw new Error('AES-GCM changed the length of the plaintext');
  cipher.getAuthTag().copy(out, 1 + IV);
  return out;
}

export function open(key: Key, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + IV + TAG || sealed[0] !== FORMAT) throw new Error('Unknown ciphertext format');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(1 + IV, 1 + IV + TAG));
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV + TAG)), decipher.final()]);
}

export const newKey = (): Buffer => randomBytesPooled(32);

/** A key object is parsed once; sealing many values under one key skips re-importing it. */
export const keyObject = (key: Buffer): KeyObject => createSecretKey(key);
