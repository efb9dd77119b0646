import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellKeyOf,
  KEY_SPACE,
  noiseOf,
  PERTURBATION,
  perturbCount,
  SMALL_COUNT,
} from '../../src/modules/segments/index.ts';

/** The perturbation table of the cell-key method, as pure properties (R32). */

const cellKey = fc.integer({ min: 0, max: KEY_SPACE - 1 });
const largeCount = fc.integer({ min: SMALL_COUNT, max: 5_000_000 });
/** One key in each of the table's 32 equally wide key ranges, at the same offset in each. */
const keysAcrossColumns = (offset: number): number[] =>
  Array.from({ length: 32 }, (_, i) => i * (KEY_SPACE / 32) + offset);

describe('cell-key perturbation table (R32)', () => {
  it('R32: never reveals a count of 1 to 10, whatever the cell key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SMALL_COUNT - 1 }), cellKey, (n, k) => {
        expect(perturbCount(n, k)).toEqual({ count: null, fewerThan: SMALL_COUNT });
      }),
    );
    expect(perturbCount(0, 0)).toEqual({ count: 0, fewerThan: null });
  });

  it('R32: from 11 up the shown count is within 2 of the true one and never below 11', () => {
    fc.assert(
      fc.property(largeCount, cellKey, (n, k) => {
        const shown = perturbCount(n, k);
        expect(shown.fewerThan).toBeNull();
        expect(Number.isInteger(shown.count)).toBe(true);
        expect(Math.abs(shown.count! - n)).toBeLessThanOrEqual(2);
        expect(shown.count!).toBeGreaterThanOrEqual(SMALL_COUNT);
      }),
    );
  });

  it('R32: the noise has mean exactly zero over the cell keys, for every true count', () => {
    // Cell keys are uniform, and each column of the table covers exactly 2^26 of them: the mean
    // over keys is the mean over the 32 columns.
    for (const [name, row] of Object.entries(PERTURBATION)) {
      expect(row, name).toHaveLength(32);
      expect(
        row.reduce((a, b) => a + b, 0),
        name,
      ).toBe(0);
    }
    fc.assert(
      fc.property(largeCount, fc.integer({ min: 0, max: KEY_SPACE / 32 - 1 }), (n, offset) => {
        const noise = keysAcrossColumns(offset).map((k) => noiseOf(n, k));
        expect(noise.reduce((a, b) => a + b, 0)).toBe(0);
      }),
    );
    // Large counts really are perturbed: the noise takes every value from −2 to +2.
    expect(new Set(keysAcrossColumns(0).map((k) => noiseOf(1000, k)))).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('R32: is deterministic: the same count and cell key always give the same figure', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), cellKey, (n, k) => {
        expect(perturbCount(n, k)).toEqual(perturbCount(n, k));
      }),
    );
  });

  it('R32: a cell key is the record keys summed modulo 2^31, whatever their order', () => {
    fc.assert(
      fc.property(fc.array(cellKey, { maxLength: 200 }), (keys) => {
        const k = cellKeyOf(keys);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThan(KEY_SPACE);
        expect(cellKeyOf([...keys].reverse())).toBe(k);
        expect(k).toBe(Number(keys.reduce((a, b) => a + BigInt(b), 0n) % BigInt(KEY_SPACE)));
      }),
    );
    expect(cellKeyOf([])).toBe(0);
  });

  it('R32: differencing two large perturbed counts rarely gives the small difference exactly', () => {
    // Two independent uniform cell keys: the difference of the shown counts equals the true
    // difference only when both draws agree, 222 of 1024 column pairs (Σ p²) for the full row.
    const row = PERTURBATION.from13;
    let agree = 0;
    for (const a of row) for (const b of row) if (a === b) agree++;
    expect(agree).toBe(222);
    // Bad cell keys and counts are broken invariants, not figures.
    expect(() => perturbCount(20, KEY_SPACE)).toThrow(RangeError);
    expect(() => perturbCount(20, -1)).toThrow(RangeError);
    expect(() => perturbCount(-1, 0)).toThrow(RangeError);
  });
});
