import { type RawBuilder, sql } from 'kysely';
import type { LookupKind, Tx } from '../../db/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import type { PatientContact, PatientIdentity } from './types.ts';

/**
 * Canonical forms for exact lookup. Names fold ё→е and case so that «Семёнова» and
 * «СЕМЕНОВА» meet; phones keep digits only; e-mails are lower-cased.
 */
export const foldName = (s: string): string =>
  s
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export const digitsOnly = (s: string): string => s.replace(/\D+/g, '');

export function canonicalLookup(kind: LookupKind, raw: string): string {
  switch (kind) {
    case 'phone': {
      // A Russian number written with the trunk prefix 8 is the same number as +7.
      const d = digitsOnly(raw);
      return d.length === 11 && d.startsWith('8')
        ? `7${d.slice(1)}`
        : d.length === 10 && d.startsWith('9')
          ? `7${d}`
          : d;
    }
    case 'snils':
    case 'oms':
      return digitsOnly(raw);
    case 'email':
      return raw.trim().toLowerCase();
    case 'card':
    case 'external':
      return raw.trim().toUpperCase();
    case 'surname':
    case 'name':
      return foldName(raw);
  }
}

/** Every lookup value a patient is findable by. */
export function lookupValues(identity: PatientIdentity, contact: PatientContact): [LookupKind, string][] {
  const out: [LookupKind, string][] = [];
  const add = (kind: LookupKind, raw: string | undefined): void => {
    if (!raw) return;
    const c = canonicalLookup(kind, raw);
    if (c) out.push([kind, c]);
  };
  add('phone', contact.phone);
  add('email', contact.email);
  add('snils', identity.snils);
  add('oms', identity.omsPolicy);
  add('card', identity.cardNo);
  // Surname only: a full-name search narrows the surname's candidates after decrypting them.
  add('surname', identity.lastName);
  return out;
}

export interface LookupRow {
  readonly tenant_id: string;
  readonly kind: LookupKind;
  readonly digest: number;
  readonly patient_id: string;
}

/** A patient's blind-index rows: one per kind and digest (two values may share one). */
export function lookupRows(
  keys: TenantKeys,
  patientId: string,
  identity: PatientIdentity,
  contact: PatientContact,
): LookupRow[] {
  const seen = new Set<string>();
  const rows: LookupRow[] = [];
  for (const [kind, value] of lookupValues(identity, contact)) {
    const digest = keys.blind(kind, value);
    const key = `${kind}:${digest}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ tenant_id: keys.tenantId, kind, digest, patient_id: patientId });
  }
  return rows;
}

/** Rebuilds a patient's blind-index rows from its current values. */
export async function reindexPatient(
  tx: Tx,
  keys: TenantKeys,
  patientId: string,
  identity: PatientIdentity,
  contact: PatientContact,
): Promise<void> {
  await tx.deleteFrom('patient_lookup').where('patient_id', '=', patientId).execute();
  const rows = lookupRows(keys, patientId, identity, contact);
  if (rows.length > 0) await tx.insertInto('patient_lookup').values(rows).execute();
}

/**
 * The blind-index entries (table alias `l`) of a canonical value: found by their probe, the
 * column the index is on, then checked by kind and digest.
 */
export function lookupMatches(keys: TenantKeys, kind: LookupKind, canonical: string): RawBuilder<boolean> {
  const digest = keys.blind(kind, canonical);
  return sql<boolean>`(l.probe = lookup_probe(${keys.tenantId}, ${kind}, ${digest}) AND l.kind = ${kind} AND l.digest = ${digest})`;
}
