import { type Kysely, sql } from 'kysely';

/**
 * The register of processors (R58): each outside party that receives personal data, with its
 * country, legal role, contract, the data classes it may receive and, for a transfer abroad, its
 * basis (R26). An entry is never edited: a change adds a version and retires the one before, so
 * the register shows what stood when any message went out. Only retiring a current version is
 * an update; the trigger refuses every other change, and nothing is ever deleted.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE processors (
      tenant_id uuid NOT NULL REFERENCES tenants,
      provider text NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      legal_name text NOT NULL,
      service text NOT NULL CHECK (service IN ('email', 'sms', 'messenger', 'call_centre', 'hosting', 'other')),
      role text NOT NULL CHECK (role IN ('processor', 'sub_processor')),
      country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
      contract_ref text NOT NULL,
      data_classes text[] NOT NULL CHECK (cardinality(data_classes) > 0),
      transfer_ref text,
      registered_at timestamptz NOT NULL,
      registered_by text NOT NULL,
      retired_at timestamptz,
      retired_by text,
      PRIMARY KEY (tenant_id, provider, version),
      CHECK ((retired_at IS NULL) = (retired_by IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX processors_current_idx ON processors (tenant_id, provider) WHERE retired_at IS NULL`.execute(
    db,
  );
  await sql`
    CREATE FUNCTION careloop_processor_retire_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.retired_at IS NOT NULL
         OR (to_jsonb(NEW) - 'retired_at' - 'retired_by') IS DISTINCT FROM (to_jsonb(OLD) - 'retired_at' - 'retired_by') THEN
        RAISE EXCEPTION 'a processor register entry is only ever retired' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER processors_retire_only BEFORE UPDATE ON processors
    FOR EACH ROW EXECUTE FUNCTION careloop_processor_retire_only()`.execute(db);
  await sql`
    CREATE TRIGGER processors_no_delete BEFORE DELETE ON processors
    FOR EACH ROW EXECUTE FUNCTION careloop_append_only()`.execute(db);

  await sql`ALTER TABLE processors ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON processors
    USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE ON processors TO careloop_app`.execute(db);
}
