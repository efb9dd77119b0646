import { type Kysely, sql } from 'kysely';

/**
 * Imports from clinic systems: saved sources with their column mappings, one batch
 * per file, a quarantine for every row that could not be taken as it was (the row
 * itself encrypted), and the provenance of every patient: which source, batch and
 * row it came from, keyed so that re-importing a file changes nothing.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE import_sources (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      name text NOT NULL,
      mapping jsonb,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, name)
    )`.execute(db);

  await sql`
    CREATE TABLE import_batches (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      source_id uuid NOT NULL,
      file_name text NOT NULL,
      file_digest bytea,
      format text NOT NULL,
      encoding text,
      delimiter text,
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
      counts jsonb NOT NULL DEFAULT '{}'::jsonb,
      error text,
      created_by text NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, source_id) REFERENCES import_sources
    )`.execute(db);

  await sql`
    CREATE TABLE import_quarantine (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      batch_id uuid NOT NULL,
      row_no integer NOT NULL,
      verdict text NOT NULL CHECK (verdict IN ('rejected', 'partial')),
      patient_id uuid,
      -- Field, reason and severity of each issue; the values are only in raw_enc.
      issues jsonb NOT NULL,
      key_version integer NOT NULL,
      raw_enc bytea NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fixed', 'dismissed')),
      created_at timestamptz NOT NULL,
      resolved_at timestamptz,
      resolved_by text,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, batch_id, row_no),
      FOREIGN KEY (tenant_id, batch_id) REFERENCES import_batches
    )`.execute(db);
  await sql`CREATE INDEX import_quarantine_open_idx ON import_quarantine (tenant_id, batch_id, row_no) WHERE status = 'open'`.execute(
    db,
  );

  await sql`
    CREATE TABLE patient_sources (
      tenant_id uuid NOT NULL REFERENCES tenants,
      source_id uuid NOT NULL,
      record_hmac bytea NOT NULL,
      patient_id uuid NOT NULL,
      external_hmac bytea,
      batch_id uuid NOT NULL,
      row_no integer NOT NULL,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, source_id, record_hmac),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX patient_sources_external_idx ON patient_sources (tenant_id, source_id, external_hmac)`.execute(
    db,
  );
  await sql`CREATE INDEX patient_sources_patient_idx ON patient_sources (tenant_id, patient_id)`.execute(db);

  // Clinical data (diagnoses) from the clinic's records: the code and its text are
  // encrypted under the patient's key, like identity and contacts.
  await sql`
    CREATE TABLE patient_conditions (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      visit_id uuid,
      code_enc bytea NOT NULL,
      onset date,
      clinical_status text,
      recorded_at timestamptz NOT NULL,
      batch_id uuid,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX patient_conditions_patient_idx ON patient_conditions (tenant_id, patient_id)`.execute(
    db,
  );

  for (const table of [
    'import_sources',
    'import_batches',
    'import_quarantine',
    'patient_sources',
    'patient_conditions',
  ]) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
