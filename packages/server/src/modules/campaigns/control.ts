import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';

/**
 * The control group: a patient is held out of a campaign when the first 32 bits of
 * md5(seed:patient) fall below pct% of 2^32. Deterministic for a seed, stable across
 * the runs of a recurring campaign, and computed the same way in SQL (set-based
 * launches) and here (tests, explanations).
 */
const SPACE = 2 ** 32;

export const controlThreshold = (pct: number): number =>
  Math.floor((Math.min(Math.max(pct, 0), 100) / 100) * SPACE);

export function isControl(seed: number, patientId: string, pct: number): boolean {
  const h = createHash('md5').update(`${seed}:${patientId}`).digest();
  return h.readUInt32BE(0) < controlThreshold(pct);
}

/** The same decision as a SQL boolean over a patient-id column. */
export function controlSql(seed: number, patientId: RawBuilder<unknown>, pct: number): RawBuilder<boolean> {
  return sql<boolean>`(('x' || substr(md5(${String(seed)} || ':' || ${patientId}::text), 1, 8))::bit(32)::bigint < ${controlThreshold(pct)}::bigint)`;
}
