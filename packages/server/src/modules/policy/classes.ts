import type { DataClass } from '@careloop/contracts';
import type { DB } from '../../db/index.ts';

/**
 * The data class of every patient-related column, declared once. `key` marks
 * identifiers and bookkeeping that carry no attribute of the patient. A column
 * added to one of these tables without a class here does not compile.
 */
export type ColumnClass = DataClass | 'key';

type Classified<T extends keyof DB> = { readonly [C in keyof DB[T]]-?: ColumnClass };

export const PATIENT_TABLE_CLASSES = {
  patients: {
    tenant_id: 'key',
    id: 'key',
    status: 'key',
    merged_into: 'key',
    key_version: 'key',
    key_wrapped: 'key',
    identity_enc: 'identity',
    contact_enc: 'contact',
    sex: 'demographic',
    birth_year: 'demographic',
    birth_md: 'demographic',
    city: 'demographic',
    home_branch_id: 'visit_timing',
    time_zone: 'preference',
    language: 'preference',
    preferred_channel: 'preference',
    preferred_time: 'preference',
    visit_mode: 'preference',
    has_email: 'contact',
    has_phone: 'contact',
    created_at: 'key',
    updated_at: 'key',
    erased_at: 'key',
    record_key: 'key',
  },
  patient_lookup: { tenant_id: 'key', kind: 'key', digest: 'key', patient_id: 'key', probe: 'key' },
  appointments: {
    tenant_id: 'key',
    id: 'key',
    patient_id: 'key',
    doctor_id: 'visit_clinical',
    branch_id: 'visit_timing',
    service_id: 'visit_clinical',
    slot_id: 'key',
    starts_at: 'visit_timing',
    status: 'visit_timing',
    booked_via: 'engagement',
    created_at: 'key',
  },
  visits: {
    tenant_id: 'key',
    id: 'key',
    patient_id: 'key',
    branch_id: 'visit_timing',
    doctor_id: 'visit_clinical',
    specialty_id: 'visit_clinical',
    appointment_id: 'key',
    service_id: 'visit_clinical',
    visited_at: 'visit_timing',
    amount_minor: 'financial',
  },
  visit_services: {
    tenant_id: 'key',
    visit_id: 'key',
    line_no: 'key',
    service_id: 'visit_clinical',
    price_minor: 'financial',
  },
  // Consent is what the patient chose about their own data: the preference class.
  consent_events: {
    tenant_id: 'key',
    id: 'key',
    patient_id: 'key',
    kind: 'preference',
    channel: 'preference',
    event: 'preference',
    document_id: 'key',
    document_hash: 'key',
    legal_basis: 'preference',
    jurisdiction: 'preference',
    capture_method: 'preference',
    evidence_enc: 'identity',
    representative_id: 'key',
    actor: 'key',
    occurred_at: 'preference',
    recorded_at: 'key',
    expires_at: 'preference',
  },
  consent_state: {
    tenant_id: 'key',
    patient_id: 'key',
    kind: 'preference',
    channel: 'preference',
    status: 'preference',
    since: 'preference',
    expires_at: 'preference',
    event_id: 'key',
    document_id: 'key',
  },
  patient_representatives: {
    tenant_id: 'key',
    id: 'key',
    patient_id: 'key',
    details_enc: 'identity',
    relationship: 'identity',
    verified_by: 'key',
    verified_at: 'key',
  },
  subject_requests: {
    tenant_id: 'key',
    id: 'key',
    patient_id: 'key',
    kind: 'key',
    jurisdiction: 'key',
    received_via: 'key',
    received_at: 'key',
    due_at: 'key',
    extended_due_at: 'key',
    extension_reason: 'key',
    status: 'key',
    closed_at: 'key',
    outcome: 'key',
    created_by: 'key',
  },
  patient_links: {
    tenant_id: 'key',
    token_hash: 'key',
    patient_id: 'key',
    purpose: 'key',
    channel: 'preference',
    message_id: 'key',
    created_at: 'key',
    expires_at: 'key',
  },
  import_quarantine: {
    tenant_id: 'key',
    id: 'key',
    batch_id: 'key',
    row_no: 'key',
    verdict: 'key',
    patient_id: 'key',
    issues: 'key',
    key_version: 'key',
    raw_enc: 'identity',
    status: 'key',
    created_at: 'key',
    resolved_at: 'key',
    resolved_by: 'key',
  },
  patient_sources: {
    tenant_id: 'key',
    source_id: 'key',
    record_hmac: 'key',
    patient_id: 'key',
    external_hmac: 'key',
    batch_id: 'key',
    row_no: 'key',
    first_seen_at: 'key',
    last_seen_at: 'key',
  },
  patient_conditions: {
    tenant_id: 'key',
    id: 'key',
    patient_id: 'key',
    visit_id: 'key',
    code_enc: 'clinical',
    onset: 'clinical',
    clinical_status: 'clinical',
    recorded_at: 'clinical',
    batch_id: 'key',
  },
  identity_candidates: {
    tenant_id: 'key',
    id: 'key',
    patient_a: 'key',
    patient_b: 'key',
    probability: 'key',
    weight: 'key',
    reason: 'key',
    evidence: 'identity',
    status: 'key',
    run_id: 'key',
    created_at: 'key',
    updated_at: 'key',
    resolved_by: 'key',
    resolved_at: 'key',
  },
  patient_merges: {
    tenant_id: 'key',
    id: 'key',
    survivor_id: 'key',
    merged_id: 'key',
    candidate_id: 'key',
    method: 'key',
    probability: 'key',
    previous_identity_enc: 'identity',
    previous_contact_enc: 'contact',
    previous_profile: 'demographic',
    moves: 'key',
    actor: 'key',
    merged_at: 'key',
    undone_by: 'key',
    undone_at: 'key',
  },
  // Segment facts: derived from the columns above, each with the class of its source.
  patient_facts: {
    tenant_id: 'key',
    patient_id: 'key',
    sex: 'demographic',
    birth_year: 'demographic',
    birth_md: 'demographic',
    city: 'demographic',
    home_branch_id: 'visit_timing',
    language: 'preference',
    preferred_channel: 'preference',
    preferred_time: 'preference',
    first_visit_at: 'visit_timing',
    last_visit_at: 'visit_timing',
    visit_count: 'visit_timing',
    last_booked_at: 'visit_timing',
    consent_bits: 'preference',
    consent_expires_at: 'preference',
    last_messaged_at: 'engagement',
    record_key: 'key',
  },
  patient_visit_facts: {
    tenant_id: 'key',
    patient_id: 'key',
    dim: 'visit_clinical',
    key: 'visit_clinical',
    first_at: 'visit_timing',
    last_at: 'visit_timing',
    visits: 'visit_timing',
  },
  segment_snapshot_members: { tenant_id: 'key', snapshot_id: 'key', patient_id: 'key' },
  outbox_messages: {
    tenant_id: 'key',
    id: 'key',
    idem_key: 'key',
    patient_id: 'key',
    purpose: 'engagement',
    campaign_id: 'engagement',
    channel_requested: 'engagement',
    channel: 'engagement',
    template_id: 'engagement',
    template_version: 'engagement',
    // Slot, doctor, specialty of an offer: as revealing as the visit it came from.
    context: 'visit_clinical',
    occurrence_key: 'key',
    state: 'engagement',
    skip_reason: 'engagement',
    attempts: 'engagement',
    not_before: 'engagement',
    expires_at: 'engagement',
    next_attempt_at: 'engagement',
    provider: 'engagement',
    provider_message_id: 'key',
    sender_domain: 'key',
    last_error: 'engagement',
    decision: 'engagement',
    created_at: 'engagement',
    updated_at: 'engagement',
    sending_at: 'engagement',
    sent_at: 'engagement',
    delivered_at: 'engagement',
  },
  contact_pressure: {
    tenant_id: 'key',
    patient_id: 'key',
    day: 'engagement',
    day_count: 'engagement',
    week_start: 'engagement',
    week_count: 'engagement',
    last_sent_at: 'engagement',
  },
  delivery_suppressions: {
    tenant_id: 'key',
    patient_id: 'key',
    channel: 'preference',
    reason: 'preference',
    scope: 'preference',
    source: 'preference',
    created_at: 'preference',
  },
  // Being messaged by a campaign, and what a survey answered, is engagement data.
  campaign_members: {
    tenant_id: 'key',
    campaign_id: 'engagement',
    patient_id: 'key',
    occurrence: 'engagement',
    run_id: 'key',
    arm: 'engagement',
    enrolled_at: 'engagement',
    ref_id: 'key',
    slot_ids: 'visit_timing',
  },
  campaign_links: {
    tenant_id: 'key',
    token_hash: 'key',
    kind: 'key',
    campaign_id: 'engagement',
    run_id: 'key',
    patient_id: 'key',
    slot_ids: 'visit_timing',
    visit_id: 'key',
    created_at: 'key',
    expires_at: 'key',
    used_at: 'engagement',
  },
  survey_responses: {
    tenant_id: 'key',
    token_hash: 'key',
    campaign_id: 'engagement',
    patient_id: 'key',
    visit_id: 'key',
    nps: 'engagement',
    csat: 'engagement',
    answered_at: 'engagement',
  },
  // What a patient wrote to the clinic's number or bot and who wrote it: correspondence over a
  // contact, sealed (it may say anything, health included); that it came, and when: engagement.
  inbound_messages: {
    tenant_id: 'key',
    id: 'key',
    provider: 'key',
    event_id: 'key',
    channel: 'engagement',
    patient_ids: 'key',
    key_version: 'key',
    content_enc: 'contact',
    looks_like_withdrawal: 'preference',
    received_at: 'engagement',
    due_at: 'key',
    status: 'key',
    resolution: 'preference',
    resolved_by: 'key',
    resolved_at: 'key',
  },
} as const satisfies { readonly [T in PatientTable]: Classified<T> };

export type PatientTable =
  | 'patients'
  | 'patient_lookup'
  | 'appointments'
  | 'visits'
  | 'visit_services'
  | 'consent_events'
  | 'consent_state'
  | 'patient_representatives'
  | 'subject_requests'
  | 'patient_links'
  | 'import_quarantine'
  | 'patient_sources'
  | 'patient_conditions'
  | 'identity_candidates'
  | 'patient_merges'
  | 'patient_facts'
  | 'patient_visit_facts'
  | 'segment_snapshot_members'
  | 'outbox_messages'
  | 'contact_pressure'
  | 'delivery_suppressions'
  | 'campaign_members'
  | 'campaign_links'
  | 'survey_responses'
  | 'inbound_messages';

/** Attributes held inside the encrypted columns, with their classes. */
export const IDENTITY_ATTRIBUTES = [
  'lastName',
  'firstName',
  'middleName',
  'birthDate',
  'snils',
  'omsPolicy',
  'nationalId',
  'cardNo',
] as const;
export const CONTACT_ATTRIBUTES = ['phone', 'email', 'address', 'postcode', 'messenger'] as const;

export type IdentityAttribute = (typeof IDENTITY_ATTRIBUTES)[number];
export type ContactAttribute = (typeof CONTACT_ATTRIBUTES)[number];

export const classOfColumn = <T extends PatientTable>(table: T, column: keyof DB[T] & string): ColumnClass =>
  (PATIENT_TABLE_CLASSES[table] as Record<string, ColumnClass>)[column] ?? 'key';
