import type { DataClass, Language } from '@careloop/contracts';
import { ADDRESS_STYLES, type AddressStyle, fullName, nameWithPatronymic, salutation } from './address.ts';
import {
  declineFirstName,
  declineSurname,
  effectiveSex,
  GRAMMATICAL_CASES,
  type GrammaticalCase,
} from './declension.ts';
import type { ValueBag } from './model.ts';

/**
 * Personalisation tokens, each declared once with the data classes its value reveals
 * (DESIGN §2). Clinic and system tokens reveal nothing about the patient: no class. A
 * salutation reveals the name and the sex, so it needs both classes. Rendering refuses a
 * template whose tokens need a class the purpose does not allow.
 */

export type TokenFilter = GrammaticalCase | AddressStyle;
type Filter = TokenFilter;

export interface TokenSpec {
  readonly classes: readonly DataClass[];
  /** url tokens must resolve to an http(s) or mailto address and become links in HTML. */
  readonly kind: 'text' | 'url';
  readonly filters: readonly Filter[];
  readonly resolve: (values: ValueBag, language: Language, filter: Filter | undefined) => string | undefined;
}

const asCase = (f: Filter | undefined): GrammaticalCase =>
  (GRAMMATICAL_CASES as readonly string[]).includes(f ?? '') ? (f as GrammaticalCase) : 'nominative';

/** Case filters decline Russian names only; English names never change. */
const nameCase = (language: Language, f: Filter | undefined): GrammaticalCase =>
  language === 'ru' ? asCase(f) : 'nominative';

const text = (classes: readonly DataClass[], get: (v: ValueBag) => string | undefined): TokenSpec => ({
  classes,
  kind: 'text',
  filters: [],
  resolve: (v) => get(v),
});

const url = (get: (v: ValueBag) => string | undefined): TokenSpec => ({
  classes: [],
  kind: 'url',
  filters: [],
  resolve: (v) => get(v),
});

export const TOKENS = {
  'patient.first_name': {
    classes: ['identity'],
    kind: 'text',
    filters: GRAMMATICAL_CASES,
    resolve: (v, lang, f) => {
      const p = v.patient;
      return p?.firstName ? declineFirstName(p.firstName, effectiveSex(p), nameCase(lang, f)) : undefined;
    },
  },
  'patient.last_name': {
    classes: ['identity'],
    kind: 'text',
    filters: GRAMMATICAL_CASES,
    resolve: (v, lang, f) => {
      const p = v.patient;
      return p?.lastName ? declineSurname(p.lastName, effectiveSex(p), nameCase(lang, f)) : undefined;
    },
  },
  /** «Анна Петровна», or the first name alone when the patronymic is unknown. */
  'patient.name': {
    classes: ['identity'],
    kind: 'text',
    filters: GRAMMATICAL_CASES,
    resolve: (v, lang, f) =>
      v.patient
        ? lang === 'ru'
          ? nameWithPatronymic(v.patient, nameCase(lang, f))
          : v.patient.firstName
        : undefined,
  },
  'patient.full_name': {
    classes: ['identity'],
    kind: 'text',
    filters: GRAMMATICAL_CASES,
    resolve: (v, lang, f) => (v.patient ? fullName(v.patient, nameCase(lang, f)) : undefined),
  },
  /** Never missing: falls back to «Уважаемый пациент» / «Dear patient». */
  'patient.salutation': {
    classes: ['identity', 'demographic'],
    kind: 'text',
    filters: ADDRESS_STYLES,
    resolve: (v, lang, f) => salutation(v.patient ?? {}, lang, f === 'informal' ? 'informal' : 'formal'),
  },
  'clinic.name': text([], (v) => v.clinic?.name),
  'clinic.phone': text([], (v) => v.clinic?.phone),
  'clinic.postal_address': text([], (v) => v.clinic?.postalAddress),
  'slot.date': text(['visit_timing'], (v) => v.slot?.date),
  'slot.time': text(['visit_timing'], (v) => v.slot?.time),
  'slot.branch': text(['visit_timing'], (v) => v.slot?.branch),
  /** A doctor's name tells the specialty, and the specialty tells the condition. */
  'slot.doctor': text(['visit_clinical'], (v) => v.slot?.doctor),
  'slot.specialty': text(['visit_clinical'], (v) => v.slot?.specialty),
  'loyalty.points': text(['financial'], (v) => v.loyalty?.points),
  unsubscribe_url: url((v) => v.links?.unsubscribe),
  preferences_url: url((v) => v.links?.preferences),
  booking_url: url((v) => v.links?.booking),
  survey_url: url((v) => v.links?.survey),
} as const satisfies Record<string, TokenSpec>;

export type TokenName = keyof typeof TOKENS;
export const TOKEN_NAMES = Object.keys(TOKENS) as TokenName[];

export const isTokenName = (s: string): s is TokenName => Object.hasOwn(TOKENS, s);

export const tokenSpec = (name: TokenName): TokenSpec => TOKENS[name];

/** A piece of template text: literal text, or a token with an optional filter. */
export type Segment =
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'token'; readonly name: string; readonly filter?: string; readonly raw: string };

export type TokenProblem =
  | { readonly code: 'TOKEN_SYNTAX'; readonly at: number; readonly raw: string }
  | { readonly code: 'TOKEN_UNKNOWN'; readonly token: string }
  | { readonly code: 'TOKEN_FILTER_INVALID'; readonly token: string; readonly filter: string }
  | { readonly code: 'TOKEN_CLASS_NOT_ALLOWED'; readonly token: string; readonly dataClass: DataClass };

const INNER = /^\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)\s*(?:\|\s*([a-z_]+)\s*)?$/;

/** Splits text into segments; malformed braces are reported, never passed through. */
export const parseTemplate = (
  source: string,
): { readonly segments: readonly Segment[]; readonly problems: readonly TokenProblem[] } => {
  const segments: Segment[] = [];
  const problems: TokenProblem[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    const strayClose = source.indexOf('}}', i);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      problems.push({ code: 'TOKEN_SYNTAX', at: strayClose, raw: '}}' });
    }
    if (open === -1) {
      segments.push({ kind: 'text', value: source.slice(i) });
      break;
    }
    if (open > i) segments.push({ kind: 'text', value: source.slice(i, open) });
    const close = source.indexOf('}}', open + 2);
    const inner = close === -1 ? undefined : source.slice(open + 2, close);
    const m = inner === undefined || inner.includes('{') ? null : INNER.exec(inner);
    if (!m || close === -1) {
      problems.push({
        code: 'TOKEN_SYNTAX',
        at: open,
        raw: source.slice(open, close === -1 ? open + 2 : close + 2),
      });
      i = close === -1 ? source.length : close + 2;
      continue;
    }
    const raw = source.slice(open, close + 2);
    segments.push({ kind: 'token', name: m[1] ?? '', raw, ...(m[2] ? { filter: m[2] } : {}) });
    i = close + 2;
  }
  return { segments, problems };
};

/** Unknown tokens, bad filters, and classes outside `allowed` (when given). */
export const checkTokens = (
  segments: readonly Segment[],
  allowed: ReadonlySet<DataClass> | undefined,
): TokenProblem[] => {
  const problems: TokenProblem[] = [];
  for (const s of segments) {
    if (s.kind !== 'token') continue;
    if (!isTokenName(s.name)) {
      problems.push({ code: 'TOKEN_UNKNOWN', token: s.name });
      continue;
    }
    const spec = tokenSpec(s.name);
    if (s.filter !== undefined && !(spec.filters as readonly string[]).includes(s.filter)) {
      problems.push({ code: 'TOKEN_FILTER_INVALID', token: s.name, filter: s.filter });
    }
    if (allowed) {
      for (const c of spec.classes) {
        if (!allowed.has(c)) problems.push({ code: 'TOKEN_CLASS_NOT_ALLOWED', token: s.name, dataClass: c });
      }
    }
  }
  return problems;
};

/** Token names used in a text, in order of first use. */
export const tokensIn = (source: string): string[] => [
  ...new Set(
    parseTemplate(source)
      .segments.filter((s) => s.kind === 'token')
      .map((s) => (s.kind === 'token' ? s.name : '')),
  ),
];
