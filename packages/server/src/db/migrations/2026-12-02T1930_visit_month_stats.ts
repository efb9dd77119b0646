import { type Kysely, sql } from 'kysely';

/**
 * Visits per tenant, calendar month (UTC) and branch, kept in step with `visits` by
 * statement-level triggers that apply the statement's net change from its transition
 * tables (inserted rows count +1, deleted rows −1, an update both), so the home screen's
 * twelve-month figures read at most months × branches rows instead of scanning visits.
 * A cell that falls to zero is removed. Bulk loads that skip triggers rebuild the table
 * (analytics `rebuildVisitStats`). Existing visits are counted once here.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE visit_month_stats (
      tenant_id uuid NOT NULL REFERENCES tenants,
      month date NOT NULL CHECK (extract(day FROM month) = 1),
      branch_id uuid NOT NULL,
      visits bigint NOT NULL,
      PRIMARY KEY (tenant_id, month, branch_id),
      FOREIGN KEY (tenant_id, branch_id) REFERENCES branches
    )`.execute(db);

  // The month a visit counts in: the same expression for the triggers and the rebuild.
  await sql`
    CREATE FUNCTION careloop_visit_month(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT date_trunc('month', at AT TIME ZONE 'UTC')::date
    $$`.execute(db);

  // Adds signed deltas to the cells, in key order (so concurrent writers lock cells in the
  // same order), then drops the cells that reached zero.
  await sql`
    CREATE FUNCTION careloop_visit_stats_apply(p_tenant uuid[], p_month date[], p_branch uuid[], p_delta bigint[])
    RETURNS void LANGUAGE sql AS $$
      INSERT INTO visit_month_stats AS s (tenant_id, month, branch_id, visits)
      SELECT d.tenant_id, d.month, d.branch_id, d.delta
        FROM unnest(p_tenant, p_month, p_branch, p_delta) AS d(tenant_id, month, branch_id, delta)
       WHERE d.delta <> 0
       ORDER BY d.tenant_id, d.month, d.branch_id
      ON CONFLICT (tenant_id, month, branch_id) DO UPDATE SET visits = s.visits + excluded.visits;
      DELETE FROM visit_month_stats s
       USING unnest(p_tenant, p_month, p_branch, p_delta) AS d(tenant_id, month, branch_id, delta)
       WHERE d.delta <> 0 AND s.tenant_id = d.tenant_id AND s.month = d.month AND s.branch_id = d.branch_id
         AND s.visits = 0;
    $$`.execute(db);

  // One grouped pass over the statement's rows; a merge re-pointing visits to another
  // patient nets to zero per cell and writes nothing.
  await sql`
    CREATE FUNCTION careloop_visit_stats_from_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
      d record;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(tenant_id) AS t, array_agg(month) AS m, array_agg(branch_id) AS b, array_agg(n) AS n INTO d
          FROM (SELECT tenant_id, careloop_visit_month(visited_at) AS month, branch_id, count(*) AS n
                  FROM new_rows GROUP BY 1, 2, 3) x;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(tenant_id) AS t, array_agg(month) AS m, array_agg(branch_id) AS b, array_agg(n) AS n INTO d
          FROM (SELECT tenant_id, careloop_visit_month(visited_at) AS month, branch_id, -count(*) AS n
                  FROM old_rows GROUP BY 1, 2, 3) x;
      ELSE
        SELECT array_agg(tenant_id) AS t, array_agg(month) AS m, array_agg(branch_id) AS b, array_agg(n) AS n INTO d
          FROM (SELECT tenant_id, month, branch_id, sum(one) AS n
                  FROM (SELECT tenant_id, careloop_visit_month(visited_at) AS month, branch_id, 1 AS one FROM new_rows
                        UNION ALL
                        SELECT tenant_id, careloop_visit_month(visited_at), branch_id, -1 FROM old_rows) u
                 GROUP BY 1, 2, 3 HAVING sum(one) <> 0) x;
      END IF;
      IF d.t IS NOT NULL THEN
        PERFORM careloop_visit_stats_apply(d.t, d.m, d.b, d.n);
      END IF;
      RETURN NULL;
    END $$`.execute(db);

  await sql`CREATE TRIGGER visits_month_stats_ins AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_visit_stats_from_rows()`.execute(
    db,
  );
  await sql`CREATE TRIGGER visits_month_stats_upd AFTER UPDATE ON visits
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_visit_stats_from_rows()`.execute(
    db,
  );
  await sql`CREATE TRIGGER visits_month_stats_del AFTER DELETE ON visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_visit_stats_from_rows()`.execute(
    db,
  );

  await sql`
    INSERT INTO visit_month_stats (tenant_id, month, branch_id, visits)
    SELECT tenant_id, careloop_visit_month(visited_at), branch_id, count(*)
      FROM visits GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(db);

  await sql`ALTER TABLE visit_month_stats ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON visit_month_stats
    USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON visit_month_stats TO careloop_app`.execute(db);
}
