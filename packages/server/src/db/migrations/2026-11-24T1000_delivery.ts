import { type Kysely, sql } from 'kysely';

/**
 * Delivery: the transactional outbox (one row per message, keyed deterministically so a
 * replay never sends twice, R25, R51), the per-patient contact-pressure counters shared by
 * every campaign (R24), channel suppressions (bounces, complaints, STOP keywords, R54), and
 * provider events deduplicated by their id (R54).
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE outbox_messages (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      -- H(tenant, campaign or trigger, patient, channel, occurrence key): a replay is a no-op (R51).
      idem_key bytea NOT NULL,
      patient_id uuid NOT NULL,
      purpose text NOT NULL,
      campaign_id uuid,
      -- What the caller asked for ('preferred' resolves at claim time) and what was chosen.
      channel_requested text NOT NULL CHECK (channel_requested IN ('email', 'sms', 'messenger', 'call', 'preferred')),
      channel text CHECK (channel IN ('email', 'sms', 'messenger', 'call')),
      template_id text NOT NULL,
      template_version integer NOT NULL,
      -- Non-personal render values (slot, links, clinic); patient data is read at send time.
      context jsonb NOT NULL DEFAULT '{}'::jsonb,
      occurrence_key text NOT NULL,
      state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'review')),
      skip_reason text,
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL,
      -- End of the send window: later it is skipped, never sent late (R25, R55).
      expires_at timestamptz,
      next_attempt_at timestamptz NOT NULL,
      provider text,
      provider_message_id text,
      last_error text,
      -- Why it was sent or skipped: consent events, template version, cap counters (R56).
      decision jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      sending_at timestamptz,
      sent_at timestamptz,
      delivered_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, idem_key),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX outbox_due_idx ON outbox_messages (tenant_id, next_attempt_at) WHERE state = 'queued'`.execute(
    db,
  );
  await sql`CREATE INDEX outbox_sending_idx ON outbox_messages (tenant_id, sending_at) WHERE state = 'sending'`.execute(
    db,
  );
  await sql`CREATE INDEX outbox_patient_idx ON outbox_messages (tenant_id, patient_id, created_at)`.execute(
    db,
  );
  await sql`CREATE INDEX outbox_campaign_idx ON outbox_messages (tenant_id, campaign_id, state) WHERE campaign_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX outbox_provider_idx ON outbox_messages (tenant_id, provider, provider_message_id) WHERE provider_message_id IS NOT NULL`.execute(
    db,
  );

  // One row per patient, locked by the claim transaction: the budget is counted race-free.
  await sql`
    CREATE TABLE contact_pressure (
      tenant_id uuid NOT NULL REFERENCES tenants,
      patient_id uuid NOT NULL,
      day date NOT NULL,
      day_count integer NOT NULL DEFAULT 0,
      week_start date NOT NULL,
      week_count integer NOT NULL DEFAULT 0,
      last_sent_at timestamptz,
      PRIMARY KEY (tenant_id, patient_id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);

  await sql`
    CREATE TABLE delivery_suppressions (
      tenant_id uuid NOT NULL REFERENCES tenants,
      patient_id uuid NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'sms', 'messenger', 'call')),
      reason text NOT NULL CHECK (reason IN ('hard_bounce', 'complaint', 'stop_keyword', 'do_not_call', 'wrong_number', 'opt_out')),
      -- Marketing only (a STOP keyword), or every message on the channel (a bounce, a dead number).
      scope text NOT NULL CHECK (scope IN ('marketing', 'all')),
      source text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, patient_id, channel, reason)
    )`.execute(db);

  await sql`
    CREATE TABLE delivery_provider_events (
      tenant_id uuid NOT NULL REFERENCES tenants,
      provider text NOT NULL,
      event_id text NOT NULL,
      kind text NOT NULL,
      message_id uuid,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, provider, event_id)
    )`.execute(db);

  for (const table of [
    'outbox_messages',
    'contact_pressure',
    'delivery_suppressions',
    'delivery_provider_events',
  ]) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
