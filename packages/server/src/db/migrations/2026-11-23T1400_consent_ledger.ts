import { type Kysely, sql } from 'kysely';

/**
 * The consent ledger (R1–R3, R10–R12): versioned consent documents, append-only
 * consent events per (tenant, patient, kind), representatives for minors, and the
 * current-state projection that segments and the sender read.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One document per consent kind (no bundling, R3); a new text is a new version (R12).
  await sql`
    CREATE TABLE consent_documents (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      kind text NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      locale text NOT NULL CHECK (locale IN ('ru', 'en')),
      title text NOT NULL,
      body text NOT NULL,
      body_hash bytea NOT NULL,
      written_form boolean NOT NULL DEFAULT false,
      -- A version that widens what is agreed to: grants of earlier versions no longer cover it (R12).
      widens boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, kind, locale, version)
    )`.execute(db);

  await sql`
    CREATE TABLE patient_representatives (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      -- Name and authority document (birth certificate, guardianship order), encrypted.
      details_enc bytea NOT NULL,
      relationship text NOT NULL CHECK (relationship IN ('parent', 'guardian', 'trustee', 'other')),
      verified_by text NOT NULL,
      verified_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients
    )`.execute(db);

  await sql`
    CREATE TABLE consent_events (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      kind text NOT NULL,
      channel text CHECK (channel IN ('email', 'sms', 'messenger', 'call')),
      event text NOT NULL CHECK (event IN ('granted', 'withdrawn', 'expired', 'superseded')),
      document_id uuid,
      document_hash bytea,
      legal_basis text NOT NULL DEFAULT 'consent' CHECK (legal_basis IN ('consent', 'written_consent', 'treatment', 'legal_obligation')),
      jurisdiction text NOT NULL DEFAULT 'RU' CHECK (jurisdiction IN ('RU', 'EU', 'US')),
      capture_method text NOT NULL CHECK (capture_method IN
        ('paper', 'e_signature', 'web_form', 'sms_code', 'messenger', 'phone_call', 'mis_import', 'preference_page', 'unsubscribe_link', 'sms_keyword', 'system')),
      -- IP, user agent, signature artefact reference: encrypted under the patient's key.
      evidence_enc bytea,
      representative_id uuid,
      actor text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients,
      FOREIGN KEY (tenant_id, document_id) REFERENCES consent_documents,
      FOREIGN KEY (tenant_id, representative_id) REFERENCES patient_representatives
    )`.execute(db);
  await sql`CREATE INDEX consent_events_patient_idx ON consent_events (tenant_id, patient_id, kind, occurred_at)`.execute(
    db,
  );
  await sql`
    CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only()`.execute(db);

  // Current state, one row per (patient, kind); rebuilt from the ledger at any time.
  await sql`
    CREATE TABLE consent_state (
      tenant_id uuid NOT NULL REFERENCES tenants,
      patient_id uuid NOT NULL,
      kind text NOT NULL,
      channel text,
      status text NOT NULL CHECK (status IN ('granted', 'withdrawn', 'expired', 'superseded')),
      since timestamptz NOT NULL,
      expires_at timestamptz,
      event_id uuid NOT NULL,
      document_id uuid,
      PRIMARY KEY (tenant_id, patient_id, kind),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients
    )`.execute(db);
  await sql`CREATE INDEX consent_state_kind_idx ON consent_state (tenant_id, kind, patient_id) WHERE status = 'granted'`.execute(
    db,
  );

  for (const table of ['consent_documents', 'patient_representatives', 'consent_events', 'consent_state']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  }
  await sql`GRANT SELECT, INSERT, UPDATE ON consent_documents TO careloop_app`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON patient_representatives TO careloop_app`.execute(db);
  // The ledger itself: the application may read and append, never change or remove (R1).
  await sql`GRANT SELECT, INSERT ON consent_events TO careloop_app`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON consent_state TO careloop_app`.execute(db);
}
