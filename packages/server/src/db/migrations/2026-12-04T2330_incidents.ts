import { type Kysely, sql } from 'kysely';

/**
 * The incident register with its breach clocks (R43). An incident records when it was detected
 * and the scope it concerns (a time window of the audit log, optionally one actor), from which
 * the patients affected are counted; what happened is free text that may name people, so it is
 * sealed under the tenant data key. `notified` records when each notice was sent.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE incidents (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      detected_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      recorded_by text NOT NULL,
      key_version integer NOT NULL,
      summary_enc bytea NOT NULL,
      scope_from timestamptz NOT NULL,
      scope_to timestamptz NOT NULL,
      scope_actor text,
      affected integer NOT NULL CHECK (affected >= 0),
      notified jsonb NOT NULL DEFAULT '{}',
      closed_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      CHECK (scope_from <= scope_to)
    )`.execute(db);
  await sql`CREATE INDEX incidents_detected_idx ON incidents (tenant_id, detected_at DESC)`.execute(db);
  await sql`ALTER TABLE incidents ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON incidents
    USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE ON incidents TO careloop_app`.execute(db);
}
