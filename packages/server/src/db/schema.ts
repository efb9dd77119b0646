import type { DataClass } from '@careloop/contracts';
import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables. Keep in step with migrations/. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column with a database default. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column with a default: written as JSON text, read back parsed. */
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export interface TenantsTable {
  tenant_id: string;
  slug: string;
  name: string;
  jurisdiction: Generated<'RU' | 'EU' | 'US'>;
  time_zone: Generated<string>;
  blind_index_bits: Generated<number>;
  settings: JsonDefault<Record<string, unknown>>;
  is_demo: Generated<boolean>;
  created_at: GeneratedTimestamp;
}

export interface TenantKeysTable {
  tenant_id: string;
  purpose: 'data' | 'index';
  version: number;
  master_version: number;
  wrapped: Buffer;
  created_at: GeneratedTimestamp;
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
  created_at: GeneratedTimestamp;
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
  created_at: GeneratedTimestamp;
  last_login_at: Timestamp | null;
  disabled_at: Timestamp | null;
}

export interface StaffSessionsTable {
  tenant_id: string;
  token_hash: Buffer;
  user_id: string;
  csrf_token: string;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
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
  key_version: number | null;
  key_wrapped: Buffer | null;
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
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  erased_at: Timestamp | null;
  /** Fixed random key in [0, 2^31) drawn at insert; cell keys of counts sum it (R32, cell-key method). */
  record_key: Generated<number>;
}

export type LookupKind = 'phone' | 'email' | 'snils' | 'oms' | 'card' | 'surname' | 'name' | 'external';

export interface PatientLookupTable {
  tenant_id: string;
  kind: LookupKind;
  digest: number;
  patient_id: string;
  /**
   * `lookup_probe(tenant_id, kind, digest)`, stored by the database: the column lookups are
   * indexed by. Used in SQL only (a bigint past 2^53 would round as a JS number).
   */
  probe: ColumnType<never, never, never>;
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
  created_at: GeneratedTimestamp;
}

export interface VisitsTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  branch_id: string;
  doctor_id: string | null;
  specialty_id: string | null;
  appointment_id: string | null;
  service_id: string | null;
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

export interface AuditLogTable {
  tenant_id: string;
  seq: number;
  at: Timestamp;
  actor: string;
  action: string;
  purpose: string | null;
  subject_type: string | null;
  subject_id: string | null;
  outcome: 'allowed' | 'denied' | 'done' | 'failed';
  details: JsonDefault<Record<string, unknown>>;
  request_id: string | null;
  leaf_hash: Buffer;
  chain_hash: Buffer;
}

export interface AuditHeadsTable {
  tenant_id: string;
  seq: number;
  chain_hash: Buffer;
}

export interface ConsentDocumentsTable {
  tenant_id: string;
  id: string;
  kind: string;
  version: number;
  locale: 'ru' | 'en';
  title: string;
  body: string;
  body_hash: Buffer;
  written_form: Generated<boolean>;
  widens: Generated<boolean>;
  status: Generated<'draft' | 'published' | 'retired'>;
  created_by: string;
  created_at: GeneratedTimestamp;
  published_at: Timestamp | null;
}

export interface PatientRepresentativesTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  details_enc: Buffer;
  relationship: 'parent' | 'guardian' | 'trustee' | 'other';
  verified_by: string;
  verified_at: Timestamp;
}

export type ConsentEventKind = 'granted' | 'withdrawn' | 'expired' | 'superseded';
export type CaptureMethod =
  | 'paper'
  | 'e_signature'
  | 'web_form'
  | 'sms_code'
  | 'messenger'
  | 'phone_call'
  | 'mis_import'
  | 'preference_page'
  | 'unsubscribe_link'
  | 'sms_keyword'
  | 'system'
  | 'merge';

export interface ConsentEventsTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  kind: string;
  channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  event: ConsentEventKind;
  document_id: string | null;
  document_hash: Buffer | null;
  legal_basis: Generated<'consent' | 'written_consent' | 'treatment' | 'legal_obligation'>;
  jurisdiction: Generated<'RU' | 'EU' | 'US'>;
  capture_method: CaptureMethod;
  evidence_enc: Buffer | null;
  representative_id: string | null;
  actor: string;
  occurred_at: Timestamp;
  recorded_at: GeneratedTimestamp;
  expires_at: Timestamp | null;
}

export interface ConsentStateTable {
  tenant_id: string;
  patient_id: string;
  kind: string;
  channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  status: 'granted' | 'withdrawn' | 'expired' | 'superseded';
  since: Timestamp;
  expires_at: Timestamp | null;
  event_id: string;
  document_id: string | null;
}

export type SubjectRequestKind =
  | 'access'
  | 'rectification'
  | 'erasure'
  | 'objection'
  | 'restriction'
  | 'unlawful_processing';

export interface SubjectRequestsTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  kind: SubjectRequestKind;
  jurisdiction: 'RU' | 'EU' | 'US';
  received_via: 'front_desk' | 'post' | 'email' | 'web' | 'phone' | 'preference_page';
  received_at: Timestamp;
  due_at: Timestamp;
  extended_due_at: Timestamp | null;
  extension_reason: string | null;
  status: Generated<'open' | 'completed' | 'rejected'>;
  closed_at: Timestamp | null;
  outcome: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_by: string;
}

export interface PatientLinksTable {
  tenant_id: string;
  token_hash: Buffer;
  patient_id: string;
  purpose: 'preferences' | 'unsubscribe';
  channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  message_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}

export interface ImportSourcesTable {
  tenant_id: string;
  id: string;
  name: string;
  mapping: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export interface ImportBatchesTable {
  tenant_id: string;
  id: string;
  source_id: string;
  file_name: string;
  file_digest: Buffer | null;
  format: string;
  encoding: string | null;
  delimiter: string | null;
  status: Generated<'running' | 'completed' | 'failed'>;
  counts: JsonDefault<Record<string, number>>;
  error: string | null;
  created_by: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ImportQuarantineTable {
  tenant_id: string;
  id: string;
  batch_id: string;
  row_no: number;
  verdict: 'rejected' | 'partial';
  patient_id: string | null;
  issues: ColumnType<{ field: string; reason: string; severity: string }[], string, string>;
  key_version: number;
  raw_enc: Buffer;
  status: Generated<'open' | 'fixed' | 'dismissed'>;
  created_at: Timestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
}

export interface PatientSourcesTable {
  tenant_id: string;
  source_id: string;
  record_hmac: Buffer;
  patient_id: string;
  external_hmac: Buffer | null;
  batch_id: string;
  row_no: number;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface PatientConditionsTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  visit_id: string | null;
  code_enc: Buffer;
  onset: string | null;
  clinical_status: string | null;
  recorded_at: Timestamp;
  batch_id: string | null;
}

export interface PatientFactsTable {
  tenant_id: string;
  patient_id: string;
  sex: 'female' | 'male' | null;
  birth_year: number | null;
  birth_md: number | null;
  city: string | null;
  home_branch_id: string | null;
  language: Generated<'ru' | 'en'>;
  preferred_channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  preferred_time: 'morning' | 'afternoon' | 'evening' | null;
  first_visit_at: Timestamp | null;
  last_visit_at: Timestamp | null;
  visit_count: Generated<number>;
  last_booked_at: Timestamp | null;
  consent_bits: Generated<number>;
  consent_expires_at: Timestamp | null;
  last_messaged_at: Timestamp | null;
  /** The patient's record key, copied from patients. */
  record_key: number;
}

export interface PatientVisitFactsTable {
  tenant_id: string;
  patient_id: string;
  dim: 'specialty' | 'service';
  key: string;
  first_at: Timestamp;
  last_at: Timestamp;
  visits: number;
}

/** Visits per calendar month (UTC) and branch, maintained by triggers on visits. */
export interface VisitMonthStatsTable {
  tenant_id: string;
  /** The first day of the month, as YYYY-MM-01 (dates are read as text). */
  month: string;
  branch_id: string;
  visits: number;
}

export interface SegmentsTable {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  rule: ColumnType<unknown, string, string>;
  requested_purpose: string;
  purpose: string;
  channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  health_based: boolean;
  data_classes: string[];
  version: Generated<number>;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SegmentSnapshotsTable {
  tenant_id: string;
  id: string;
  segment_id: string | null;
  rule: ColumnType<unknown, string, string>;
  purpose: string;
  channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  health_based: boolean;
  consent_kinds: string[];
  size: number;
  taken_at: Timestamp;
  created_by: string;
}

export interface SegmentSnapshotMembersTable {
  tenant_id: string;
  snapshot_id: string;
  patient_id: string;
}

export interface ContentBlocksTable {
  tenant_id: string;
  id: string;
  version: number;
  key: string;
  kind: 'greeting' | 'body' | 'offer' | 'call_to_action' | 'legal_footer';
  content: ColumnType<unknown, string, string>;
  url: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface ContentTemplatesTable {
  tenant_id: string;
  id: string;
  key: string;
  send_purpose: string;
  created_by: string;
  created_at: Timestamp;
}

export interface ContentTemplateVersionsTable {
  tenant_id: string;
  template_id: string;
  version: number;
  state: 'draft' | 'in_review' | 'approved' | 'retired';
  author_id: string;
  content: ColumnType<unknown, string, string>;
  fingerprint: string;
  lint: ColumnType<unknown, string | null, string | null>;
  review_note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: Timestamp | null;
  approved_by: string | null;
  approved_at: Timestamp | null;
  retired_at: Timestamp | null;
}

export interface CampaignsTable {
  tenant_id: string;
  id: string;
  playbook: string;
  name: string;
  purpose: string;
  channel: 'email' | 'sms' | 'messenger' | 'call' | 'preferred';
  template_key: string;
  params: JsonDefault<Record<string, unknown>>;
  schedule: 'once' | 'daily';
  control_pct: ColumnType<number, number | undefined, number>;
  seed: number;
  attribution_days: ColumnType<number, number | undefined, number>;
  status: Generated<'draft' | 'active' | 'paused' | 'finished'>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CampaignRunsTable {
  tenant_id: string;
  id: string;
  campaign_id: string;
  occurrence: string;
  started_at: Timestamp;
  eligible: Generated<number>;
  treatment: Generated<number>;
  control: Generated<number>;
  queued: Generated<number>;
  started_by: string;
}

export interface CampaignMembersTable {
  tenant_id: string;
  campaign_id: string;
  patient_id: string;
  occurrence: string;
  run_id: string;
  arm: 'treatment' | 'control';
  enrolled_at: Timestamp;
  ref_id: string | null;
  slot_ids: ColumnType<string[], string[] | undefined, string[]>;
}

export interface CampaignLinksTable {
  tenant_id: string;
  token_hash: Buffer;
  kind: 'offer' | 'survey';
  campaign_id: string;
  run_id: string;
  patient_id: string;
  slot_ids: ColumnType<string[], string[] | undefined, string[]>;
  visit_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SurveyResponsesTable {
  tenant_id: string;
  token_hash: Buffer;
  campaign_id: string;
  patient_id: string;
  visit_id: string | null;
  nps: number | null;
  csat: number | null;
  answered_at: Timestamp;
}

export type CallOutcome =
  | 'booked'
  | 'declined'
  | 'call_later'
  | 'moved_away'
  | 'wrong_number'
  | 'do_not_call';

export interface CallTasksTable {
  tenant_id: string;
  id: string;
  patient_id: string;
  message_id: string | null;
  campaign_id: string | null;
  purpose: string;
  idempotency_key: string;
  key_version: number;
  script_enc: Buffer;
  status: Generated<'open' | 'claimed' | 'done' | 'cancelled'>;
  due_at: Timestamp;
  assigned_to: string | null;
  claimed_at: Timestamp | null;
  attempts: Generated<number>;
  outcome: CallOutcome | null;
  appointment_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface PatientOutreachHoldsTable {
  tenant_id: string;
  patient_id: string;
  reason: 'moved_away' | 'declined';
  until: Timestamp | null;
  source: string;
  created_at: Timestamp;
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
  patient_lookup: PatientLookupTable;
  appointments: AppointmentsTable;
  visits: VisitsTable;
  visit_services: VisitServicesTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  consent_documents: ConsentDocumentsTable;
  patient_representatives: PatientRepresentativesTable;
  consent_events: ConsentEventsTable;
  consent_state: ConsentStateTable;
  subject_requests: SubjectRequestsTable;
  patient_links: PatientLinksTable;
  import_sources: ImportSourcesTable;
  import_batches: ImportBatchesTable;
  import_quarantine: ImportQuarantineTable;
  patient_sources: PatientSourcesTable;
  patient_conditions: PatientConditionsTable;
  identity_runs: IdentityRunsTable;
  identity_candidates: IdentityCandidatesTable;
  patient_merges: PatientMergesTable;
  patient_facts: PatientFactsTable;
  patient_visit_facts: PatientVisitFactsTable;
  visit_month_stats: VisitMonthStatsTable;
  segments: SegmentsTable;
  segment_snapshots: SegmentSnapshotsTable;
  segment_snapshot_members: SegmentSnapshotMembersTable;
  content_blocks: ContentBlocksTable;
  content_templates: ContentTemplatesTable;
  content_template_versions: ContentTemplateVersionsTable;
  outbox_messages: OutboxMessagesTable;
  contact_pressure: ContactPressureTable;
  delivery_suppressions: DeliverySuppressionsTable;
  delivery_provider_events: DeliveryProviderEventsTable;
  campaigns: CampaignsTable;
  campaign_runs: CampaignRunsTable;
  campaign_members: CampaignMembersTable;
  campaign_links: CampaignLinksTable;
  survey_responses: SurveyResponsesTable;
  call_tasks: CallTasksTable;
  patient_outreach_holds: PatientOutreachHoldsTable;
  inbound_messages: InboundMessagesTable;
  processors: ProcessorsTable;
  sending_domains: SendingDomainsTable;
  incidents: IncidentsTable;
}

export interface IdentityRunsTable {
  tenant_id: string;
  id: string;
  mode: 'full' | 'incremental';
  batch_id: string | null;
  status: Generated<'running' | 'completed' | 'failed'>;
  counts: JsonDefault<Record<string, number>>;
  created_by: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

/** One field's agreement in a candidate pair: a level and its weight, never the values. */
export interface EvidenceLevel {
  readonly field: string;
  readonly level: string;
  readonly weight: number;
}

/** Why a pair waits for a person: confident but auto-merge is off, uncertain, held back by a guard, or clashing with a rejection. */
export type CandidateReason = 'above_threshold' | 'between_thresholds' | 'held_back' | 'conflict';

export interface IdentityCandidatesTable {
  tenant_id: string;
  id: string;
  patient_a: string;
  patient_b: string;
  probability: number;
  weight: number;
  reason: CandidateReason;
  /** Written as JSON text, read back parsed. */
  evidence: ColumnType<EvidenceLevel[], string, string>;
  status: Generated<'open' | 'merged' | 'rejected'>;
  run_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
}

export interface PatientMergesTable {
  tenant_id: string;
  id: string;
  survivor_id: string;
  merged_id: string;
  candidate_id: string | null;
  method: 'auto' | 'manual';
  probability: number | null;
  previous_identity_enc: Buffer | null;
  previous_contact_enc: Buffer | null;
  previous_profile: ColumnType<Record<string, unknown>, string, string>;
  moves: ColumnType<Record<string, unknown>, string, string>;
  actor: string;
  merged_at: Timestamp;
  undone_by: string | null;
  undone_at: Timestamp | null;
}

export type OutboxState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'skipped' | 'review';

export interface OutboxMessagesTable {
  tenant_id: string;
  id: string;
  idem_key: Buffer;
  patient_id: string;
  purpose: string;
  campaign_id: string | null;
  channel_requested: 'email' | 'sms' | 'messenger' | 'call' | 'preferred';
  channel: 'email' | 'sms' | 'messenger' | 'call' | null;
  template_id: string;
  template_version: number;
  context: JsonDefault<Record<string, unknown>>;
  occurrence_key: string;
  state: Generated<OutboxState>;
  skip_reason: string | null;
  attempts: Generated<number>;
  not_before: Timestamp;
  expires_at: Timestamp | null;
  next_attempt_at: Timestamp;
  provider: string | null;
  provider_message_id: string | null;
  /** The domain an e-mail was sent from (R20): its complaints count against it. */
  sender_domain: Generated<string | null>;
  last_error: string | null;
  decision: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  sending_at: Timestamp | null;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
}

export interface ContactPressureTable {
  tenant_id: string;
  patient_id: string;
  day: string;
  day_count: Generated<number>;
  week_start: string;
  week_count: Generated<number>;
  last_sent_at: Timestamp | null;
}

export interface DeliverySuppressionsTable {
  tenant_id: string;
  patient_id: string;
  channel: 'email' | 'sms' | 'messenger' | 'call';
  reason: 'hard_bounce' | 'complaint' | 'stop_keyword' | 'do_not_call' | 'wrong_number' | 'opt_out';
  scope: 'marketing' | 'all';
  source: string;
  created_at: Timestamp;
}

export interface DeliveryProviderEventsTable {
  tenant_id: string;
  provider: string;
  event_id: string;
  kind: string;
  message_id: string | null;
  received_at: Timestamp;
}

/** A message a patient sent that a person reviews (R8); its content is sealed under the tenant key. */
export interface InboundMessagesTable {
  tenant_id: string;
  id: string;
  provider: string;
  event_id: string;
  channel: 'sms' | 'messenger';
  patient_ids: ColumnType<string[], string[] | undefined, string[]>;
  key_version: number;
  content_enc: Buffer;
  looks_like_withdrawal: boolean;
  received_at: Timestamp;
  due_at: Timestamp;
  status: Generated<'open' | 'resolved'>;
  resolution: 'withdrawal' | 'no_action' | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
}

/** One version of a processor register entry (R58); only ever retired, never edited. */
export interface ProcessorsTable {
  tenant_id: string;
  provider: string;
  version: number;
  legal_name: string;
  service: 'email' | 'sms' | 'messenger' | 'call_centre' | 'hosting' | 'other';
  role: 'processor' | 'sub_processor';
  country: string;
  contract_ref: string;
  data_classes: DataClass[];
  transfer_ref: string | null;
  registered_at: Timestamp;
  registered_by: string;
  retired_at: Timestamp | null;
  retired_by: string | null;
}

/** A clinic's sending domain under the complaint-rate breaker (R20): its last measurement and state. */
export interface SendingDomainsTable {
  tenant_id: string;
  domain: string;
  state: 'ok' | 'alert' | 'paused';
  sent: number;
  complaints: number;
  measured_at: Timestamp;
  changed_at: Timestamp;
  resumed_at: Timestamp | null;
  resumed_by: string | null;
}

/** A personal-data incident and its breach clocks (R43). */
export interface IncidentsTable {
  tenant_id: string;
  id: string;
  detected_at: Timestamp;
  recorded_at: Timestamp;
  recorded_by: string;
  key_version: number;
  summary_enc: Buffer;
  scope_from: Timestamp;
  scope_to: Timestamp;
  scope_actor: string | null;
  affected: number;
  /** Notice → when it was sent. */
  notified: ColumnType<Record<string, string>, string | undefined, string>;
  closed_at: Timestamp | null;
}
