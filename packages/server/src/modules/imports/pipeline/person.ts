import type { ImportField } from '@careloop/contracts';
import {
  type FieldIssue,
  ISSUE_REASONS,
  inferSex,
  nameOfFields,
  normaliseBirthDate,
  normaliseDate,
  normaliseEmail,
  normaliseOmsPolicy,
  normalisePhone,
  normalisePostcode,
  normaliseSex,
  normaliseSnils,
} from '../../normalise/index.ts';
import type { NewPatient } from '../../patients/index.ts';

/** What a tenant requires of every imported row (tenant settings `import.required`). */
export interface ImportRules {
  /** Fields that must be present and valid. */
  readonly required: readonly ImportField[];
  /** At least one of these must be present and valid, so a person can be told apart and reached. */
  readonly oneOf: readonly ImportField[];
  readonly today: Date;
}

export const DEFAULT_RULES: Omit<ImportRules, 'today'> = {
  required: ['last_name', 'first_name'],
  oneOf: ['birth_date', 'phone', 'email', 'snils'],
};

/** Consent columns of an MIS export and the ledger kinds they are. */
export const CONSENT_FIELDS = {
  consent_marketing: 'pd.marketing',
  consent_sms: 'ads.receive.sms',
  consent_email: 'ads.receive.email',
  consent_messenger: 'ads.receive.messenger',
  consent_calls: 'ads.receive.call',
} as const satisfies Partial<Record<ImportField, string>>;
const CONSENT_ENTRIES = Object.entries(CONSENT_FIELDS) as [keyof typeof CONSENT_FIELDS, string][];

/** A consent the MIS recorded, given on a date when the export says which. */
export interface ImportedConsent {
  readonly kind: string;
  readonly at: string | null;
}

const YES = new Set([
  'да',
  'yes',
  'y',
  '1',
  'true',
  '+',
  'x',
  'х',
  'v',
  '✓',
  '✔',
  'согласен',
  'согласна',
  'есть',
  'д',
]);
const NO = new Set(['нет', 'no', 'n', '0', 'false', '-', 'отказ', 'н']);

function consentMark(value: string, today: Date): { given: boolean; at: string | null } | null {
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return { given: true, at: null };
  if (NO.has(v)) return { given: false, at: null };
  const d = normaliseDate(value, { today, birth: false });
  return d.ok && d.value <= today.toISOString().slice(0, 10) ? { given: true, at: d.value } : null;
}

const isMinorOn = (birthDate: string, day: string): boolean => {
  const age =
    Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (day.slice(5) < birthDate.slice(5) ? 1 : 0);
  return age < 18;
};

/** One source row turned into a patient, with every issue found on the way. */
export interface RowVerdict {
  /** `rejected`: not imported; `partial`: imported without the doubtful or invalid optional values; `ok`. */
  readonly verdict: 'ok' | 'partial' | 'rejected';
  readonly person?: NewPatient;
  readonly externalId?: string;
  readonly consents?: readonly ImportedConsent[];
  readonly issues: readonly FieldIssue[];
}

/** A value under construction: filled in key order, then handed on as read-only. */
type Building<T> = { -readonly [K in keyof T]: T[K] };

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/**
 * Validates and normalises one row (pure). Names are split and their case fixed,
 * dates read in every common format, phones put in E.164, e-mails and СНИЛС checked.
 * Problems on required fields reject the row; on optional ones the value is left out
 * and the row is imported as `partial`, so nothing is silently dropped.
 */
export function personFromRow(fields: Partial<Record<ImportField, string>>, rules: ImportRules): RowVerdict {
  const issues: FieldIssue[] = [];
  const keep = <T>(r: { ok: true; value: T } | (FieldIssue & { ok: false })): T | undefined => {
    if (r.ok) return r.value;
    issues.push({
      field: r.field,
      value: r.value,
      reason: r.reason,
      severity: r.severity,
      message: r.message,
    });
    return undefined;
  };

  // A doubtful column is left out; a doubtful ФИО keeps its best split, and both are reported.
  const { lastName, firstName, middleName } = nameOfFields(fields, {
    part: keep,
    whole: (r) => {
      keep(r);
      return r.ok ? r.value : r.guess;
    },
  });
  const birthDate = present(fields.birth_date)
    ? keep(normaliseBirthDate(fields.birth_date, { today: rules.today }))
    : undefined;
  const phoneRaw = present(fields.phone) ? fields.phone : fields.phone_alt;
  const phone = present(phoneRaw)
    ? keep(normalisePhone(phoneRaw, { field: present(fields.phone) ? 'phone' : 'phone_alt' }))
    : undefined;
  const email = present(fields.email) ? keep(normaliseEmail(fields.email)) : undefined;
  const snils = present(fields.snils) ? keep(normaliseSnils(fields.snils)) : undefined;
  const oms = present(fields.oms_policy) ? keep(normaliseOmsPolicy(fields.oms_policy)) : undefined;
  const postcode = present(fields.postcode) ? keep(normalisePostcode(fields.postcode)) : undefined;
  let sex = present(fields.sex) ? keep(normaliseSex(fields.sex)) : undefined;
  if (!sex && (middleName || firstName || lastName)) {
    sex = inferSex({
      ...(firstName ? { firstName } : {}),
      ...(middleName ? { middleName } : {}),
      ...(lastName ? { lastName } : {}),
    })?.sex;
  }

  const valid: Partial<Record<ImportField, unknown>> = {
    last_name: lastName,
    first_name: firstName,
    middle_name: middleName,
    full_name: lastName && firstName ? lastName : undefined,
    birth_date: birthDate,
    phone,
    email,
    snils,
    oms_policy: oms,
  };
  const missingRequired = rules.required.filter((f) => valid[f] === undefined);
  for (const f of missingRequired) {
    if (!issues.some((i) => i.field === f)) {
      issues.push({
        field: f,
        value: '',
        reason: 'missing',
        severity: 'reject',
        message: { ru: 'Обязательное поле не заполнено.', en: 'A required field is empty.' },
      });
    }
  }
  const hasOne = rules.oneOf.length === 0 || rules.oneOf.some((f) => valid[f] !== undefined);
  if (!hasOne) {
    issues.push({
      field: rules.oneOf.join('|'),
      value: '',
      reason: 'missing',
      severity: 'reject',
      message: {
        ru: `Нужно хотя бы одно из полей: ${rules.oneOf.join(', ')}.`,
        en: `At least one of ${rules.oneOf.join(', ')} is needed.`,
      },
    });
  }
  // A required field with any issue, or a doubt about the name itself, keeps the row out.
  const rejected =
    missingRequired.length > 0 ||
    !hasOne ||
    !lastName ||
    !firstName ||
    issues.some((i) => i.severity === 'reject' && rules.required.includes(i.field as ImportField));
  const consents: ImportedConsent[] = [];
  for (const [field, kind] of CONSENT_ENTRIES) {
    const raw = fields[field];
    if (!present(raw)) continue;
    const mark = consentMark(raw, rules.today);
    if (!mark) {
      issues.push({
        field,
        value: raw,
        reason: 'consent_value',
        severity: 'doubt',
        message: ISSUE_REASONS.consent_value,
      });
    } else if (
      mark.given &&
      birthDate &&
      isMinorOn(birthDate, mark.at ?? rules.today.toISOString().slice(0, 10))
    ) {
      // A minor's consent comes only through a recorded representative (R11): not from a file.
      issues.push({
        field,
        value: raw,
        reason: 'consent_minor',
        severity: 'doubt',
        message: ISSUE_REASONS.consent_minor,
      });
    } else if (mark.given) consents.push({ kind, at: mark.at });
  }
  const cityFromAddress = present(fields.city) ? fields.city.trim() : undefined;
  const address = [fields.address, fields.street_number].filter(present).join(', ') || undefined;
  if (rejected)
    return {
      verdict: 'rejected',
      issues,
      ...(present(fields.external_id) ? { externalId: fields.external_id.trim() } : {}),
    };
  // Built by assignment in a fixed key order (the record key hashes their JSON): spreading
  // a dozen small objects per row cost more than the checks themselves.
  const identity: Building<NewPatient['identity']> = { lastName: lastName!, firstName: firstName! };
  if (middleName) identity.middleName = middleName;
  if (birthDate) identity.birthDate = birthDate;
  if (snils) identity.snils = snils.formatted;
  if (oms) identity.omsPolicy = oms;
  if (present(fields.national_id)) identity.nationalId = fields.national_id.trim();
  if (present(fields.card_no)) identity.cardNo = fields.card_no.trim();
  const contact: Building<NewPatient['contact']> = {};
  if (phone) contact.phone = phone.e164;
  if (email) contact.email = email.address;
  if (address) contact.address = address;
  if (postcode) contact.postcode = postcode;
  const profile: Building<NewPatient['profile']> = {};
  if (sex) profile.sex = sex;
  if (cityFromAddress) profile.city = cityFromAddress;
  const verdict: Building<RowVerdict> = {
    verdict: issues.length > 0 ? 'partial' : 'ok',
    issues,
  };
  if (present(fields.external_id)) verdict.externalId = fields.external_id.trim();
  if (consents.length > 0) verdict.consents = consents;
  verdict.person = { identity, contact, profile };
  return verdict;
}
