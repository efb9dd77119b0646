import { type Kysely, sql } from 'kysely';

/**
 * Campaigns built from playbooks: the clinic's tuned copy of a playbook, one run per
 * occurrence (a day for recurring campaigns), the audience snapshot of every run with
 * its arm (treatment or held-out control), signed links for slot offers and surveys,
 * and survey answers.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaigns (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      playbook text NOT NULL,
      name text NOT NULL,
      purpose text NOT NULL,
      -- 'preferred': each patient's preferred channel among those they consented to, chosen at send time.
      channel text NOT NULL CHECK (channel IN ('email', 'sms', 'messenger', 'call', 'preferred')),
      template_key text NOT NULL,
      params jsonb NOT NULL DEFAULT '{}'::jsonb,
      schedule text NOT NULL CHECK (schedule IN ('once', 'daily')),
      control_pct numeric(5, 2) NOT NULL DEFAULT 10 CHECK (control_pct >= 0 AND control_pct < 100),
      seed integer NOT NULL,
      attribution_days integer NOT NULL DEFAULT 30 CHECK (attribution_days BETWEEN 1 AND 365),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'finished')),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    )`.execute(db);
  await sql`CREATE INDEX campaigns_active_idx ON campaigns (tenant_id) WHERE status = 'active'`.execute(db);

  // One run per occurrence: a second launch on the same occurrence finds the first and sends nothing (R25).
  await sql`
    CREATE TABLE campaign_runs (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      campaign_id uuid NOT NULL,
      occurrence text NOT NULL,
      started_at timestamptz NOT NULL,
      eligible integer NOT NULL DEFAULT 0,
      treatment integer NOT NULL DEFAULT 0,
      control integer NOT NULL DEFAULT 0,
      queued integer NOT NULL DEFAULT 0,
      started_by text NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, campaign_id, occurrence),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns
    )`.execute(db);

  // The audience snapshot. The member key carries the playbook's occurrence key (recall episode,
  // birthday year, visit…), so a patient is enrolled once per occurrence however often the campaign runs.
  await sql`
    CREATE TABLE campaign_members (
      tenant_id uuid NOT NULL REFERENCES tenants,
      campaign_id uuid NOT NULL,
      patient_id uuid NOT NULL,
      occurrence text NOT NULL,
      run_id uuid NOT NULL,
      arm text NOT NULL CHECK (arm IN ('treatment', 'control')),
      -- The send time for treatment, the would-be send time for control: attribution counts from it.
      enrolled_at timestamptz NOT NULL,
      -- What the message is about: the visit (cross-sell, survey) or the appointment (reminder).
      ref_id uuid,
      -- Gap filling: the free slots offered.
      slot_ids uuid[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (tenant_id, campaign_id, patient_id, occurrence),
      FOREIGN KEY (tenant_id, run_id) REFERENCES campaign_runs,
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX campaign_members_run_idx ON campaign_members (tenant_id, run_id, arm)`.execute(db);
  await sql`CREATE INDEX campaign_members_patient_idx ON campaign_members (tenant_id, patient_id)`.execute(
    db,
  );

  // Signed links in messages: a slot offer (book one of these slots) or a survey. Found by hash alone.
  await sql`
    CREATE TABLE campaign_links (
      tenant_id uuid NOT NULL REFERENCES tenants,
      token_hash bytea NOT NULL,
      kind text NOT NULL CHECK (kind IN ('offer', 'survey')),
      campaign_id uuid NOT NULL,
      run_id uuid NOT NULL,
      patient_id uuid NOT NULL,
      slot_ids uuid[] NOT NULL DEFAULT '{}',
      visit_id uuid,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (tenant_id, token_hash),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns,
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX campaign_links_token_key ON campaign_links (token_hash)`.execute(db);
  await sql`CREATE INDEX campaign_links_run_idx ON campaign_links (tenant_id, run_id)`.execute(db);

  // Survey answers: scores only (engagement data); one answer per link, the last one counts.
  await sql`
    CREATE TABLE survey_responses (
      tenant_id uuid NOT NULL REFERENCES tenants,
      token_hash bytea NOT NULL,
      campaign_id uuid NOT NULL,
      patient_id uuid NOT NULL,
      visit_id uuid,
      nps smallint CHECK (nps BETWEEN 0 AND 10),
      csat smallint CHECK (csat BETWEEN 1 AND 5),
      answered_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, token_hash),
      FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns,
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX survey_responses_campaign_idx ON survey_responses (tenant_id, campaign_id)`.execute(
    db,
  );

  // Attribution looks for bookings made after a send: by patient and creation time.
  await sql`CREATE INDEX appointments_created_idx ON appointments (tenant_id, patient_id, created_at)`.execute(
    db,
  );

  for (const table of [
    'campaigns',
    'campaign_runs',
    'campaign_members',
    'campaign_links',
    'survey_responses',
  ]) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
