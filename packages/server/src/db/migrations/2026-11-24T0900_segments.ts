import { type Kysely, sql } from 'kysely';

/**
 * Segments: per-patient facts kept in step with visits, appointments, consents and
 * the patient row by statement-level triggers (set-based: one recomputation per
 * statement for the patients it touched), saved segments, and frozen audience
 * snapshots. Bulk loads that skip triggers rebuild the facts afterwards.
 * Frozen: never edit after it has landed; add a new migration instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per active patient: the demographic and preference columns segments filter on,
  // visit and appointment aggregates, and active consents as bits (careloop_consent_bit).
  await sql`
    CREATE TABLE patient_facts (
      tenant_id uuid NOT NULL,
      patient_id uuid NOT NULL,
      sex text,
      birth_year smallint,
      birth_md smallint,
      city text,
      home_branch_id uuid,
      language text NOT NULL DEFAULT 'ru',
      preferred_channel text,
      preferred_time text,
      first_visit_at timestamptz,
      last_visit_at timestamptz,
      visit_count integer NOT NULL DEFAULT 0,
      last_booked_at timestamptz,
      consent_bits integer NOT NULL DEFAULT 0,
      consent_expires_at timestamptz,
      last_messaged_at timestamptz,
      PRIMARY KEY (tenant_id, patient_id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  // Demographic counts read this index alone (index-only scan), consent bits included.
  await sql`
    CREATE INDEX patient_facts_demographic_idx ON patient_facts (tenant_id, sex, birth_year)
    INCLUDE (birth_md, consent_bits, consent_expires_at, patient_id)`.execute(db);
  await sql`CREATE INDEX patient_facts_last_visit_idx ON patient_facts (tenant_id, last_visit_at)`.execute(
    db,
  );

  // Per patient and specialty or service: first and last visit, number of visits.
  await sql`
    CREATE TABLE patient_visit_facts (
      tenant_id uuid NOT NULL,
      patient_id uuid NOT NULL,
      dim text NOT NULL CHECK (dim IN ('specialty', 'service')),
      key uuid NOT NULL,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      visits integer NOT NULL,
      PRIMARY KEY (tenant_id, patient_id, dim, key),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`
    CREATE INDEX patient_visit_facts_key_idx ON patient_visit_facts (tenant_id, dim, key, last_at)
    INCLUDE (patient_id)`.execute(db);

  await sql`
    CREATE TABLE segments (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      name text NOT NULL,
      description text,
      rule jsonb NOT NULL,
      requested_purpose text NOT NULL,
      purpose text NOT NULL,
      channel text CHECK (channel IN ('email', 'sms', 'messenger', 'call')),
      health_based boolean NOT NULL,
      data_classes text[] NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      -- A health-based segment always runs under marketing.health or a care purpose (R6).
      CHECK (NOT health_based OR purpose IN ('marketing.health', 'care.appointment', 'care.followup', 'analytics.aggregate'))
    )`.execute(db);

  await sql`
    CREATE TABLE segment_snapshots (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      segment_id uuid,
      rule jsonb NOT NULL,
      purpose text NOT NULL,
      channel text CHECK (channel IN ('email', 'sms', 'messenger', 'call')),
      health_based boolean NOT NULL,
      consent_kinds text[] NOT NULL,
      size integer NOT NULL,
      taken_at timestamptz NOT NULL,
      created_by text NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, segment_id) REFERENCES segments
    )`.execute(db);
  await sql`
    CREATE TABLE segment_snapshot_members (
      tenant_id uuid NOT NULL,
      snapshot_id uuid NOT NULL,
      patient_id uuid NOT NULL,
      PRIMARY KEY (tenant_id, snapshot_id, patient_id),
      FOREIGN KEY (tenant_id, snapshot_id) REFERENCES segment_snapshots ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);

  // The bit of each consent kind kept in patient_facts.consent_bits (modules/segments/facts.ts mirrors it).
  await sql`
    CREATE FUNCTION careloop_consent_bit(kind text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE kind
        WHEN 'pd.marketing' THEN 1
        WHEN 'pd.marketing.health_based' THEN 2
        WHEN 'ads.receive.email' THEN 4
        WHEN 'ads.receive.sms' THEN 8
        WHEN 'ads.receive.messenger' THEN 16
        WHEN 'ads.receive.call' THEN 32
        WHEN 'pd.distribution' THEN 64
        WHEN 'tracking.web' THEN 128
        ELSE 0 END
    $$`.execute(db);

  // Recomputes the facts of some patients of one tenant from the source tables.
  await sql`
    CREATE FUNCTION careloop_refresh_facts(p_tenant uuid, p_ids uuid[]) RETURNS void
    LANGUAGE sql AS $$
      DELETE FROM patient_facts f
       WHERE f.tenant_id = p_tenant AND f.patient_id = ANY (p_ids)
         AND NOT EXISTS (SELECT 1 FROM patients p
                          WHERE p.tenant_id = p_tenant AND p.id = f.patient_id AND p.status = 'active');
      INSERT INTO patient_facts AS f (tenant_id, patient_id, sex, birth_year, birth_md, city, home_branch_id,
          language, preferred_channel, preferred_time, first_visit_at, last_visit_at, visit_count,
          last_booked_at, consent_bits, consent_expires_at)
      SELECT p.tenant_id, p.id, p.sex, p.birth_year, p.birth_md, p.city, p.home_branch_id, p.language,
             p.preferred_channel, p.preferred_time, v.first_at, v.last_at, coalesce(v.n, 0), a.last_booked,
             coalesce(c.bits, 0), c.expires
        FROM patients p
        LEFT JOIN LATERAL (SELECT min(visited_at) AS first_at, max(visited_at) AS last_at, count(*) AS n
                             FROM visits WHERE tenant_id = p.tenant_id AND patient_id = p.id) v ON true
        LEFT JOIN LATERAL (SELECT max(starts_at) AS last_booked FROM appointments
                            WHERE tenant_id = p.tenant_id AND patient_id = p.id AND status = 'booked') a ON true
        LEFT JOIN LATERAL (SELECT bit_or(careloop_consent_bit(kind)) AS bits,
                                  min(expires_at) FILTER (WHERE careloop_consent_bit(kind) <> 0) AS expires
                             FROM consent_state
                            WHERE tenant_id = p.tenant_id AND patient_id = p.id AND status = 'granted') c ON true
       WHERE p.tenant_id = p_tenant AND p.id = ANY (p_ids) AND p.status = 'active'
      ON CONFLICT (tenant_id, patient_id) DO UPDATE SET
        sex = excluded.sex, birth_year = excluded.birth_year, birth_md = excluded.birth_md,
        city = excluded.city, home_branch_id = excluded.home_branch_id, language = excluded.language,
        preferred_channel = excluded.preferred_channel, preferred_time = excluded.preferred_time,
        first_visit_at = excluded.first_visit_at, last_visit_at = excluded.last_visit_at,
        visit_count = excluded.visit_count, last_booked_at = excluded.last_booked_at,
        consent_bits = excluded.consent_bits, consent_expires_at = excluded.consent_expires_at;
      DELETE FROM patient_visit_facts WHERE tenant_id = p_tenant AND patient_id = ANY (p_ids);
      INSERT INTO patient_visit_facts (tenant_id, patient_id, dim, key, first_at, last_at, visits)
      SELECT p_tenant, x.patient_id, x.dim, x.key, min(x.at), max(x.at), count(DISTINCT x.visit_id)
        FROM (
          SELECT v.patient_id, 'specialty' AS dim, v.specialty_id AS key, v.visited_at AS at, v.id AS visit_id
            FROM visits v WHERE v.tenant_id = p_tenant AND v.patient_id = ANY (p_ids) AND v.specialty_id IS NOT NULL
          UNION ALL
          SELECT v.patient_id, 'service', v.service_id, v.visited_at, v.id
            FROM visits v WHERE v.tenant_id = p_tenant AND v.patient_id = ANY (p_ids) AND v.service_id IS NOT NULL
          UNION ALL
          SELECT v.patient_id, 'service', s.service_id, v.visited_at, v.id
            FROM visits v JOIN visit_services s ON s.tenant_id = v.tenant_id AND s.visit_id = v.id
           WHERE v.tenant_id = p_tenant AND v.patient_id = ANY (p_ids)
        ) x
       WHERE EXISTS (SELECT 1 FROM patients p WHERE p.tenant_id = p_tenant AND p.id = x.patient_id AND p.status = 'active')
       GROUP BY x.patient_id, x.dim, x.key;
    $$`.execute(db);

  // Statement-level triggers: the touched patients, grouped per tenant, recomputed once per statement.
  await sql`
    CREATE FUNCTION careloop_facts_from_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        PERFORM careloop_refresh_facts(t.tenant_id, t.ids)
           FROM (SELECT tenant_id, array_agg(DISTINCT patient_id) AS ids FROM old_rows GROUP BY tenant_id) t;
      ELSE
        PERFORM careloop_refresh_facts(t.tenant_id, t.ids)
           FROM (SELECT tenant_id, array_agg(DISTINCT patient_id) AS ids FROM new_rows GROUP BY tenant_id) t;
      END IF;
      IF TG_OP = 'UPDATE' THEN
        PERFORM careloop_refresh_facts(t.tenant_id, t.ids)
           FROM (SELECT o.tenant_id, array_agg(DISTINCT o.patient_id) AS ids FROM old_rows o
                  WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.tenant_id = o.tenant_id AND n.patient_id = o.patient_id)
                  GROUP BY o.tenant_id) t;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION careloop_facts_from_patients() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM careloop_refresh_facts(t.tenant_id, t.ids)
           FROM (SELECT tenant_id, array_agg(id) AS ids FROM new_rows GROUP BY tenant_id) t;
      ELSE
        -- Only changes segments can see: a key rotation rewrapping every patient recomputes nothing.
        PERFORM careloop_refresh_facts(t.tenant_id, t.ids)
           FROM (SELECT n.tenant_id, array_agg(n.id) AS ids
                   FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
                  WHERE (n.status, n.sex, n.birth_year, n.birth_md, n.city, n.home_branch_id, n.language,
                         n.preferred_channel, n.preferred_time)
                        IS DISTINCT FROM (o.status, o.sex, o.birth_year, o.birth_md, o.city, o.home_branch_id,
                         o.language, o.preferred_channel, o.preferred_time)
                  GROUP BY n.tenant_id) t;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE FUNCTION careloop_facts_from_visit_services() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM careloop_refresh_facts(t.tenant_id, t.ids)
         FROM (SELECT v.tenant_id, array_agg(DISTINCT v.patient_id) AS ids
                 FROM visits v JOIN new_rows s ON s.tenant_id = v.tenant_id AND s.visit_id = v.id
                GROUP BY v.tenant_id) t;
      RETURN NULL;
    END $$`.execute(db);

  for (const table of ['visits', 'appointments', 'consent_state']) {
    const t = sql.table(table);
    await sql`CREATE TRIGGER ${sql.id(`${table}_facts_ins`)} AFTER INSERT ON ${t}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_facts_from_rows()`.execute(
      db,
    );
    await sql`CREATE TRIGGER ${sql.id(`${table}_facts_upd`)} AFTER UPDATE ON ${t}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_facts_from_rows()`.execute(
      db,
    );
    await sql`CREATE TRIGGER ${sql.id(`${table}_facts_del`)} AFTER DELETE ON ${t}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_facts_from_rows()`.execute(
      db,
    );
  }
  await sql`CREATE TRIGGER patients_facts_ins AFTER INSERT ON patients
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_facts_from_patients()`.execute(
    db,
  );
  await sql`CREATE TRIGGER patients_facts_upd AFTER UPDATE ON patients
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_facts_from_patients()`.execute(
    db,
  );
  await sql`CREATE TRIGGER visit_services_facts_ins AFTER INSERT ON visit_services
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION careloop_facts_from_visit_services()`.execute(
    db,
  );

  for (const table of [
    'patient_facts',
    'patient_visit_facts',
    'segments',
    'segment_snapshots',
    'segment_snapshot_members',
  ]) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
