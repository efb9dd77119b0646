import { type Kysely, sql } from 'kysely';

/**
 * The tamper-evident audit trail (R41): one hash chain per tenant. Each entry's
 * leaf hash covers its content; its chain hash covers the previous chain hash, the
 * leaf and the sequence number, so a modified, deleted or reordered entry breaks
 * every hash after it. The head of each chain is a row of its own, locked by the
 * appending transaction; appending is one function call, one round trip.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      tenant_id uuid NOT NULL REFERENCES tenants,
      seq bigint NOT NULL CHECK (seq > 0),
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      purpose text,
      subject_type text,
      subject_id text,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'done', 'failed')),
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      request_id text,
      leaf_hash bytea NOT NULL,
      chain_hash bytea NOT NULL,
      PRIMARY KEY (tenant_id, seq)
    )`.execute(db);
  await sql`CREATE INDEX audit_log_subject_idx ON audit_log (tenant_id, subject_type, subject_id)`.execute(
    db,
  );
  await sql`CREATE INDEX audit_log_at_idx ON audit_log (tenant_id, at)`.execute(db);

  await sql`
    CREATE TABLE audit_heads (
      tenant_id uuid PRIMARY KEY REFERENCES tenants,
      seq bigint NOT NULL,
      chain_hash bytea NOT NULL
    )`.execute(db);

  // Append-only for everyone, the owner included; corrections are new entries.
  await sql`
    CREATE FUNCTION careloop_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only()`.execute(db);

  // Node computes each leaf hash from the entry's content; the function numbers the
  // entries and links them: chain = SHA-256(0x01 ‖ previous chain ‖ leaf ‖ seq as int8).
  await sql`
    CREATE FUNCTION careloop_audit_append(p_tenant uuid, p_entries jsonb, p_leaves bytea[]) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      h_seq bigint;
      h_chain bytea;
      e jsonb;
      i int := 0;
    BEGIN
      SELECT seq, chain_hash INTO h_seq, h_chain FROM audit_heads WHERE tenant_id = p_tenant FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit chain of tenant % is not started', p_tenant;
      END IF;
      FOR e IN SELECT value FROM jsonb_array_elements(p_entries) LOOP
        i := i + 1;
        h_seq := h_seq + 1;
        h_chain := sha256('\x01'::bytea || h_chain || p_leaves[i] || int8send(h_seq));
        INSERT INTO audit_log (tenant_id, seq, at, actor, action, purpose, subject_type, subject_id, outcome, details,
                               request_id, leaf_hash, chain_hash)
        VALUES (p_tenant, h_seq, (e->>'at')::timestamptz, e->>'actor', e->>'action', e->>'purpose', e->>'subject_type',
                e->>'subject_id', e->>'outcome', e->'details', e->>'request_id', p_leaves[i], h_chain);
      END LOOP;
      UPDATE audit_heads SET seq = h_seq, chain_hash = h_chain WHERE tenant_id = p_tenant;
    END $$`.execute(db);

  for (const table of ['audit_log', 'audit_heads']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  }
  await sql`GRANT SELECT, INSERT ON audit_log TO careloop_app`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE ON audit_heads TO careloop_app`.execute(db);
}
