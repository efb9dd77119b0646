import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables. Keep in step with migrations/. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string | T, string | T>;

export interface TenantsTable {
  tenant_id: string;
  slug: string;
  name: string;
  jurisdiction: Generated<'RU' | 'EU' | 'US'>;
  time_zone: Generated<string>;
  settings: Generated<Json<Record<string, unknown>>>;
  is_demo: Generated<boolean>;
  created_at: Generated<CreatedAt>;
}

export interface TenantKeysTable {
  tenant_id: string;
  purpose: 'data' | 'index';
  version: number;
  master_version: number;
  wrapped: Buffer;
  created_at: Generated<CreatedAt>;
  retired_at: Timestamp | null;
}

export interface BranchesTable {
  tenant_id: string;
  id: string;
  code: string;
  name_ru: string;
  name_en: string;
  time_zone: string;
  city: string | null;
  address: string | null;
  created_at: Generated<CreatedAt>;
}

export interface StaffUsersTable {
  tenant_id: string;
  id: string;
  email: string;
  display_name: string;
  role: string;
  password_hash: string;
  locale: Generated<'ru' | 'en'>;
  is_demo: Generated<boolean>;
  created_at: Generated<CreatedAt>;
  last_login_at: Timestamp | null;
  disabled_at: Timestamp | null;
}

export interface StaffSessionsTable {
  tenant_id: string;
  token_hash: Buffer;
  user_id: string;
  csrf_token: string;
  created_at: Generated<CreatedAt>;
  last_seen_at: Generated<Timestamp>;
  expires_at: Timestamp;
}

export interface SpecialtiesTable {
  tenant_id: string;
  id: string;
  code: string;
  name_ru: string;
  name_en: string;
  sensitive: Generated<boolean>;
}

export interface ServicesTable {
  tenant_id: string;
  id: string;
  code: string;
  name_ru: string;
  name_en: string;
  specialty_id: string | null;
  kind: 'consultation' | 'diagnostic' | 'lab' | 'checkup' | 'procedure';
  price_minor: number;
  duration_min: Generated<number>;
  active: Generated<boolean>;
}

export interface DoctorsTable {
  tenant_id: string;
  id: string;
  full_name: string;
  specialty_id: string;
  branch_id: string;
  active: Generated<boolean>;
}

export interface ScheduleRulesTable {
  tenant_id: string;
  id: string;
  doctor_id: string;
  branch_id: string;
  weekday: number;
  starts: string;
  ends: string;
  slot_minutes: number;
}

export interface SlotsTable {
  tenant_id: string;
  id: string;
  doctor_id: string;
  branch_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: Generated<'free' | 'booked' | 'blocked'>;
}

export interface PatientsTable {
  tenant_id: string;
  id: string;
  status: Generated<'active' | 'merged' | 'erased'>;
  merged_into: string | null;
  identity_enc: Buffer | null;
  contact_enc: Buffer | null;
  sex: 'female' | 'male' | null;
  birth_year: number | null;
  birth_md: number | null;
  city: string | null;
  home_branch_id: string | null;
  time_zone: string | null;
  language: Generated<'ru' | 'en'>;
  preferred_channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  preferred_time: 'morning' | 'afternoon' | 'evening' | null;
  visit_mode: 'offline' | 'online' | 'any' | null;
  has_email: Generated<boolean>;
  has_phone: Generated<boolean>;
  created_at: Generated<CreatedAt>;
  updated_at: Generated<Timestamp>;
  erased_at: Timestamp | null;
}

export interface PatientKeysTable {
  tenant_id: string;
  patient_id: string;
  key_version: number;
  wrapped: Buffer;
}

export type LookupKind = 'phone' | 'email' | 'snils' | 'oms' | 'card' | 'surname' | 'name' | 'external';

export interface PatientLookupTable {
  tenant_id: string;
  kind: LookupKind;
  digest: Buffer;
  patient_id: string;
}

export interface AppointmentsTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  doctor_id: string;
  branch_id: string;
  service_id: string | null;
  slot_id: string | null;
  starts_at: Timestamp;
  status: 'booked' | 'attended' | 'cancelled' | 'no_show';
  booked_via: Generated<'front_desk' | 'phone' | 'online' | 'campaign' | 'import'>;
  created_at: Generated<CreatedAt>;
}

export interface VisitsTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  branch_id: string;
  doctor_id: string | null;
  specialty_id: string | null;
  appointment_id: string | null;
  visited_at: Timestamp;
  amount_minor: Generated<number>;
}

export interface VisitServicesTable {
  tenant_id: string;
  visit_id: string;
  line_no: number;
  service_id: string;
  price_minor: number;
}

export interface DB {
  tenants: TenantsTable;
  tenant_keys: TenantKeysTable;
  branches: BranchesTable;
  staff_users: StaffUsersTable;
  staff_sessions: StaffSessionsTable;
  specialties: SpecialtiesTable;
  services: ServicesTable;
  doctors: DoctorsTable;
  schedule_rules: ScheduleRulesTable;
  slots: SlotsTable;
  patients: PatientsTable;
  patient_keys: PatientKeysTable;
  patient_lookup: PatientLookupTable;
  appointments: AppointmentsTable;
  visits: VisitsTable;
  visit_services: VisitServicesTable;
}
