import { describe, expect, it } from 'vitest';
import {
  blindIndexBitsFor,
  blindIndexCollisions,
  newKey,
  open,
  parseMasterKeys,
  seal,
  TenantKeys,
} from '../../src/modules/crypto/index.ts';

describe('envelope encryption (R27)', () => {
  it('round-trips and binds a ciphertext to its place', () => {
    const key = newKey();
    const sealed = seal(key, Buffer.from('Иванова Анна'), 't/p/identity');
    expect(sealed.includes(Buffer.from('Иванова'))).toBe(false);
    expect(open(key, sealed, 't/p/identity').toString()).toBe('Иванова Анна');
    expect(() => open(key, sealed, 't/other/identity')).toThrow();
    expect(() => open(newKey(), sealed, 't/p/identity')).toThrow();
  });

  it('detects a flipped byte', () => {
    const key = newKey();
    const sealed = seal(key, Buffer.from('+79161234567'), 'aad');
    sealed[sealed.length - 1]! ^= 1;
    expect(() => open(key, sealed, 'aad')).toThrow();
  });

  it('wraps patient keys under the tenant data key and re-wraps to a new version', () => {
    const v1 = new TenantKeys('t', new Map([[1, newKey()]]), newKey(), 13);
    const pk = v1.newPatientKey('p1');
    expect(v1.unwrapPatientKey('p1', pk.version, pk.wrapped).equals(pk.key)).toBe(true);
    expect(() => v1.unwrapPatientKey('p2', pk.version, pk.wrapped)).toThrow();
  });

  it('parses versioned master keys and rejects malformed ones', () => {
    const k = Buffer.alloc(32, 1).toString('base64');
    const ring = parseMasterKeys(`2:${k},1:${k}`);
    expect(ring.current).toBe(2);
    expect(ring.versions()).toEqual([2, 1]);
    expect(() => parseMasterKeys('nonsense')).toThrow(/version:base64/);
    expect(() => parseMasterKeys(`1:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
  });
});

describe('blind indexes (R28)', () => {
  it.each([5_000, 50_000, 200_000, 1_000_000, 10_000_000])(
    'bit length for %i patients keeps 2 ≤ C < √R',
    (rows) => {
      const bits = blindIndexBitsFor(rows);
      const c = blindIndexCollisions(rows, bits);
      expect(c).toBeGreaterThanOrEqual(2);
      expect(c).toBeLessThan(Math.sqrt(rows));
    },
  );

  it('is keyed, deterministic, and within the bit length', () => {
    const keys = new TenantKeys('t', new Map([[1, newKey()]]), newKey(), 13);
    const other = new TenantKeys('t', new Map([[1, newKey()]]), newKey(), 13);
    const a = keys.blind('phone', '79161234567');
    expect(keys.blind('phone', '79161234567')).toBe(a);
    expect(a).toBeLessThan(2 ** 13);
    expect(a).toBeGreaterThanOrEqual(0);
    // Another tenant's index key gives unrelated digests; across many values they differ.
    const values = Array.from({ length: 50 }, (_, i) => `7916000${String(i).padStart(4, '0')}`);
    const same = values.filter((v) => keys.blind('phone', v) === other.blind('phone', v)).length;
    expect(same).toBeLessThan(5);
    // The kind is part of the input: a phone digest is not an e-mail digest.
    expect(values.filter((v) => keys.blind('phone', v) === keys.blind('snils', v)).length).toBeLessThan(5);
  });
});

describe('HMAC-SHA-256 with prepared pads', () => {
  it('matches node:crypto for keys and messages of every awkward length', async () => {
    const { Hmac256, referenceHmac } = await import('../../src/modules/crypto/hmac.ts');
    for (const keyLen of [0, 1, 32, 63, 64, 65, 200]) {
      const key = Buffer.alloc(keyLen, 7);
      const h = new Hmac256(key);
      const messages = ['', 'a', 'phone\u000079161234567', 'ё'.repeat(100), 'x'.repeat(1000)];
      // Long then short again: the message is written in place over what the last one left.
      for (const msg of [...messages, ...messages.reverse()]) {
        expect(h.digest(msg).equals(referenceHmac(key, msg))).toBe(true);
        expect(h.digest(Buffer.from(msg)).equals(referenceHmac(key, msg))).toBe(true);
      }
    }
  });
});
