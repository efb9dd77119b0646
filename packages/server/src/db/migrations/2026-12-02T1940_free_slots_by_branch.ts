import { type Kysely, sql } from 'kysely';

/**
 * Free slots of one branch in time order, for the call centre's slot picker: the first
 * free slots of a branch from a date are an index range scan, whatever the size of the
 * schedule. (By doctor the unique (tenant, doctor, starts_at) key serves; unfiltered,
 * slots_free_idx.)
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX slots_free_branch_idx ON slots (tenant_id, branch_id, starts_at) WHERE status = 'free'`.execute(
    db,
  );
}
