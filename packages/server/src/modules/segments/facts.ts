import { sql } from 'kysely';
import type { BinaryType, CopyValue, Database, Tx } from '../../db/index.ts';
import type { SealedPatient } from '../patients/index.ts';

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

/**
 * The facts of a patient created just now, for bulk loads that skip the triggers: the
 * patient's own columns, and no visits, bookings or consents yet (those columns keep
 * their defaults; a consent written afterwards refreshes the row through its trigger).
 */
const NEW_PATIENT_FACTS = {
  tenant_id: 'uuid',
  patient_id: 'uuid',
  sex: 'text',
  birth_year: 'int2',
  birth_md: 'int2',
  city: 'text',
  home_branch_id: 'uuid',
  language: 'text',
  preferred_channel: 'text',
  preferred_time: 'text',
  record_key: 'int4',
} as const satisfies Record<string, BinaryType>;

export const NEW_PATIENT_FACT_COLUMNS = Object.keys(NEW_PATIENT_FACTS) as (keyof typeof NEW_PATIENT_FACTS)[];
/** The columns' types, for binary COPY. */
export const NEW_PATIENT_FACT_TYPES: readonly BinaryType[] = Object.values(NEW_PATIENT_FACTS);

export const newPatientFacts = (p: SealedPatient['patient']): CopyValue[] =>
  NEW_PATIENT_FACT_COLUMNS.map((c) => (c === 'patient_id' ? p.id : p[c]));

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

/** Above this many patients a rebuild drops the secondary indexes and foreign keys and builds them again afterwards. */
const BULK_PATIENTS = 200_000;

/** The facts tables' secondary indexes and foreign keys, as the catalogue defines them. */
async function derivedObjects(tx: Tx): Promise<{
  indexes: { name: string; def: string }[];
  foreignKeys: { table: string; name: string; def: string }[];
}> {
  const indexes = await sql<{ name: string; def: string }>`
    SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename IN ('patient_facts', 'patient_visit_facts')
       AND indexname NOT LIKE '%_pkey'`.execute(tx);
  const foreignKeys = await sql<{ table: string; name: string; def: string }>`
    SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS def
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
     WHERE t.relnamespace = current_schema()::regnamespace AND c.contype = 'f'
       AND t.relname IN ('patient_facts', 'patient_visit_facts')`.execute(tx);
  return { indexes: indexes.rows, foreignKeys: foreignKeys.rows };
}

/**
 * Rebuilds one tenant's facts from scratch, set-based: a few grouped scans, no
 * per-patient work, rows inserted in key order. A database holding this tenant's facts
 * alone (one clinic network, the usual case) empties the facts tables with TRUNCATE:
 * fresh files, so the inserts never step over the old rows' dead index entries and the
 * VACUUM afterwards has nothing to clear. Otherwise the tenant's rows are deleted.
 *
 * At a million patients (or with `bulk`), maintaining the secondary indexes row by row
 * costs far more (random page writes) than building them once from sorted data, and the
 * foreign keys to patients check every inserted row on its own (8 M lookups) where adding
 * them back checks the whole table in one join: so large rebuilds drop both and recreate
 * them with their own definitions (read from the catalogue, never restated here). They
 * lock patients against writes first, in the order writers take their locks (patients,
 * then the facts their triggers refresh), so a writer waits instead of deadlocking.
 *
 * Runs as the owner with explicit tenant filters; keeps last_messaged_at, which only
 * delivery knows. Record keys are copied from patients, where they were drawn once, so a
 * rebuild never changes the noise of a perturbed count (cell-key.ts). The facts tables are locked until the rebuild commits.
 */
export async function rebuildFacts(
  db: Database,
  tenantId: string,
  opts: { readonly bulk?: boolean } = {},
): Promise<RebuildSummary> {
  const t = sql`${tenantId}::uuid`;
  const summary = await db.system(async (tx) => {
    // Grouping millions of visits: give this transaction room to hash instead of spilling sorts.
    await sql`SET LOCAL work_mem = '256MB'`.execute(tx);
    await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(tx);
    const size = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM patients WHERE tenant_id = ${t} AND status = 'active'`.execute(tx);
    const bulk = opts.bulk ?? size.rows[0]!.n > BULK_PATIENTS;
    if (bulk) await sql`LOCK TABLE patients IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
    const { indexes, foreignKeys } = bulk ? await derivedObjects(tx) : { indexes: [], foreignKeys: [] };

    await sql`
      CREATE TEMP TABLE careloop_messaged ON COMMIT DROP AS
      SELECT patient_id, last_messaged_at FROM patient_facts
       WHERE tenant_id = ${t} AND last_messaged_at IS NOT NULL`.execute(tx);
    // Keys are (tenant_id, …): two index probes each side of this tenant find any other.
    const shared = await sql<{ others: boolean }>`
      SELECT EXISTS (SELECT 1 FROM patient_facts WHERE tenant_id < ${t})
          OR EXISTS (SELECT 1 FROM patient_facts WHERE tenant_id > ${t})
          OR EXISTS (SELECT 1 FROM patient_visit_facts WHERE tenant_id < ${t})
          OR EXISTS (SELECT 1 FROM patient_visit_facts WHERE tenant_id > ${t}) AS others`.execute(tx);
    if (shared.rows[0]!.others) {
      await sql`DELETE FROM patient_facts WHERE tenant_id = ${t}`.execute(tx);
      await sql`DELETE FROM patient_visit_facts WHERE tenant_id = ${t}`.execute(tx);
    } else {
      await sql`TRUNCATE patient_facts, patient_visit_facts`.execute(tx);
    }
    for (const k of foreignKeys)
      await sql`ALTER TABLE ${sql.id(k.table)} DROP CONSTRAINT ${sql.id(k.name)}`.execute(tx);
    for (const i of indexes) await sql`DROP INDEX ${sql.id(i.name)}`.execute(tx);

    const facts = await sql`
      INSERT INTO patient_facts (tenant_id, patient_id, sex, birth_year, birth_md, city, home_branch_id,
          language, preferred_channel, preferred_time, first_visit_at, last_visit_at, visit_count,
          last_booked_at, consent_bits, consent_expires_at, last_messaged_at, record_key)
      SELECT p.tenant_id, p.id, p.sex, p.birth_year, p.birth_md, p.city, p.home_branch_id, p.language,
             p.preferred_channel, p.preferred_time, v.first_at, v.last_at, coalesce(v.n, 0), a.last_booked,
             coalesce(c.bits, 0), c.expires, m.last_messaged_at, p.record_key
        FROM patients p
        LEFT JOIN (SELECT patient_id, min(visited_at) AS first_at, max(visited_at) AS last_at, count(*) AS n
                     FROM visits WHERE tenant_id = ${t} GROUP BY patient_id) v ON v.patient_id = p.id
        LEFT JOIN (SELECT patient_id, max(starts_at) AS last_booked FROM appointments
                    WHERE tenant_id = ${t} AND status = 'booked' GROUP BY patient_id) a ON a.patient_id = p.id
        LEFT JOIN (SELECT patient_id, bit_or(careloop_consent_bit(kind)) AS bits,
                          min(expires_at) FILTER (WHERE careloop_consent_bit(kind) <> 0) AS expires
                     FROM consent_state WHERE tenant_id = ${t} AND status = 'granted' GROUP BY patient_id) c
               ON c.patient_id = p.id
        LEFT JOIN careloop_messaged m ON m.patient_id = p.id
       WHERE p.tenant_id = ${t} AND p.status = 'active'
       ORDER BY p.id`.execute(tx);

    // Each visit contributes one row per specialty and per distinct service (one pass over visits
    // for its specialty and main service), so count(*) counts visits and no aggregate needs
    // count(DISTINCT) over 10M+ rows.
    const visitFacts = await sql`
      INSERT INTO patient_visit_facts (tenant_id, patient_id, dim, key, first_at, last_at, visits)
      SELECT ${t}, x.patient_id, x.dim, x.key, min(x.at), max(x.at), count(*)
        FROM (
          SELECT v.patient_id, d.dim, d.key, v.visited_at AS at
            FROM visits v CROSS JOIN LATERAL (VALUES ('specialty', v.specialty_id), ('service', v.service_id)) d (dim, key)
           WHERE v.tenant_id = ${t} AND d.key IS NOT NULL
          UNION ALL
          SELECT l.patient_id, 'service', l.service_id, l.visited_at
            FROM (SELECT DISTINCT v.id, v.patient_id, s.service_id, v.visited_at
                    FROM visit_services s JOIN visits v ON v.tenant_id = s.tenant_id AND v.id = s.visit_id
                   WHERE s.tenant_id = ${t} AND s.service_id IS DISTINCT FROM v.service_id) l
        ) x
        JOIN patients p ON p.tenant_id = ${t} AND p.id = x.patient_id AND p.status = 'active'
       GROUP BY x.patient_id, x.dim, x.key
       ORDER BY x.patient_id, x.dim, x.key`.execute(tx);

    for (const i of indexes) await sql.raw(i.def).execute(tx);
    for (const k of foreignKeys)
      await sql`ALTER TABLE ${sql.id(k.table)} ADD CONSTRAINT ${sql.id(k.name)} ${sql.raw(k.def)}`.execute(
        tx,
      );
    return {
      patients: Number(facts.numAffectedRows ?? 0n),
      visitFacts: Number(visitFacts.numAffectedRows ?? 0n),
    };
  });
  await db.vacuum(['patient_facts', 'patient_visit_facts']);
  return summary;
}
