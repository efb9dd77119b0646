import { type Kysely, sql } from 'kysely';

/**
 * The complaint-rate circuit breaker (R20). Each e-mail records the domain it was sent from, so a
 * clinic's rolling 24-hour complaint rate can be measured per sending domain; `sending_domains`
 * keeps each domain's last measurement and state: `alert` from 0.1 %, `paused` from 0.3 %, when
 * advertising e-mail from it waits until a person resumes it. Both new indexes are partial: the
 * first covers e-mails only, the second complaints only, which are rare.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE outbox_messages ADD COLUMN sender_domain text`.execute(db);
  await sql`
    CREATE INDEX outbox_domain_sent_idx ON outbox_messages (tenant_id, sender_domain, sent_at)
    WHERE sender_domain IS NOT NULL`.execute(db);
  await sql`
    CREATE INDEX provider_events_complaints_idx ON delivery_provider_events (tenant_id, received_at)
    WHERE kind = 'receipt.complained'`.execute(db);
  await sql`
    CREATE TABLE sending_domains (
      tenant_id uuid NOT NULL REFERENCES tenants,
      domain text NOT NULL,
      state text NOT NULL CHECK (state IN ('ok', 'alert', 'paused')),
      -- The last measurement: e-mails sent and complaints received in the window.
      sent integer NOT NULL CHECK (sent >= 0),
      complaints integer NOT NULL CHECK (complaints >= 0),
      measured_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      -- A person's resumption after a pause: complaints before it no longer count.
      resumed_at timestamptz,
      resumed_by text,
      PRIMARY KEY (tenant_id, domain)
    )`.execute(db);
  await sql`ALTER TABLE sending_domains ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON sending_domains
    USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE ON sending_domains TO careloop_app`.execute(db);
}
