import { type LookupKind, prepared, type Tx } from '../../db/index.ts';
import { AppError, type Clock, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { classesFor } from '../policy/index.ts';
import { canonicalLookup, foldName, lookupMatches } from './lookup.ts';
import { maskPhone } from './mask.ts';
import { unsealPatient } from './seal.ts';

export interface PatientQuery {
  readonly phone?: string;
  readonly email?: string;
  readonly snils?: string;
  readonly card?: string;
  /** «Иванова», «Иванова Анна», «Анна Иванова»: any token may be the surname. */
  readonly name?: string;
}

export interface PatientSummary {
  readonly id: string;
  readonly status: string;
  readonly lastName: string;
  readonly firstName: string;
  readonly middleName?: string;
  readonly birthDate?: string;
  readonly phone?: string;
}

/** Candidates per digest are bounded: a digest matches a handful of patients by design (R28). */
const MAX_CANDIDATES = 5_000;
const MAX_RESULTS = 50;

type Probe = { kind: LookupKind; value: string };

function probesOf(q: PatientQuery): { probes: Probe[]; by: string } {
  if (q.phone) return { probes: [{ kind: 'phone', value: canonicalLookup('phone', q.phone) }], by: 'phone' };
  if (q.email) return { probes: [{ kind: 'email', value: canonicalLookup('email', q.email) }], by: 'email' };
  if (q.snils) return { probes: [{ kind: 'snils', value: canonicalLookup('snils', q.snils) }], by: 'snils' };
  if (q.card) return { probes: [{ kind: 'card', value: canonicalLookup('card', q.card) }], by: 'card' };
  const tokens = foldName(q.name ?? '')
    .split(' ')
    .filter((t) => t.length > 0);
  return {
    probes: [...new Set(tokens)].slice(0, 3).map((value) => ({ kind: 'surname', value })),
    by: 'name',
  };
}

/**
 * Finds patients through the blind indexes: digests give candidates, decryption
 * confirms them. The query value itself never reaches the database or the log.
 */
export async function searchPatients(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  query: PatientQuery,
): Promise<PatientSummary[]> {
  const classes = classesFor(scope, 'list');
  if (!classes.has('identity'))
    throw new AppError('ROLE_NOT_PERMITTED', 'Searching patients needs access to identity data.');
  const { probes, by } = probesOf(query);
  if (probes.length === 0 || probes.some((p) => p.value.length < 2)) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Give a phone, e-mail, СНИЛС, card number or name to search by.',
      [{ field: by, issue: 'too short' }],
    );
  }
  // Prepared once per session: the plan (blind-index scan, then each candidate by key) never depends on the digest.
  const lookup = tx
    .selectFrom('patient_lookup as l')
    .innerJoin('patients as p', (j) =>
      j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.patient_id'),
    )
    .select(['p.id', 'p.status', 'p.key_version', 'p.key_wrapped', 'p.identity_enc', 'p.contact_enc'])
    .where((eb) => eb.or(probes.map((p) => lookupMatches(keys, p.kind, p.value))))
    .where('p.status', '<>', 'erased')
    .limit(MAX_CANDIDATES);
  const candidates = (await tx.executeQuery(prepared(lookup.compile()))).rows;
  const tokens = by === 'name' ? probes.map((p) => p.value) : [];
  const results: PatientSummary[] = [];
  const seen = new Set<string>();
  const byContact = by === 'phone' || by === 'email';
  for (const c of candidates) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    // Confirm a candidate by the class the query is about before decrypting anything else.
    let contact = byContact ? unsealPatient(keys, c, { identity: false, contact: true }).contact : undefined;
    if (byContact && !(contact && contactMatches(contact, by, probes[0]!.value))) continue;
    const identity = unsealPatient(keys, c, { identity: true, contact: false }).identity;
    if (!identity) continue;
    if (!byContact) {
      const matches =
        by === 'snils'
          ? identity.snils !== undefined && canonicalLookup('snils', identity.snils) === probes[0]!.value
          : by === 'card'
            ? identity.cardNo !== undefined && canonicalLookup('card', identity.cardNo) === probes[0]!.value
            : nameMatches(identity, tokens);
      if (!matches) continue;
      if (classes.has('contact'))
        contact = unsealPatient(keys, c, { identity: false, contact: true }).contact;
    }
    results.push({
      id: c.id,
      status: c.status,
      lastName: identity.lastName,
      firstName: identity.firstName,
      ...(identity.middleName ? { middleName: identity.middleName } : {}),
      ...(identity.birthDate ? { birthDate: identity.birthDate } : {}),
      ...(classes.has('contact') && contact?.phone ? { phone: maskPhone(contact.phone) } : {}),
    });
    if (results.length >= MAX_RESULTS) break;
  }
  results.sort((a, b) => `${a.lastName} ${a.firstName}`.localeCompare(`${b.lastName} ${b.firstName}`, 'ru'));
  await appendAudit(tx, clock, auditContextOf(scope), [
    { action: 'patient.search', outcome: 'allowed', details: { by, results: results.length } },
  ]);
  return results;
}

/** Every token must be the surname, or the start of the first name or patronymic. */
function contactMatches(contact: { phone?: string; email?: string }, by: string, value: string): boolean {
  const v = by === 'phone' ? contact.phone : contact.email;
  return v !== undefined && canonicalLookup(by === 'phone' ? 'phone' : 'email', v) === value;
}

function nameMatches(
  identity: { lastName: string; firstName: string; middleName?: string },
  tokens: readonly string[],
): boolean {
  const last = foldName(identity.lastName);
  const others = [foldName(identity.firstName), foldName(identity.middleName ?? '')];
  return tokens.includes(last) && tokens.every((t) => t === last || others.some((o) => o.startsWith(t)));
}
