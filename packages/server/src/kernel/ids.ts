import { randomBytesPooled } from './random.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

let lastMs = 0;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids
 * of one process increasing within a millisecond (method 1), then randomness.
 * Time-ordered ids keep B-tree inserts local and order events of the same instant.
 */
export function newId(): string {
  const b = randomBytesPooled(16);
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = b[6]! & 0x07; // a random start leaves room for 3,500+ ids in the millisecond
    counter = (counter << 8) | b[7]!;
    counter &= 0x3ff;
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      // More than 4,096 ids in one millisecond: borrow the next one.
      lastMs = ++ms;
      counter = 0;
    }
  }
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | ((counter >>> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);
