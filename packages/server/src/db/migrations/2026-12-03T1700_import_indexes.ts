import { type Kysely, sql } from 'kysely';

/**
 * Fewer index entries per imported patient (a 1 M-row import maintained 18 per patient).
 * - `patients_demographic_idx` and `patients_birthday_idx` date from before the segment facts:
 *   every filter on sex, birth year and birthday now reads `patient_facts`, whose covering
 *   indexes answer it, so these two were written on every insert and read by nothing.
 * - `patient_sources_external_idx` finds the patient behind an MIS id (`external_hmac = ANY …`);
 *   rows without an MIS id never match, so they leave the index.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX patients_demographic_idx`.execute(db);
  await sql`DROP INDEX patients_birthday_idx`.execute(db);
  await sql`DROP INDEX patient_sources_external_idx`.execute(db);
  await sql`
    CREATE INDEX patient_sources_external_idx ON patient_sources (tenant_id, source_id, external_hmac)
    WHERE external_hmac IS NOT NULL`.execute(db);
}
