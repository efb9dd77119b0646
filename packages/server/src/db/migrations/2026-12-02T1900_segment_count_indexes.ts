import { type Kysely, sql } from 'kysely';

/**
 * Indexes for segment counts at a million patients.
 * - Marketing audiences always require consents: the compiler tests consent_bits as a list of
 *   values (every value holding the required bits), so this index seeks straight to the
 *   consenting patients, then narrows by sex and birth year, and answers from the index alone.
 * - Granted consents with a term: the compiler's lapse check (a bit whose grant has run out but
 *   is not yet marked expired) and the expiry job read this small set instead of the ledger.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX patient_facts_consent_idx ON patient_facts (tenant_id, consent_bits, sex, birth_year)
    INCLUDE (birth_md, patient_id)`.execute(db);
  await sql`
    CREATE INDEX consent_state_term_idx ON consent_state (tenant_id, expires_at) INCLUDE (patient_id, kind)
    WHERE status = 'granted' AND expires_at IS NOT NULL`.execute(db);
}
