import { type RawBuilder, sql } from 'kysely';

/** Rows per statement in batched writes: well within the protocol's 65,535 parameters. */
export const BATCH_ROWS = 500;

export const chunks = <T>(items: readonly T[], size = BATCH_ROWS): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** A VALUES list with a type cast on every parameter (PostgreSQL cannot infer them in FROM). */
export const valuesList = (
  rows: readonly (readonly unknown[])[],
  types: readonly string[],
): RawBuilder<unknown> =>
  sql`(VALUES ${sql.join(rows.map((r) => sql`(${sql.join(r.map((v, i) => sql`${v}::${sql.raw(types[i]!)}`))})`))})`;
