import { sql } from 'kysely';
import type { Database, Tx } from '../../db/index.ts';

/**
 * Per-patient facts. Triggers (migration 2026-11-24T0900_segments) keep them in step
 * with every statement that writes patients, visits, service lines, appointments or
 * consent state; bulk loads that skip triggers (the demo generator, restores) call
 * rebuildFacts afterwards.
 */

/** Mirrors careloop_consent_bit() in the migration: the bit of each consent kind in consent_bits. */
export const CONSENT_BITS: Readonly<Record<string, number>> = {
  'pd.marketing': 1,
  'pd.marketing.health_based': 2,
  'ads.receive.email': 4,
  'ads.receive.sms': 8,
  'ads.receive.messenger': 16,
  'ads.receive.call': 32,
  'pd.distribution': 64,
  'tracking.web': 128,
};

/** Recomputes the facts of some patients (any status: merged and erased ones lose theirs). */
export async function refreshFacts(tx: Tx, tenantId: string, patientIds: readonly string[]): Promise<void> {
  if (patientIds.length === 0) return;
  await sql`SELECT careloop_refresh_facts(${tenantId}::uuid, ${[...patientIds]}::uuid[])`.execute(tx);
}

/** Records that Careloop messaged these patients (engagement facts; called by delivery). */
export async function noteMessaged(tx: Tx, patientIds: readonly string[], at: Date): Promise<void> {
  if (patientIds.length === 0) return;
  await sql`
    UPDATE patient_facts SET last_messaged_at = ${at}
     WHERE patient_id = ANY (${[...patientIds]}::uuid[])
       AND (last_messaged_at IS NULL OR last_messaged_at < ${at})`.execute(tx);
}

export interface RebuildSummary {
  readonly patients: number;
  readonly visitFacts: number;
}

/** Above this many patients a rebuild drops the secondary indexes and builds them again afterwards. */
const BULK_PATIENTS = 200_000;

/**
 * Rebuilds one tenant's facts from scratch, set-based: a few grouped scans, no
 * per-patient work, rows inserted in key order. At a million patients, maintaining the
 * secondary indexes row by row costs far more (random page writes) than building them
 * once from sorted data, so large rebuilds drop and recreate them with their own
 * definitions (read from the catalogue, never restated here). Runs as the owner with
 * explicit tenant filters; keeps last_messaged_at, which only delivery knows.
 */
export async function rebuildFacts(db: Database, tenantId: string): Promise<RebuildSummary> {
  const t = sql`${tenantId}::uuid`;
  const summary = await db.system(async (tx) => {
    // Grouping millions of visits: give this transaction room to hash instead of spilling sorts.
    await sql`SET LOCAL work_mem = '256MB'`.execute(tx);
    await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(tx);
    const size = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM patients WHERE tenant_id = ${t} AND status = 'active'`.execute(tx);
    const bulk = size.rows[0]!.n > BULK_PATIENTS;
    const indexes = bulk
      ? (
          await sql<{ indexname: string; indexdef: string }>`
            SELECT indexname, indexdef FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename IN ('patient_facts', 'patient_visit_facts')
               AND indexname NOT LIKE '%_pkey'`.execute(tx)
        ).rows
      : [];
    for (const i of indexes) await sql`DROP INDEX ${sql.id(i.indexname)}`.execute(tx);

    await sql`
      DELETE FROM patient_facts f
       WHERE f.tenant_id = ${t}
         AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.tenant_id = f.tenant_id AND p.id = f.patient_id AND p.status = 'active')`.execute(
      tx,
    );
    const facts = await sql`
      INSERT INTO patient_facts AS f (tenant_id, patient_id, sex, birth_year, birth_md, city, home_branch_id,
          language, preferred_channel, preferred_time, first_visit_at, last_visit_at, visit_count,
          last_booked_at, consent_bits, consent_expires_at)
      SELECT p.tenant_id, p.id, p.sex, p.birth_year, p.birth_md, p.city, p.home_branch_id, p.language,
             p.preferred_channel, p.preferred_time, v.first_at, v.last_at, coalesce(v.n, 0), a.last_booked,
             coalesce(c.bits, 0), c.expires
        FROM patients p
        LEFT JOIN (SELECT patient_id, min(visited_at) AS first_at, max(visited_at) AS last_at, count(*) AS n
                     FROM visits WHERE tenant_id = ${t} GROUP BY patient_id) v ON v.patient_id = p.id
        LEFT JOIN (SELECT patient_id, max(starts_at) AS last_booked FROM appointments
                    WHERE tenant_id = ${t} AND status = 'booked' GROUP BY patient_id) a ON a.patient_id = p.id
        LEFT JOIN (SELECT patient_id, bit_or(careloop_consent_bit(kind)) AS bits,
                          min(expires_at) FILTER (WHERE careloop_consent_bit(kind) <> 0) AS expires
                     FROM consent_state WHERE tenant_id = ${t} AND status = 'granted' GROUP BY patient_id) c
               ON c.patient_id = p.id
       WHERE p.tenant_id = ${t} AND p.status = 'active'
       ORDER BY p.id
      ON CONFLICT (tenant_id, patient_id) DO UPDATE SET
        sex = excluded.sex, birth_year = excluded.birth_year, birth_md = excluded.birth_md,
        city = excluded.city, home_branch_id = excluded.home_branch_id, language = excluded.language,
        preferred_channel = excluded.preferred_channel, preferred_time = excluded.preferred_time,
        first_visit_at = excluded.first_visit_at, last_visit_at = excluded.last_visit_at,
        visit_count = excluded.visit_count, last_booked_at = excluded.last_booked_at,
        consent_bits = excluded.consent_bits, consent_expires_at = excluded.consent_expires_at`.execute(tx);

    await sql`DELETE FROM patient_visit_facts WHERE tenant_id = ${t}`.execute(tx);
    // Each visit contributes one row per specialty and per distinct service, so count(*) counts
    // visits and every aggregate can hash instead of sorting 10M+ rows for count(DISTINCT).
    const visitFacts = await sql`
      INSERT INTO patient_visit_facts (tenant_id, patient_id, dim, key, first_at, last_at, visits)
      SELECT ${t}, x.patient_id, x.dim, x.key, min(x.at), max(x.at), count(*)
        FROM (
          SELECT v.patient_id, 'specialty' AS dim, v.specialty_id AS key, v.visited_at AS at
            FROM visits v WHERE v.tenant_id = ${t} AND v.specialty_id IS NOT NULL
          UNION ALL
          SELECT v.patient_id, 'service', v.service_id, v.visited_at
            FROM visits v WHERE v.tenant_id = ${t} AND v.service_id IS NOT NULL
          UNION ALL
          SELECT l.patient_id, 'service', l.service_id, l.visited_at
            FROM (SELECT DISTINCT v.id, v.patient_id, s.service_id, v.visited_at
                    FROM visit_services s JOIN visits v ON v.tenant_id = s.tenant_id AND v.id = s.visit_id
                   WHERE s.tenant_id = ${t} AND s.service_id IS DISTINCT FROM v.service_id) l
        ) x
        JOIN patients p ON p.tenant_id = ${t} AND p.id = x.patient_id AND p.status = 'active'
       GROUP BY x.patient_id, x.dim, x.key
       ORDER BY x.patient_id, x.dim, x.key`.execute(tx);

    for (const i of indexes) await sql.raw(i.indexdef).execute(tx);
    return {
      patients: Number(facts.numAffectedRows ?? 0n),
      visitFacts: Number(visitFacts.numAffectedRows ?? 0n),
    };
  });
  await db.vacuum(['patient_facts', 'patient_visit_facts']);
  return summary;
}
