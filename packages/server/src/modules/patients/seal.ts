import type { BinaryType } from '../../db/index.ts';
import { newId, randomBytesPooled } from '../../kernel/index.ts';
import { openJson, seal, type TenantKeys } from '../crypto/index.ts';
import { type LookupRow, lookupRows } from './lookup.ts';
import type { NewPatient, PatientContact, PatientIdentity } from './types.ts';

/** The rows that store one patient: the patient (with its wrapped key) and its blind-index entries. */
export interface SealedPatient {
  readonly patient: {
    tenant_id: string;
    id: string;
    key_version: number;
    key_wrapped: Buffer;
    identity_enc: Buffer;
    contact_enc: Buffer;
    sex: 'female' | 'male' | null;
    birth_year: number | null;
    birth_md: number | null;
    city: string | null;
    home_branch_id: string | null;
    time_zone: string | null;
    language: 'ru' | 'en';
    preferred_channel: 'email' | 'sms' | 'messenger' | 'call' | null;
    preferred_time: 'morning' | 'afternoon' | 'evening' | null;
    visit_mode: 'offline' | 'online' | 'any' | null;
    has_email: boolean;
    has_phone: boolean;
    /** The cell-key method's random key (migration 2026-12-03T0900_record_keys), drawn here for bulk loads. */
    record_key: number;
    created_at: Date;
  };
  readonly lookups: LookupRow[];
}

export const identityAad = (tenantId: string, patientId: string): string =>
  `${tenantId}/${patientId}/identity`;
export const contactAad = (tenantId: string, patientId: string): string => `${tenantId}/${patientId}/contact`;

/** "1980-03-05" → year 1980 and month-day 305: age and birthday rules run on these in SQL. */
export function birthParts(birthDate: string | undefined): { year: number | null; md: number | null } {
  const m = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  if (!m) return { year: null, md: null };
  return { year: Number(m[1]), md: Number(m[2]) * 100 + Number(m[3]) };
}

/** The clear columns that follow from a person's identity and contact (segments read these). */
export function derivedColumns(
  input: Pick<NewPatient, 'identity' | 'contact'>,
): Pick<SealedPatient['patient'], 'birth_year' | 'birth_md' | 'has_email' | 'has_phone'> {
  const birth = birthParts(input.identity.birthDate);
  return {
    birth_year: birth.year,
    birth_md: birth.md,
    has_email: Boolean(input.contact.email),
    has_phone: Boolean(input.contact.phone),
  };
}

/** A patient's identity and contact as the JSON texts that are sealed. */
export interface PatientTexts {
  readonly identity: string;
  readonly contact: string;
}

export const patientTexts = (input: Pick<NewPatient, 'identity' | 'contact'>): PatientTexts => ({
  identity: JSON.stringify(input.identity),
  contact: JSON.stringify(input.contact),
});

/** `texts`: the caller's own rendering of the same values, when it needs them too (an import hashes them). */
export function sealPatient(
  keys: TenantKeys,
  input: NewPatient,
  now: Date,
  texts: PatientTexts = patientTexts(input),
): SealedPatient {
  const tenantId = keys.tenantId;
  const id = input.id ?? newId();
  const pk = keys.newPatientKey(id);
  const p = input.profile;
  return {
    patient: {
      tenant_id: tenantId,
      id,
      key_version: pk.version,
      key_wrapped: pk.wrapped,
      identity_enc: seal(pk.key, Buffer.from(texts.identity), identityAad(tenantId, id)),
      contact_enc: seal(pk.key, Buffer.from(texts.contact), contactAad(tenantId, id)),
      ...derivedColumns(input),
      sex: p.sex ?? null,
      city: p.city ?? null,
      home_branch_id: p.homeBranchId ?? null,
      time_zone: p.timeZone ?? null,
      language: p.language ?? 'ru',
      preferred_channel: p.preferredChannel ?? null,
      preferred_time: p.preferredTime ?? null,
      visit_mode: p.visitMode ?? null,
      record_key: randomBytesPooled(4).readUInt32BE(0) >>> 1,
      created_at: input.createdAt ?? now,
    },
    lookups: lookupRows(keys, id, input.identity, input.contact),
  };
}

/**
 * Decrypts what a caller is allowed to see; the key is unwrapped once per patient.
 * A shredded patient (no key) yields nothing.
 */
export function unsealPatient(
  keys: TenantKeys,
  row: {
    id: string;
    key_version: number | null;
    key_wrapped: Buffer | null;
    identity_enc: Buffer | null;
    contact_enc: Buffer | null;
  },
  want: { identity: boolean; contact: boolean },
): { identity?: PatientIdentity; contact?: PatientContact } {
  if (row.key_version === null || row.key_wrapped === null) return {};
  const patientKey = keys.unwrapPatientKey(row.id, row.key_version, row.key_wrapped);
  const out: { identity?: PatientIdentity; contact?: PatientContact } = {};
  if (want.identity && row.identity_enc) {
    out.identity = openJson<PatientIdentity>(
      patientKey,
      row.identity_enc,
      identityAad(keys.tenantId, row.id),
    );
  }
  if (want.contact && row.contact_enc) {
    out.contact = openJson<PatientContact>(patientKey, row.contact_enc, contactAad(keys.tenantId, row.id));
  }
  return out;
}

/** Every column of a patient row with its type, in COPY order (binary COPY needs the exact type). */
const PATIENT_COPY = {
  tenant_id: 'uuid',
  id: 'uuid',
  key_version: 'int4',
  key_wrapped: 'bytea',
  identity_enc: 'bytea',
  contact_enc: 'bytea',
  sex: 'text',
  birth_year: 'int2',
  birth_md: 'int2',
  city: 'text',
  home_branch_id: 'uuid',
  time_zone: 'text',
  language: 'text',
  preferred_channel: 'text',
  preferred_time: 'text',
  visit_mode: 'text',
  has_email: 'bool',
  has_phone: 'bool',
  record_key: 'int4',
  created_at: 'timestamptz',
} as const satisfies Record<keyof SealedPatient['patient'], BinaryType>;

export const PATIENT_COPY_COLUMNS = Object.keys(PATIENT_COPY) as (keyof typeof PATIENT_COPY)[];
export const PATIENT_COPY_TYPES: readonly BinaryType[] = Object.values(PATIENT_COPY);
