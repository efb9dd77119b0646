import type { Channel, Purpose, Sex } from '@careloop/contracts/vocab';
import type { SegmentPurpose, SegmentRule } from '../../api/types.ts';

/** Purposes a segment may serve (mirrors SEGMENT_PURPOSES; a value import would ship TypeBox). */
export const SEGMENT_PURPOSES = [
  'marketing.general',
  'marketing.health',
  'service.feedback',
  'care.appointment',
  'care.followup',
  'analytics.aggregate',
] as const satisfies readonly SegmentPurpose[];
export const CHANNEL_OPTIONS = ['email', 'sms', 'messenger', 'call'] as const satisfies readonly Channel[];

/** One condition as the builder edits it: numbers stay strings until the rule is built. */
export type Draft =
  | { readonly kind: 'sex'; readonly is: Sex }
  | { readonly kind: 'age'; readonly min: string; readonly max: string }
  | { readonly kind: 'last_visit'; readonly fromMonths: string; readonly toMonths: string }
  | { readonly kind: 'visited_specialty'; readonly specialtyId: string; readonly withinMonths: string }
  | { readonly kind: 'preferred_channel'; readonly channel: Channel }
  | { readonly kind: 'consent_for'; readonly purpose: Purpose; readonly channel: Channel | '' };
export type DraftKind = Draft['kind'];
export const DRAFT_KINDS = [
  'sex',
  'age',
  'last_visit',
  'visited_specialty',
  'preferred_channel',
  'consent_for',
] as const satisfies readonly DraftKind[];

/** A new condition; a specialty condition starts on the first specialty of the clinic. */
export const blank = (kind: DraftKind, firstSpecialty = ''): Draft => {
  switch (kind) {
    case 'sex':
      return { kind, is: 'female' };
    case 'age':
      return { kind, min: '', max: '' };
    case 'last_visit':
      return { kind, fromMonths: '', toMonths: '' };
    case 'visited_specialty':
      return { kind, specialtyId: firstSpecialty, withinMonths: '' };
    case 'preferred_channel':
      return { kind, channel: 'sms' };
    case 'consent_for':
      return { kind, purpose: 'marketing.general', channel: '' };
  }
};

const int = (s: string): number | undefined => {
  const n = Number.parseInt(s, 10);
  return s.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
};
const months = (s: string) => {
  const n = int(s);
  return n === undefined ? undefined : { n, unit: 'months' as const };
};

/** Builds the rule the API evaluates; empty bounds are left out. */
export function toCondition(d: Draft): SegmentRule {
  switch (d.kind) {
    case 'sex':
      return { op: 'sex', is: d.is };
    case 'age': {
      const min = int(d.min);
      const max = int(d.max);
      return { op: 'age', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
    }
    case 'last_visit': {
      const minAgo = months(d.fromMonths);
      const maxAgo = months(d.toMonths);
      return { op: 'last_visit', ...(minAgo ? { minAgo } : {}), ...(maxAgo ? { maxAgo } : {}) };
    }
    case 'visited_specialty': {
      // A visit to the specialty within the period (or ever): visit data of a specialty are health data (R6).
      const maxAgo = months(d.withinMonths);
      return {
        op: 'last_visit',
        ...(d.specialtyId ? { specialtyId: d.specialtyId } : {}),
        ...(maxAgo ? { maxAgo } : {}),
      };
    }
    case 'preferred_channel':
      return { op: 'preferred_channel', in: [d.channel] };
    case 'consent_for':
      return { op: 'consent_for', purpose: d.purpose, ...(d.channel ? { channel: d.channel } : {}) };
  }
}

export const toRule = (join: 'and' | 'or', drafts: readonly Draft[]): SegmentRule => ({
  op: join,
  rules: drafts.map(toCondition),
});
