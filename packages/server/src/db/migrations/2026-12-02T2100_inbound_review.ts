import { type Kysely, sql } from 'kysely';

/**
 * The inbound review queue (R8): every message a patient sends that is not a STOP keyword waits
 * here for a person, due within one working day. One row per provider event, so a repeated
 * webhook adds nothing (R54). What was written (and who wrote it) is free personal data that may
 * mention health: it is sealed under the tenant's data key, never stored in clear. The senders'
 * patients are kept as ids, so erasing a patient finds their messages.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE inbound_messages (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      provider text NOT NULL,
      event_id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms', 'messenger')),
      -- Patients whose number or messenger id sent it (confirmed by decrypting); empty: unknown sender.
      patient_ids uuid[] NOT NULL DEFAULT '{}',
      -- Sender, text and the reviewer's note, sealed under this version of the tenant data key.
      key_version integer NOT NULL,
      content_enc bytea NOT NULL,
      -- The heuristic "looks like a withdrawal": sorts such messages first; a person decides.
      looks_like_withdrawal boolean NOT NULL,
      received_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      resolution text CHECK (resolution IN ('withdrawal', 'no_action')),
      resolved_by text,
      resolved_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, provider, event_id),
      CHECK ((status = 'open') = (resolution IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX inbound_open_idx ON inbound_messages (tenant_id, due_at) WHERE status = 'open'`.execute(
    db,
  );
  await sql`CREATE INDEX inbound_patients_idx ON inbound_messages USING gin (patient_ids)`.execute(db);

  await sql`ALTER TABLE inbound_messages ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON inbound_messages
    USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON inbound_messages TO careloop_app`.execute(db);
}
