import { type Kysely, sql } from 'kysely';

/**
 * Record keys for the cell-key method (R32: perturbed counts for aggregate-only roles).
 *
 * Every patient gets a fixed random integer in [0, 2^31), drawn once when the row is inserted
 * (a column DEFAULT, from the server's strong random source) and never derived from identity.
 * It lives on `patients`, so it survives any rebuild of the facts: were it drawn again, the
 * noise of a count would change and repeated queries could average it away. The facts carry a
 * copy (filled by careloop_refresh_facts and the bulk rebuild from patients), so a count reads
 * its cell key, sum(record_key), from the same rows and covering indexes as count(*), with no
 * join to patients.
 *
 * Adding the column with a volatile default rewrites `patients` once and draws a key for every
 * existing row: that is the backfill (no UPDATE, so no facts trigger runs).
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 31 random bits: the first 8 hex digits of a version-4 UUID are random (the version nibble is the 13th).
  await sql`
    CREATE FUNCTION careloop_record_key() RETURNS integer
    LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
      SELECT (('x' || left(gen_random_uuid()::text, 8))::bit(32)::int) & 2147483647
    $$`.execute(db);
  await sql`
    ALTER TABLE patients ADD COLUMN record_key integer NOT NULL DEFAULT careloop_record_key()
      CHECK (record_key >= 0)`.execute(db);

  // The facts copy the key. ALTER … TYPE with USING rewrites the table once, reading each key from
  // patients by primary key, where an UPDATE would leave a dead version of every row behind and
  // keep index-only counts visiting the heap until a vacuum. The covering indexes counts read are
  // dropped first and built again afterwards with the key included.
  await sql`DROP INDEX patient_facts_demographic_idx`.execute(db);
  await sql`DROP INDEX patient_facts_consent_idx`.execute(db);
  await sql`
    CREATE FUNCTION pg_temp.careloop_patient_record_key(p_tenant uuid, p_id uuid) RETURNS integer
    LANGUAGE sql STABLE AS $$ SELECT record_key FROM patients WHERE tenant_id = p_tenant AND id = p_id $$`.execute(
    db,
  );
  await sql`ALTER TABLE patient_facts ADD COLUMN record_key integer`.execute(db);
  // No default: a path that writes facts without copying the key fails instead of inventing one.
  await sql`
    ALTER TABLE patient_facts
      ALTER COLUMN record_key TYPE integer USING pg_temp.careloop_patient_record_key(tenant_id, patient_id),
      ALTER COLUMN record_key SET NOT NULL`.execute(db);
  await sql`DROP FUNCTION pg_temp.careloop_patient_record_key(uuid, uuid)`.execute(db);
  await sql`
    CREATE INDEX patient_facts_demographic_idx ON patient_facts (tenant_id, sex, birth_year)
    INCLUDE (birth_md, consent_bits, consent_expires_at, patient_id, record_key)`.execute(db);
  await sql`
    CREATE INDEX patient_facts_consent_idx ON patient_facts (tenant_id, consent_bits, sex, birth_year)
    INCLUDE (birth_md, patient_id, record_key)`.execute(db);

  // As in 2026-11-24T0900_segments, plus the record key copied from the patient.
  await sql`
    CREATE OR REPLACE FUNCTION careloop_refresh_facts(p_tenant uuid, p_ids uuid[]) RETURNS void
    LANGUAGE sql AS $$
      DELETE FROM patient_facts f
       WHERE f.tenant_id = p_tenant AND f.patient_id = ANY (p_ids)
         AND NOT EXISTS (SELECT 1 FROM patients p
                          WHERE p.tenant_id = p_tenant AND p.id = f.patient_id AND p.status = 'active');
      INSERT INTO patient_facts AS f (tenant_id, patient_id, sex, birth_year, birth_md, city, home_branch_id,
          language, preferred_channel, preferred_time, first_visit_at, last_visit_at, visit_count,
          last_booked_at, consent_bits, consent_expires_at, record_key)
      SELECT p.tenant_id, p.id, p.sex, p.birth_year, p.birth_md, p.city, p.home_branch_id, p.language,
             p.preferred_channel, p.preferred_time, v.first_at, v.last_at, coalesce(v.n, 0), a.last_booked,
             coalesce(c.bits, 0), c.expires, p.record_key
        FROM patients p
        LEFT JOIN LATERAL (SELECT min(visited_at) AS first_at, max(visited_at) AS last_at, count(*) AS n
                             FROM visits WHERE tenant_id = p.tenant_id AND patient_id = p.id) v ON true
        LEFT JOIN LATERAL (SELECT max(starts_at) AS last_booked FROM appointments
                            WHERE tenant_id = p.tenant_id AND patient_id = p.id AND status = 'booked') a ON true
        LEFT JOIN LATERAL (SELECT bit_or(careloop_consent_bit(kind)) AS bits,
                                  min(expires_at) FILTER (WHERE careloop_consent_bit(kind) <> 0) AS expires
                             FROM consent_state
                            WHERE tenant_id = p.tenant_id AND patient_id = p.id AND status = 'granted') c ON true
       WHERE p.tenant_id = p_tenant AND p.id = ANY (p_ids) AND p.status = 'active'
      ON CONFLICT (tenant_id, patient_id) DO UPDATE SET
        sex = excluded.sex, birth_year = excluded.birth_year, birth_md = excluded.birth_md,
        city = excluded.city, home_branch_id = excluded.home_branch_id, language = excluded.language,
        preferred_channel = excluded.preferred_channel, preferred_time = excluded.preferred_time,
        first_visit_at = excluded.first_visit_at, last_visit_at = excluded.last_visit_at,
        visit_count = excluded.visit_count, last_booked_at = excluded.last_booked_at,
        consent_bits = excluded.consent_bits, consent_expires_at = excluded.consent_expires_at,
        record_key = excluded.record_key;
      DELETE FROM patient_visit_facts WHERE tenant_id = p_tenant AND patient_id = ANY (p_ids);
      INSERT INTO patient_visit_facts (tenant_id, patient_id, dim, key, first_at, last_at, visits)
      SELECT p_tenant, x.patient_id, x.dim, x.key, min(x.at), max(x.at), count(DISTINCT x.visit_id)
        FROM (
          SELECT v.patient_id, 'specialty' AS dim, v.specialty_id AS key, v.visited_at AS at, v.id AS visit_id
            FROM visits v WHERE v.tenant_id = p_tenant AND v.patient_id = ANY (p_ids) AND v.specialty_id IS NOT NULL
          UNION ALL
          SELECT v.patient_id, 'service', v.service_id, v.visited_at, v.id
            FROM visits v WHERE v.tenant_id = p_tenant AND v.patient_id = ANY (p_ids) AND v.service_id IS NOT NULL
          UNION ALL
          SELECT v.patient_id, 'service', s.service_id, v.visited_at, v.id
            FROM visits v JOIN visit_services s ON s.tenant_id = v.tenant_id AND s.visit_id = v.id
           WHERE v.tenant_id = p_tenant AND v.patient_id = ANY (p_ids)
        ) x
       WHERE EXISTS (SELECT 1 FROM patients p WHERE p.tenant_id = p_tenant AND p.id = x.patient_id AND p.status = 'active')
       GROUP BY x.patient_id, x.dim, x.key;
    $$`.execute(db);
}
