import type { Selectable } from 'kysely';
import type { PatientsTable, Tx } from '../../db/index.ts';
import { AppError } from '../../kernel/index.ts';
import { openJson, type TenantKeys } from '../crypto/index.ts';
import { contactAad, identityAad, type PatientContact, type PatientIdentity } from '../patients/index.ts';
import { CONTACT_ATTRIBUTES, IDENTITY_ATTRIBUTES } from '../policy/index.ts';
import type { ConsentChange } from './merge-consents.ts';
import { chooseGolden, type SourceRecord } from './survivorship.ts';

/** What a merge moved, to move exactly that back. */
export interface Moves {
  readonly visits: string[];
  readonly appointments: string[];
  readonly conditions: string[];
  readonly sources: { sourceId: string; recordHmac: string }[];
  readonly consent: ConsentChange[];
}

/** What a merge reads of each patient it locks. */
const LOCKED_COLUMNS = [
  'id',
  'status',
  'merged_into',
  'key_version',
  'key_wrapped',
  'identity_enc',
  'contact_enc',
  'sex',
  'birth_year',
  'birth_md',
  'city',
  'has_email',
  'has_phone',
  'updated_at',
] as const;

export type PatientRow = Pick<Selectable<PatientsTable>, (typeof LOCKED_COLUMNS)[number]>;

/** The clear columns a merge may overwrite on the survivor, kept to restore them on undo. */
export type PatientProfileColumns = Pick<
  PatientRow,
  'sex' | 'birth_year' | 'birth_md' | 'city' | 'has_email' | 'has_phone'
>;

export const lockPatients = async (tx: Tx, ids: readonly string[]): Promise<Map<string, PatientRow>> => {
  // Always in id order, so two merges touching the same patients cannot deadlock.
  const rows = await tx
    .selectFrom('patients')
    .select(LOCKED_COLUMNS)
    .where('id', 'in', [...ids].sort())
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
};

export const openPatient = (keys: TenantKeys, p: PatientRow) => {
  if (p.key_version === null || p.key_wrapped === null || !p.identity_enc || !p.contact_enc)
    throw new AppError('CONFLICT', 'An erased patient cannot be merged.');
  const key = keys.unwrapPatientKey(p.id, p.key_version, p.key_wrapped);
  return {
    key,
    identity: openJson<PatientIdentity>(key, p.identity_enc, identityAad(keys.tenantId, p.id)),
    contact: openJson<PatientContact>(key, p.contact_enc, contactAad(keys.tenantId, p.id)),
  };
};

/** The tables whose rows follow a patient into a merge, by their name in `Moves`. */
const MOVED_TABLES = {
  visits: 'visits',
  appointments: 'appointments',
  conditions: 'patient_conditions',
} as const;
type MovedKey = keyof typeof MOVED_TABLES;
export const movedTables = Object.entries(MOVED_TABLES) as [MovedKey, (typeof MOVED_TABLES)[MovedKey]][];

/** Golden identity and contact of two records (survivorship rules; the newer record wins ties). */
export const goldenOf = (
  survivor: { identity: PatientIdentity; contact: PatientContact; updatedAt: Date },
  merged: { identity: PatientIdentity; contact: PatientContact; updatedAt: Date },
): { identity: PatientIdentity; contact: PatientContact } => {
  const source = (row: number, p: typeof survivor): SourceRecord => ({
    row,
    updatedAt: p.updatedAt.toISOString(),
    values: { ...p.identity, ...p.contact },
  });
  // On a tie (same update time) the later row wins: that is the survivor's, the record people already use.
  const golden = chooseGolden([source(2, survivor), source(1, merged)]);
  const pick = <K extends string>(names: readonly K[]): Partial<Record<K, string>> => {
    const out: Partial<Record<K, string>> = {};
    for (const n of names) if (golden[n]) out[n] = golden[n].value;
    return out;
  };
  const identity = pick(IDENTITY_ATTRIBUTES) as PatientIdentity;
  return {
    // A patient always keeps a surname and a first name: the survivor's if survivorship found none.
    identity: {
      ...identity,
      lastName: identity.lastName ?? survivor.identity.lastName,
      firstName: identity.firstName ?? survivor.identity.firstName,
    },
    contact: pick(CONTACT_ATTRIBUTES),
  };
};
