import { SEGMENT_PURPOSES } from '@careloop/contracts/segment-rules';
import {
  CHANNELS,
  type Channel,
  type Language,
  type Purpose,
  SEXES,
  type Sex,
} from '@careloop/contracts/vocab';
import type { SegmentCondition, SpecialtyOptionView } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/messages.ts';

/**
 * The conditions the builder edits, as a table: each kind lists its fields (a whole number
 * or a choice) and how its values become a rule condition and back. One generic editor
 * renders every kind from this table; a new kind is one entry here plus its labels.
 */

export const CONDITION_KINDS = [
  'sex',
  'age',
  'last_visit',
  'visited_specialty',
  'preferred_channel',
  'consent_for',
] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/** Field values as the form holds them: numbers stay strings until the rule is built ('' = no bound). */
export type Values = Readonly<Record<string, string>>;

export interface OptionContext {
  /** Labels: every option label is a message (a specialty's name comes from the catalogue). */
  readonly t: (key: MessageKey) => string;
  readonly lang: Language;
  readonly specialties: readonly SpecialtyOptionView[];
}
export interface Option {
  readonly value: string;
  readonly label: string;
}
export type Options = (c: OptionContext) => readonly Option[];

export interface FieldSpec {
  readonly name: string;
  readonly label: MessageKey;
  readonly input: 'number' | 'select';
  /** Largest number the server accepts for the field. */
  readonly max?: number;
  readonly options?: Options;
}

export interface ConditionSpec {
  readonly fields: readonly FieldSpec[];
  readonly blank: (firstSpecialty: string) => Values;
  readonly toCondition: (v: Values) => SegmentCondition;
  /** The values that build `c` again, or null when `c` is not of this kind. */
  readonly fromCondition: (c: SegmentCondition) => Values | null;
}

export const sexOptions: Options = ({ t }) => SEXES.map((s) => ({ value: s, label: t(`segments.sex.${s}`) }));
export const channelOptions: Options = ({ t }) =>
  CHANNELS.map((c) => ({ value: c, label: t(`segments.channel.${c}`) }));
/** A channel or none ('' = any channel). */
export const anyChannelOptions: Options = (c) => [
  { value: '', label: c.t('segments.channel.any') },
  ...channelOptions(c),
];
export const purposeOptions: Options = ({ t }) =>
  SEGMENT_PURPOSES.map((p) => ({ value: p, label: t(`segments.purpose.${p}`) }));
const specialtyOptions: Options = ({ lang, specialties }) =>
  specialties.map((x) => ({ value: x.id, label: lang === 'en' ? x.nameEn : x.nameRu }));

const int = (s: string | undefined): number | undefined => {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};
/** `{ [key]: n }` for a filled-in whole number, nothing for an empty field. */
const num = <K extends string>(key: K, s: string | undefined) => {
  const n = int(s);
  return n === undefined ? {} : ({ [key]: n } as Record<K, number>);
};
const months = <K extends string>(key: K, s: string | undefined) => {
  const n = int(s);
  return n === undefined
    ? {}
    : ({ [key]: { n, unit: 'months' } } as Record<K, { n: number; unit: 'months' }>);
};
const text = (n: number | undefined) => (n === undefined ? '' : String(n));
type Period = { readonly n: number; readonly unit: 'days' | 'months' };
/** The builder counts periods in months; a period in days is not one it edits. */
const inMonths = (p: Period | undefined) => p === undefined || p.unit === 'months';
const monthsText = (p: Period | undefined) => text(p?.n);

const monthField = (name: string, label: MessageKey): FieldSpec => ({
  name,
  label,
  input: 'number',
  max: 1200,
});
const ageField = (name: string, label: MessageKey): FieldSpec => ({ name, label, input: 'number', max: 150 });

export const CONDITIONS: Readonly<Record<ConditionKind, ConditionSpec>> = {
  sex: {
    fields: [{ name: 'is', label: 'segments.sex', input: 'select', options: sexOptions }],
    blank: () => ({ is: 'female' }),
    toCondition: (v) => ({ op: 'sex', is: v.is as Sex }),
    fromCondition: (c) => (c.op === 'sex' ? { is: c.is } : null),
  },
  age: {
    fields: [ageField('min', 'segments.age.min'), ageField('max', 'segments.age.max')],
    blank: () => ({ min: '', max: '' }),
    toCondition: (v) => ({ op: 'age', ...num('min', v.min), ...num('max', v.max) }),
    fromCondition: (c) =>
      c.op === 'age' && c.on === undefined ? { min: text(c.min), max: text(c.max) } : null,
  },
  last_visit: {
    fields: [monthField('fromMonths', 'segments.visit.from'), monthField('toMonths', 'segments.visit.to')],
    blank: () => ({ fromMonths: '', toMonths: '' }),
    toCondition: (v) => ({
      op: 'last_visit',
      ...months('minAgo', v.fromMonths),
      ...months('maxAgo', v.toMonths),
    }),
    fromCondition: (c) =>
      c.op === 'last_visit' &&
      c.specialtyId === undefined &&
      c.serviceId === undefined &&
      inMonths(c.minAgo) &&
      inMonths(c.maxAgo)
        ? { fromMonths: monthsText(c.minAgo), toMonths: monthsText(c.maxAgo) }
        : null,
  },
  // A visit to a specialty, ever or within N months: visit data of a specialty are health data (R6).
  visited_specialty: {
    fields: [
      { name: 'specialtyId', label: 'segments.specialty', input: 'select', options: specialtyOptions },
      monthField('withinMonths', 'segments.specialty.within'),
    ],
    blank: (firstSpecialty) => ({ specialtyId: firstSpecialty, withinMonths: '' }),
    toCondition: (v) => ({
      op: 'last_visit',
      ...(v.specialtyId ? { specialtyId: v.specialtyId } : {}),
      ...months('maxAgo', v.withinMonths),
    }),
    fromCondition: (c) =>
      c.op === 'last_visit' && c.specialtyId !== undefined && c.minAgo === undefined && inMonths(c.maxAgo)
        ? { specialtyId: c.specialtyId, withinMonths: monthsText(c.maxAgo) }
        : null,
  },
  preferred_channel: {
    fields: [{ name: 'channel', label: 'segments.channel', input: 'select', options: channelOptions }],
    blank: () => ({ channel: 'sms' }),
    toCondition: (v) => ({ op: 'preferred_channel', in: [v.channel as Channel] }),
    fromCondition: (c) => (c.op === 'preferred_channel' && c.in.length === 1 ? { channel: c.in[0]! } : null),
  },
  consent_for: {
    fields: [
      { name: 'purpose', label: 'segments.consent.purpose', input: 'select', options: purposeOptions },
      { name: 'channel', label: 'segments.channel', input: 'select', options: anyChannelOptions },
    ],
    blank: () => ({ purpose: 'marketing.general', channel: '' }),
    toCondition: (v) => ({
      op: 'consent_for',
      purpose: v.purpose as Purpose,
      ...(v.channel ? { channel: v.channel as Channel } : {}),
    }),
    fromCondition: (c) =>
      c.op === 'consent_for' && (SEGMENT_PURPOSES as readonly string[]).includes(c.purpose)
        ? { purpose: c.purpose, channel: c.channel ?? '' }
        : null,
  },
};

/** One condition in the builder: a kind from the table with its values, or one it has no editor for. */
export type Draft =
  | { readonly kind: ConditionKind; readonly values: Values }
  /** Made through the API with fields the builder does not edit: kept exactly as it is. */
  | { readonly kind: 'other'; readonly condition: SegmentCondition };

export const blankDraft = (kind: ConditionKind, firstSpecialty = ''): Draft => ({
  kind,
  values: CONDITIONS[kind].blank(firstSpecialty),
});

export const toCondition = (d: Draft): SegmentCondition =>
  d.kind === 'other' ? d.condition : CONDITIONS[d.kind].toCondition(d.values);

/** The first kind of the table that reads the condition back exactly, or 'other'. */
export function draftOf(condition: SegmentCondition): Draft {
  for (const kind of CONDITION_KINDS) {
    const values = CONDITIONS[kind].fromCondition(condition);
    if (values) return { kind, values };
  }
  return { kind: 'other', condition };
}
