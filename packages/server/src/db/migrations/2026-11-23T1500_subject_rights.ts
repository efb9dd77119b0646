import { type Kysely, sql } from 'kysely';

/**
 * Data-subject requests with their legal deadlines (R9, R35, R36), and the opaque
 * links patients use without signing in: the preference page and one-click
 * unsubscribe (R4, R8, R18).
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE subject_requests (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'objection', 'restriction', 'unlawful_processing')),
      jurisdiction text NOT NULL CHECK (jurisdiction IN ('RU', 'EU', 'US')),
      received_via text NOT NULL CHECK (received_via IN ('front_desk', 'post', 'email', 'web', 'phone', 'preference_page')),
      received_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      extended_due_at timestamptz,
      extension_reason text,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'rejected')),
      closed_at timestamptz,
      -- What was done, for the record (destruction act, export summary): never personal data.
      outcome jsonb,
      created_by text NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients
    )`.execute(db);
  await sql`CREATE INDEX subject_requests_open_idx ON subject_requests (tenant_id, due_at) WHERE status = 'open'`.execute(
    db,
  );

  await sql`
    CREATE TABLE patient_links (
      tenant_id uuid NOT NULL REFERENCES tenants,
      token_hash bytea NOT NULL,
      patient_id uuid NOT NULL,
      purpose text NOT NULL CHECK (purpose IN ('preferences', 'unsubscribe')),
      channel text CHECK (channel IN ('email', 'sms', 'messenger', 'call')),
      message_id uuid,
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      PRIMARY KEY (tenant_id, token_hash),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  // A link arrives without a tenant: it is found by its hash alone.
  await sql`CREATE UNIQUE INDEX patient_links_token_key ON patient_links (token_hash)`.execute(db);
  await sql`CREATE INDEX patient_links_patient_idx ON patient_links (tenant_id, patient_id)`.execute(db);

  for (const table of ['subject_requests', 'patient_links']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
