import { type Kysely, sql } from 'kysely';

/**
 * Identity resolution: resolution runs, the review queue of candidate pairs (scores and
 * per-field agreement levels only — never names or numbers), and merge lineage that
 * lets a merge be undone exactly (the survivor's previous ciphertexts and every moved
 * row). Consent events gain the capture method `merge`: a merge carries a withdrawal
 * over to the survivor and an unmerge restores what it replaced, both on the ledger.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consent_events DROP CONSTRAINT consent_events_capture_method_check`.execute(db);
  await sql`
    ALTER TABLE consent_events ADD CONSTRAINT consent_events_capture_method_check CHECK (capture_method IN
      ('paper', 'e_signature', 'web_form', 'sms_code', 'messenger', 'phone_call', 'mis_import', 'preference_page',
       'unsubscribe_link', 'sms_keyword', 'system', 'merge'))`.execute(db);

  await sql`
    CREATE TABLE identity_runs (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
      batch_id uuid,
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
      counts jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_by text NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    )`.execute(db);

  // One row per unordered pair (patient_a < patient_b). A rejected pair stays rejected:
  // later runs never propose or merge it again.
  await sql`
    CREATE TABLE identity_candidates (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_a uuid NOT NULL,
      patient_b uuid NOT NULL,
      probability double precision NOT NULL,
      weight double precision NOT NULL,
      reason text NOT NULL CHECK (reason IN ('between_thresholds', 'held_back', 'conflict')),
      -- [{field, level, weight}]: agreement levels only, no values.
      evidence jsonb NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'rejected')),
      run_id uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      resolved_by text,
      resolved_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, patient_a, patient_b),
      CHECK (patient_a < patient_b),
      FOREIGN KEY (tenant_id, patient_a) REFERENCES patients,
      FOREIGN KEY (tenant_id, patient_b) REFERENCES patients
    )`.execute(db);
  await sql`CREATE INDEX identity_candidates_open_idx ON identity_candidates (tenant_id, probability DESC, id) WHERE status = 'open'`.execute(
    db,
  );
  await sql`CREATE INDEX identity_candidates_b_idx ON identity_candidates (tenant_id, patient_b)`.execute(db);

  await sql`
    CREATE TABLE patient_merges (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      survivor_id uuid NOT NULL,
      merged_id uuid NOT NULL,
      candidate_id uuid,
      method text NOT NULL CHECK (method IN ('auto', 'manual')),
      probability double precision,
      -- The survivor before the merge: its ciphertexts (under its own key) and clear columns.
      previous_identity_enc bytea,
      previous_contact_enc bytea,
      previous_profile jsonb NOT NULL,
      -- Ids of the visits, appointments, conditions and provenance rows moved, and consent changes.
      moves jsonb NOT NULL,
      actor text NOT NULL,
      merged_at timestamptz NOT NULL,
      undone_by text,
      undone_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, survivor_id) REFERENCES patients,
      FOREIGN KEY (tenant_id, merged_id) REFERENCES patients
    )`.execute(db);
  await sql`CREATE INDEX patient_merges_survivor_idx ON patient_merges (tenant_id, survivor_id, merged_at)`.execute(
    db,
  );
  await sql`CREATE INDEX patient_merges_merged_idx ON patient_merges (tenant_id, merged_id)`.execute(db);
  await sql`CREATE INDEX patients_merged_into_idx ON patients (tenant_id, merged_into) WHERE merged_into IS NOT NULL`.execute(
    db,
  );

  for (const table of ['identity_runs', 'identity_candidates', 'patient_merges']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
