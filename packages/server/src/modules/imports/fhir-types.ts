import type { ImportField } from '@careloop/contracts';

/**
 * Plain records read from FHIR R4 resources. They point at each other by resource id
 * (`FhirRef.id`), so the caller can link encounters to patients and practitioners without
 * holding the bundle. Date and dateTime values are kept as FHIR wrote them (ISO 8601).
 */

export interface FhirCoding {
  readonly system?: string;
  readonly code?: string;
  readonly display?: string;
}

/** A CodeableConcept: its codings and its text. */
export interface FhirConcept {
  readonly text?: string;
  readonly codings: readonly FhirCoding[];
}

/**
 * A reference resolved to the target's id: `Patient/123`, an absolute URL ending in it,
 * or a bundle-local `urn:uuid:…` (whose uuid is the id unless the bundle said otherwise).
 * `type` is known from the reference itself or from an entry seen earlier in the bundle.
 */
export interface FhirRef {
  readonly id: string;
  readonly type?: string;
  readonly display?: string;
}

/** What an identifier is, told from its system URI or type code. */
export type FhirIdentifierKind =
  | 'snils'
  | 'oms'
  | 'mrn'
  | 'ssn'
  | 'national'
  | 'passport'
  | 'driver_license'
  | 'other';

export interface FhirIdentifier {
  readonly kind: FhirIdentifierKind;
  readonly value: string;
  readonly system?: string;
  /** The v2-0203 type code, e.g. MR, SS, PPN. */
  readonly typeCode?: string;
}

export interface FhirName {
  readonly use?: string;
  readonly family?: string;
  readonly given: readonly string[];
  readonly prefix: readonly string[];
  readonly text?: string;
}

export interface FhirAddress {
  readonly use?: string;
  readonly lines: readonly string[];
  readonly city?: string;
  readonly district?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly text?: string;
}

interface FhirBase {
  /** 1-based position of the entry in Bundle.entry, or the 1-based line of an NDJSON file. */
  readonly index: number;
  /** The resource id; for a bundle entry without one, the uuid of its `urn:uuid:` fullUrl. */
  readonly id?: string;
}

export interface FhirPatient extends FhirBase {
  readonly kind: 'patient';
  readonly names: readonly FhirName[];
  readonly identifiers: readonly FhirIdentifier[];
  readonly birthDate?: string;
  readonly gender?: string;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly addresses: readonly FhirAddress[];
  /** `deceasedBoolean` or `deceasedDateTime`. */
  readonly deceased?: boolean | string;
  readonly active?: boolean;
  /**
   * The same patient in canonical import fields, from the official (else first) name,
   * the home (else first) address, a mobile (else first) phone, and the identifiers:
   * `external_id` is the resource id, `card_no` the MRN, `snils`, `oms_policy`, and
   * `national_id` the SSN or national number. Given names after the first (a patronymic in
   * Russian profiles, middle names in US data) become `middle_name`.
   */
  readonly fields: Partial<Record<ImportField, string>>;
}

export interface FhirPractitioner extends FhirBase {
  readonly kind: 'practitioner';
  readonly names: readonly FhirName[];
  /** Family and given names of the first name, or its text. */
  readonly fullName?: string;
  readonly identifiers: readonly FhirIdentifier[];
  readonly gender?: string;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly qualifications: readonly FhirConcept[];
  readonly active?: boolean;
}

export interface FhirEncounter extends FhirBase {
  readonly kind: 'encounter';
  readonly status?: string;
  readonly class?: FhirCoding;
  readonly types: readonly FhirConcept[];
  readonly serviceType?: FhirConcept;
  readonly reasons: readonly FhirConcept[];
  readonly patient?: FhirRef;
  /** Participants' `individual` references that are (or may be) practitioners; `type` tells when known. */
  readonly practitioners: readonly FhirRef[];
  readonly start?: string;
  readonly end?: string;
  readonly serviceProvider?: FhirRef;
}

export interface FhirAppointmentParticipant {
  readonly actor: FhirRef;
  readonly status?: string;
}

export interface FhirAppointment extends FhirBase {
  readonly kind: 'appointment';
  readonly status?: string;
  readonly start?: string;
  readonly end?: string;
  readonly serviceTypes: readonly FhirConcept[];
  readonly specialties: readonly FhirConcept[];
  readonly reasons: readonly FhirConcept[];
  readonly description?: string;
  readonly participants: readonly FhirAppointmentParticipant[];
  /** Participants known to be patients / practitioners (from the reference or an earlier entry). */
  readonly patients: readonly FhirRef[];
  readonly practitioners: readonly FhirRef[];
}

/** Clinical data: keep it apart from contact data (DESIGN §2, data class `clinical`). */
export interface FhirCondition extends FhirBase {
  readonly kind: 'condition';
  readonly code?: FhirConcept;
  readonly patient?: FhirRef;
  readonly encounter?: FhirRef;
  readonly clinicalStatus?: string;
  readonly verificationStatus?: string;
  readonly categories: readonly FhirConcept[];
  /** `onsetDateTime`, `onsetPeriod.start` or `onsetString`. */
  readonly onset?: string;
  readonly abatement?: string;
  readonly recordedDate?: string;
}

export type FhirRecord = FhirPatient | FhirPractitioner | FhirEncounter | FhirAppointment | FhirCondition;

export const FHIR_PROBLEM_CODES = [
  /** A resource type Careloop does not import (Observation, Claim…): counted, not read. */
  'unsupported_resource_type',
  /** Not a JSON object with a resourceType. */
  'invalid_resource',
  /** An NDJSON line that is not JSON. */
  'invalid_json',
  /** A bundle entry without a resource (e.g. a DELETE request). */
  'no_resource',
] as const;
export type FhirProblemCode = (typeof FHIR_PROBLEM_CODES)[number];

/** A resource the reader could not use; never dropped without one of these. */
export interface FhirProblem {
  readonly kind: 'problem';
  readonly index: number;
  readonly code: FhirProblemCode;
  readonly message: string;
  readonly resourceType?: string;
  readonly id?: string;
}

export type FhirItem = FhirRecord | FhirProblem;
