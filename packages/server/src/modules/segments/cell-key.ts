import { type RawBuilder, sql } from 'kysely';

/**
 * The cell-key method (ABS TableBuilder; Eurostat "cell key method") for counts shown to
 * aggregate-only roles (R30, R32). Pure: no database, no clock, no randomness.
 *
 * Every patient carries a fixed random record key, uniform in [0, 2^31) (patients.record_key,
 * drawn once at insert, copied into the facts). The cell key of a count is the sum of its
 * members' record keys modulo 2^31: uniform for any non-empty set, the same for the same set
 * whatever rule selected it, and independent between two sets that differ by at least one
 * member (the members in one set only shift the sum by an independent uniform amount). The
 * perturbation table below maps (true count, cell key) to the count shown:
 *
 * - 0 is shown as 0 (an empty cell reveals nobody; the cell key of no one is 0);
 * - 1…10 are never shown: "fewer than 11" (R32 small cells);
 * - from 11 up, the shown count is the true count plus noise in −2…+2, never below 11, with
 *   mean exactly 0 over the cell keys for every true count (so totals stay unbiased). Eleven
 *   itself can only be shown as 11 (zero mean with no value below it forces no noise), twelve
 *   moves by −1…+2, and from thirteen on the full row applies.
 *
 * So asking again (or for the same patients by another rule) returns the same figure, and
 * averaging repeats gains nothing; the difference of two large counts, such as A and
 * A AND NOT B for a small B, carries the noise of both and equals |A ∩ B| only when the two
 * draws happen to agree (222/1024 ≈ 22 % of pairs of full rows).
 */

/** Record keys and cell keys are integers in [0, KEY_SPACE). */
export const KEY_SPACE = 2 ** 31;
/** Counts from 1 to this minus one are never shown to aggregate-only roles (R32 small cells). */
export const SMALL_COUNT = 11;
/** The cell key's top 5 bits choose one of 32 equally likely columns of the table. */
const COLUMNS = 32;
const COLUMN_WIDTH = KEY_SPACE / COLUMNS;

/** A row of the table: the noise of each column, from how many columns get each noise value. */
function row(counts: Readonly<Record<number, number>>): readonly number[] {
  const out: number[] = [];
  for (const [noise, n] of Object.entries(counts)) for (let i = 0; i < n; i++) out.push(Number(noise));
  if (out.length !== COLUMNS) throw new Error('A perturbation row must fill every column.');
  return Object.freeze(out);
}

/**
 * The perturbation table by true count (11, 12, then every count from 13 up). Each row sums
 * to 0 over its 32 columns (zero mean) and keeps count + noise ≥ 11. The full row's variance
 * is 52/32 ≈ 1.6.
 */
export const PERTURBATION: Readonly<{
  at11: readonly number[];
  at12: readonly number[];
  from13: readonly number[];
}> = Object.freeze({
  at11: row({ 0: 32 }),
  at12: row({ [-1]: 8, 0: 18, 1: 4, 2: 2 }),
  from13: row({ [-2]: 5, [-1]: 6, 0: 10, 1: 6, 2: 5 }),
});

/** The noise added to a true count of 11 or more with this cell key. */
export function noiseOf(count: number, cellKey: number): number {
  if (!Number.isInteger(cellKey) || cellKey < 0 || cellKey >= KEY_SPACE)
    throw new RangeError(`A cell key is an integer in [0, 2^31), not ${cellKey}.`);
  if (!Number.isInteger(count) || count < SMALL_COUNT)
    throw new RangeError(`Only counts of ${SMALL_COUNT} or more are perturbed, not ${count}.`);
  const r = count === 11 ? PERTURBATION.at11 : count === 12 ? PERTURBATION.at12 : PERTURBATION.from13;
  return r[Math.floor(cellKey / COLUMN_WIDTH)]!;
}

/** A count as an aggregate-only viewer sees it: `count` null means "fewer than `fewerThan`". */
export interface ShownCount {
  readonly count: number | null;
  readonly fewerThan: number | null;
}

/** The cell-key perturbation of one count (see the rules above). */
export function perturbCount(count: number, cellKey: number): ShownCount {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`Not a count: ${count}.`);
  if (count === 0) return { count: 0, fewerThan: null };
  if (count < SMALL_COUNT) return { count: null, fewerThan: SMALL_COUNT };
  return { count: count + noiseOf(count, cellKey), fewerThan: null };
}

/** The cell key of a set of records: the sum of their keys modulo 2^31 (what cellKeySql computes). */
export const cellKeyOf = (recordKeys: Iterable<number>): number => {
  let sum = 0;
  for (const k of recordKeys) sum = (sum + k) % KEY_SPACE;
  return sum;
};

/**
 * The SQL aggregate of a cell key over rows with a record_key column (`sum` is a bigint, so a
 * million keys cannot overflow it), optionally over the rows matching a filter. 0 for no rows.
 */
export const cellKeySql = (
  recordKey: RawBuilder<unknown>,
  filter?: RawBuilder<unknown>,
): RawBuilder<number> =>
  sql<number>`(coalesce(sum(${recordKey})${filter ? sql` FILTER (WHERE ${filter})` : sql``}, 0) % 2147483648)::int`;
