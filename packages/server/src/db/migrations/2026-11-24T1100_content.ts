import { type Kysely, sql } from 'kysely';

/**
 * The content library: blocks and templates, each as immutable versions. A block version never
 * changes once written (templates pin the exact block versions they use); a template version
 * moves draft → in_review → approved → retired, and at most one version per template is approved
 * (the one that sends). The linter's report is kept with the version it judged.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE content_blocks (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      key text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('greeting', 'body', 'offer', 'call_to_action', 'legal_footer')),
      content jsonb NOT NULL,
      url text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id, version)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX content_blocks_key_idx ON content_blocks (tenant_id, key, version)`.execute(
    db,
  );

  await sql`
    CREATE TABLE content_templates (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      key text NOT NULL,
      send_purpose text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, key)
    )`.execute(db);

  await sql`
    CREATE TABLE content_template_versions (
      tenant_id uuid NOT NULL REFERENCES tenants,
      template_id uuid NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      state text NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'retired')),
      author_id text NOT NULL,
      content jsonb NOT NULL,
      fingerprint text NOT NULL,
      lint jsonb,
      review_note text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      submitted_at timestamptz,
      approved_by text,
      approved_at timestamptz,
      retired_at timestamptz,
      PRIMARY KEY (tenant_id, template_id, version),
      FOREIGN KEY (tenant_id, template_id) REFERENCES content_templates ON DELETE CASCADE
    )`.execute(db);
  // One sending version per template: approving a new one retires the old in the same transaction.
  await sql`CREATE UNIQUE INDEX content_template_versions_approved_idx ON content_template_versions (tenant_id, template_id) WHERE state = 'approved'`.execute(
    db,
  );

  for (const table of ['content_blocks', 'content_templates', 'content_template_versions']) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
