/**
 * Careloop's shared vocabulary. Every list is `as const` so that a new value
 * without a handler (a label, a policy entry, a column class) does not compile.
 */

export const ROLES = ['owner', 'marketer', 'front_desk', 'doctor', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Every stored patient-related attribute has exactly one data class (DESIGN §2). */
export const DATA_CLASSES = [
  'identity',
  'contact',
  'demographic',
  'preference',
  'visit_timing',
  'visit_clinical',
  'clinical',
  'engagement',
  'financial',
] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** What an outside party on the processor register does for the clinic (R58). */
export const PROCESSOR_SERVICES = ['email', 'sms', 'messenger', 'call_centre', 'hosting', 'other'] as const;
export type ProcessorServiceKind = (typeof PROCESSOR_SERVICES)[number];
/** Its legal role: a processor the clinic engages, or a sub-processor one of them engages. */
export const PROCESSOR_ROLES = ['processor', 'sub_processor'] as const;
export type ProcessorRole = (typeof PROCESSOR_ROLES)[number];

/** A sending domain under the complaint-rate breaker (R20): fine, alerting, or advertising paused. */
export const SENDING_DOMAIN_STATES = ['ok', 'alert', 'paused'] as const;
export type SendingDomainState = (typeof SENDING_DOMAIN_STATES)[number];

/** The notices a personal-data breach may call for (R43); their clocks are in the incidents module. */
export const INCIDENT_NOTICES = [
  'rkn_initial',
  'rkn_results',
  'gdpr_authority',
  'hipaa_individuals',
  'hipaa_hhs',
  'hipaa_media',
] as const;
export type IncidentNotice = (typeof INCIDENT_NOTICES)[number];

/** Every read, segment, message and export runs under exactly one purpose (DESIGN §2). */
export const PURPOSES = [
  'care.appointment',
  'care.followup',
  'service.feedback',
  /**
   * A notice the patient's own message calls for at once: the one confirmation after STOP (R22).
   * Not advertising: no consent kind, no contact budget, no quiet hours; only Careloop sends it.
   */
  'service.notice',
  'marketing.general',
  'marketing.health',
  'analytics.aggregate',
  'audience.export',
  /** Running the clinic's registry: registration desk, corrections, consent capture. */
  'registry.operations',
  /** Answering a data-subject request: access, rectification, erasure, objection. */
  'subject.rights',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/** R13: the class of message template each purpose sends; `null`: the purpose sends no messages. */
export const TEMPLATE_CLASS_OF_PURPOSE = {
  'care.appointment': 'care',
  'care.followup': 'care',
  'service.feedback': 'service',
  'service.notice': 'service',
  'marketing.general': 'advertising',
  'marketing.health': 'advertising',
  'analytics.aggregate': null,
  'audience.export': null,
  'registry.operations': null,
  'subject.rights': null,
} as const satisfies Record<Purpose, 'service' | 'care' | 'advertising' | null>;

export const CHANNELS = ['email', 'sms', 'messenger', 'call'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SEXES = ['female', 'male'] as const;
export type Sex = (typeof SEXES)[number];

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

export const VISIT_MODES = ['offline', 'online', 'any'] as const;
export type VisitMode = (typeof VISIT_MODES)[number];

export const APPOINTMENT_STATUSES = ['booked', 'attended', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const SLOT_STATUSES = ['free', 'booked', 'blocked'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

export const PATIENT_STATUSES = ['active', 'merged', 'erased'] as const;
export type PatientStatus = (typeof PATIENT_STATUSES)[number];

export const JURISDICTIONS = ['RU', 'EU', 'US'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** What a purpose lets an actor do with a data class (DESIGN §2, R29–R31). */
export const ACTIONS = ['read', 'list', 'write', 'aggregate', 'segment', 'message', 'export'] as const;
export type Action = (typeof ACTIONS)[number];
