import { type Kysely, sql } from 'kysely';

/**
 * Foundation: tenants, branches, staff, the clinic catalogue, schedules, patients
 * (identity and contacts encrypted, see crypto), appointments and visits.
 * Every table leads its primary key with tenant_id and is fenced by row-level
 * security on the tenant set per transaction (careloop.tenant_id).
 * Frozen: never edit after it has landed; add a new migration instead.
 */
const TENANT_TABLES = [
  'tenants',
  'tenant_keys',
  'branches',
  'staff_users',
  'staff_sessions',
  'specialties',
  'services',
  'doctors',
  'schedule_rules',
  'slots',
  'patients',
  'patient_lookup',
  'appointments',
  'visits',
  'visit_services',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careloop_app') THEN
        CREATE ROLE careloop_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
    END $$`.execute(db);
  // The login role that owns the schema switches to careloop_app for application work.
  await sql`
    DO $$ BEGIN
      EXECUTE format('GRANT careloop_app TO %I', current_user);
    EXCEPTION WHEN others THEN NULL; -- already a member, or a superuser that needs no grant
    END $$`.execute(db);
  await sql`GRANT USAGE ON SCHEMA public TO careloop_app`.execute(db);

  await sql`
    CREATE TABLE tenants (
      tenant_id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text NOT NULL,
      jurisdiction text NOT NULL DEFAULT 'RU' CHECK (jurisdiction IN ('RU', 'EU', 'US')),
      time_zone text NOT NULL DEFAULT 'Europe/Moscow',
      -- Fixed when the tenant is created: every blind index is computed with it (R28).
      blind_index_bits smallint NOT NULL DEFAULT 13 CHECK (blind_index_bits BETWEEN 1 AND 31),
      settings jsonb NOT NULL DEFAULT '{}'::jsonb,
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Per-tenant data and blind-index keys, wrapped by a master key that never enters the database.
  await sql`
    CREATE TABLE tenant_keys (
      tenant_id uuid NOT NULL REFERENCES tenants,
      purpose text NOT NULL CHECK (purpose IN ('data', 'index')),
      version integer NOT NULL CHECK (version > 0),
      master_version integer NOT NULL,
      wrapped bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz,
      PRIMARY KEY (tenant_id, purpose, version)
    )`.execute(db);

  await sql`
    CREATE TABLE branches (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      code text NOT NULL,
      name_ru text NOT NULL,
      name_en text NOT NULL,
      time_zone text NOT NULL,
      city text,
      address text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, code)
    )`.execute(db);

  await sql`
    CREATE TABLE staff_users (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      email text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('owner', 'marketer', 'front_desk', 'doctor', 'analyst', 'auditor')),
      password_hash text NOT NULL,
      locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_login_at timestamptz,
      disabled_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    )`.execute(db);
  // Staff sign in with an e-mail alone, so an address belongs to one account in the installation.
  await sql`CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email))`.execute(db);

  await sql`
    CREATE TABLE staff_sessions (
      tenant_id uuid NOT NULL REFERENCES tenants,
      token_hash bytea NOT NULL,
      user_id uuid NOT NULL,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, token_hash),
      FOREIGN KEY (tenant_id, user_id) REFERENCES staff_users ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX staff_sessions_token_key ON staff_sessions (token_hash)`.execute(db);

  await sql`
    CREATE TABLE specialties (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      code text NOT NULL,
      name_ru text NOT NULL,
      name_en text NOT NULL,
      -- Names that reveal a condition (oncology, psychiatry…) never appear on a lock screen.
      sensitive boolean NOT NULL DEFAULT false,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, code)
    )`.execute(db);

  await sql`
    CREATE TABLE services (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      code text NOT NULL,
      name_ru text NOT NULL,
      name_en text NOT NULL,
      specialty_id uuid,
      kind text NOT NULL CHECK (kind IN ('consultation', 'diagnostic', 'lab', 'checkup', 'procedure')),
      price_minor integer NOT NULL CHECK (price_minor >= 0),
      duration_min smallint NOT NULL DEFAULT 30,
      active boolean NOT NULL DEFAULT true,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, code),
      FOREIGN KEY (tenant_id, specialty_id) REFERENCES specialties
    )`.execute(db);

  await sql`
    CREATE TABLE doctors (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      full_name text NOT NULL,
      specialty_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      active boolean NOT NULL DEFAULT true,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, specialty_id) REFERENCES specialties,
      FOREIGN KEY (tenant_id, branch_id) REFERENCES branches
    )`.execute(db);

  await sql`
    CREATE TABLE schedule_rules (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      doctor_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
      starts time NOT NULL,
      ends time NOT NULL CHECK (ends > starts),
      slot_minutes smallint NOT NULL CHECK (slot_minutes > 0),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, doctor_id) REFERENCES doctors,
      FOREIGN KEY (tenant_id, branch_id) REFERENCES branches
    )`.execute(db);

  await sql`
    CREATE TABLE slots (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      doctor_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
      status text NOT NULL DEFAULT 'free' CHECK (status IN ('free', 'booked', 'blocked')),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, doctor_id, starts_at),
      FOREIGN KEY (tenant_id, doctor_id) REFERENCES doctors,
      FOREIGN KEY (tenant_id, branch_id) REFERENCES branches
    )`.execute(db);
  await sql`CREATE INDEX slots_free_idx ON slots (tenant_id, starts_at) WHERE status = 'free'`.execute(db);

  // Identity and contact attributes live only in the *_enc columns (AES-256-GCM under a
  // per-patient key); the clear columns are the demographic and preference classes that
  // segments filter on in set-based SQL.
  await sql`
    CREATE TABLE patients (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'erased')),
      merged_into uuid,
      -- The patient's own key, wrapped by the tenant data key. Clearing it is
      -- crypto-shredding: every ciphertext under it becomes noise.
      key_version integer,
      key_wrapped bytea,
      identity_enc bytea,
      contact_enc bytea,
      sex text CHECK (sex IN ('female', 'male')),
      birth_year smallint CHECK (birth_year BETWEEN 1880 AND 2200),
      birth_md smallint CHECK (birth_md BETWEEN 101 AND 1231),
      city text,
      home_branch_id uuid,
      time_zone text,
      language text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
      preferred_channel text CHECK (preferred_channel IN ('email', 'sms', 'messenger', 'call')),
      preferred_time text CHECK (preferred_time IN ('morning', 'afternoon', 'evening')),
      visit_mode text CHECK (visit_mode IN ('offline', 'online', 'any')),
      has_email boolean NOT NULL DEFAULT false,
      has_phone boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      erased_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, home_branch_id) REFERENCES branches
    )`.execute(db);
  await sql`CREATE INDEX patients_demographic_idx ON patients (tenant_id, sex, birth_year) WHERE status = 'active'`.execute(
    db,
  );
  await sql`CREATE INDEX patients_birthday_idx ON patients (tenant_id, birth_md) WHERE status = 'active'`.execute(
    db,
  );

  // Blind indexes (keyed HMAC) for exact lookup by phone, e-mail, document and card numbers and name.
  await sql`
    CREATE TABLE patient_lookup (
      tenant_id uuid NOT NULL REFERENCES tenants,
      kind text NOT NULL CHECK (kind IN ('phone', 'email', 'snils', 'oms', 'card', 'surname', 'name', 'external')),
      digest integer NOT NULL,
      patient_id uuid NOT NULL,
      PRIMARY KEY (tenant_id, kind, digest, patient_id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX patient_lookup_patient_idx ON patient_lookup (tenant_id, patient_id)`.execute(db);

  await sql`
    CREATE TABLE appointments (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      doctor_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      service_id uuid,
      slot_id uuid,
      starts_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('booked', 'attended', 'cancelled', 'no_show')),
      booked_via text NOT NULL DEFAULT 'front_desk' CHECK (booked_via IN ('front_desk', 'phone', 'online', 'campaign', 'import')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients,
      FOREIGN KEY (tenant_id, doctor_id) REFERENCES doctors,
      FOREIGN KEY (tenant_id, branch_id) REFERENCES branches,
      FOREIGN KEY (tenant_id, service_id) REFERENCES services,
      FOREIGN KEY (tenant_id, slot_id) REFERENCES slots
    )`.execute(db);
  await sql`CREATE INDEX appointments_patient_idx ON appointments (tenant_id, patient_id, starts_at)`.execute(
    db,
  );
  await sql`CREATE INDEX appointments_upcoming_idx ON appointments (tenant_id, starts_at) WHERE status = 'booked'`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX appointments_slot_key ON appointments (tenant_id, slot_id) WHERE status = 'booked'`.execute(
    db,
  );

  await sql`
    CREATE TABLE visits (
      tenant_id uuid NOT NULL REFERENCES tenants,
      id uuid NOT NULL,
      patient_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      doctor_id uuid,
      specialty_id uuid,
      appointment_id uuid,
      -- The main service (consultation, check-up); further services are in visit_services.
      service_id uuid,
      visited_at timestamptz NOT NULL,
      amount_minor integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, patient_id) REFERENCES patients,
      FOREIGN KEY (tenant_id, branch_id) REFERENCES branches,
      FOREIGN KEY (tenant_id, service_id) REFERENCES services
    )`.execute(db);
  await sql`CREATE INDEX visits_patient_idx ON visits (tenant_id, patient_id, visited_at)`.execute(db);
  // Visits arrive roughly in time order: a BRIN index serves time ranges at a fraction of a B-tree's upkeep.
  await sql`CREATE INDEX visits_time_idx ON visits USING brin (visited_at)`.execute(db);

  // Services rendered at a visit besides its main one: diagnostics, lab tests, procedures.
  await sql`
    CREATE TABLE visit_services (
      tenant_id uuid NOT NULL REFERENCES tenants,
      visit_id uuid NOT NULL,
      line_no smallint NOT NULL,
      service_id uuid NOT NULL,
      price_minor integer NOT NULL,
      PRIMARY KEY (tenant_id, visit_id, line_no),
      FOREIGN KEY (tenant_id, visit_id) REFERENCES visits ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, service_id) REFERENCES services
    )`.execute(db);

  for (const table of TENANT_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('careloop.tenant_id', true), '')::uuid)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.table(table)} TO careloop_app`.execute(db);
  }
}
