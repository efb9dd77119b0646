import { type Kysely, sql } from 'kysely';

/**
 * The call-centre worklist: one task per call the delivery worker "sends", keyed by its
 * idempotency key so a retried send makes no second task. The script names the patient, so it is
 * sealed under the patient's key. Outreach holds keep a patient out of marketing after a call:
 * moved away (indefinitely) or declined (a cool-down until a date).
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE call_tasks (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      message_id uuid,
      campaign_id uuid,
      purpose text NOT NULL,
      idempotency_key text NOT NULL,
      key_version integer NOT NULL,
      script_enc bytea NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'done', 'cancelled')),
      due_at timestamptz NOT NULL,
      assigned_to text,
      claimed_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      outcome text CHECK (outcome IN ('booked', 'declined', 'call_later', 'moved_away', 'wrong_number', 'do_not_call')),
      appointment_id uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      closed_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, idempotency_key),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX call_tasks_open_idx ON call_tasks (tenant_id, due_at) WHERE status IN ('open', 'claimed')`.execute(
    db,
  );
  await sql`CREATE INDEX call_tasks_patient_idx ON call_tasks (tenant_id, patient_id)`.execute(db);

  await sql`
    CREATE TABLE patient_outreach_holds (
      tenant_id uuid NOT NULL REFERENCES tenants,
      patient_id uuid NOT NULL,
      reason text NOT NULL CHECK (reason IN ('moved_away', 'declined')),
      -- NULL: until someone lifts it (the patient is back); a date: a cool-down.
      until timestamptz,
      source text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, patient_id, reason),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);

  for (const table of ['call_tasks', 'patient_outreach_holds']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
