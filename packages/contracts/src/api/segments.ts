import Type, { type Static } from 'typebox';
import { SEGMENT_PURPOSES, SEGMENT_RULE_LIMITS } from '../segment-rules.ts';
import {
  CHANNELS,
  type Channel,
  LANGUAGES,
  type Language,
  PURPOSES,
  type Purpose,
  SEXES,
  type Sex,
  TIMES_OF_DAY,
  type TimeOfDay,
} from '../vocab.ts';
import { Uuid } from './common.ts';

export { SEGMENT_PURPOSES, SEGMENT_RULE_LIMITS, type SegmentPurpose } from '../segment-rules.ts';

/**
 * A segment rule: a tree of and/or/not groups over conditions, stored as data.
 * Periods count back from the moment the segment is evaluated; bounds are inclusive.
 */
export interface Period {
  readonly n: number;
  readonly unit: 'days' | 'months';
}

/** Narrows visit and appointment conditions to one specialty or one service (never both). */
export interface VisitKey {
  readonly specialtyId?: string;
  readonly serviceId?: string;
}

export type SegmentCondition =
  | { readonly op: 'sex'; readonly is: Sex }
  /** Age in whole years on a calendar day (default: the evaluation day), inclusive range. */
  | { readonly op: 'age'; readonly min?: number; readonly max?: number; readonly on?: string }
  /** Birthday falls on one of the next N days, today included (0 = today only). */
  | { readonly op: 'birthday'; readonly withinDays: number }
  | { readonly op: 'city'; readonly in: readonly string[] }
  | { readonly op: 'home_branch'; readonly in: readonly string[] }
  /** The last (matching) visit was at least minAgo and at most maxAgo ago; no bounds = ever visited. */
  | ({ readonly op: 'last_visit'; readonly minAgo?: Period; readonly maxAgo?: Period } & VisitKey)
  /** No (matching) visit within the period, never visited included. */
  | ({ readonly op: 'no_visit'; readonly within: Period } & VisitKey)
  /** Number of (matching) visits, within the period or ever. */
  | ({
      readonly op: 'visit_count';
      readonly within?: Period;
      readonly min?: number;
      readonly max?: number;
    } & VisitKey)
  /** A booked appointment after now, or within the next N days. */
  | { readonly op: 'future_appointment'; readonly withinDays?: number }
  /** At least `min` no-shows within the period. */
  | { readonly op: 'no_shows'; readonly within: Period; readonly min: number }
  | { readonly op: 'preferred_channel'; readonly in: readonly Channel[] }
  | { readonly op: 'language'; readonly in: readonly Language[] }
  | { readonly op: 'preferred_time'; readonly in: readonly TimeOfDay[] }
  /** An active (granted, unexpired) consent of one kind, e.g. `ads.receive.email`. */
  | { readonly op: 'consent'; readonly kind: string }
  /** Every consent a purpose needs on a channel is active. */
  | { readonly op: 'consent_for'; readonly purpose: Purpose; readonly channel?: Channel }
  /** Careloop sent the patient a message within the last N days. */
  | { readonly op: 'messaged'; readonly withinDays: number };

export type SegmentRule =
  | { readonly op: 'and'; readonly rules: readonly SegmentRule[] }
  | { readonly op: 'or'; readonly rules: readonly SegmentRule[] }
  | { readonly op: 'not'; readonly rule: SegmentRule }
  | SegmentCondition;

export type SegmentConditionOp = SegmentCondition['op'];

export const SEGMENT_CONDITION_OPS = [
  'sex',
  'age',
  'birthday',
  'city',
  'home_branch',
  'last_visit',
  'no_visit',
  'visit_count',
  'future_appointment',
  'no_shows',
  'preferred_channel',
  'language',
  'preferred_time',
  'consent',
  'consent_for',
  'messaged',
] as const satisfies readonly SegmentConditionOp[];

const PeriodSchema = Type.Object(
  { n: Type.Integer({ minimum: 0, maximum: 1200 }), unit: Type.Enum(['days', 'months']) },
  { additionalProperties: false },
);
const keyProps = { specialtyId: Type.Optional(Uuid), serviceId: Type.Optional(Uuid) };
const cond = (op: string, props: Record<string, Parameters<typeof Type.Optional>[0]>) =>
  Type.Object({ op: Type.Literal(op), ...props }, { additionalProperties: false });
const Count = Type.Integer({ minimum: 0, maximum: 100_000 });
const Days = Type.Integer({ minimum: 0, maximum: 3660 });
const nonEmpty = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Array(item, { minItems: 1, maxItems: 200 });

/** The JSON Schema of a rule (recursive). The server re-validates with typed errors. */
export const SegmentRuleSchema = Type.Cyclic(
  {
    Rule: Type.Union([
      Type.Object(
        {
          op: Type.Literal('and'),
          rules: Type.Array(Type.Ref('Rule'), { maxItems: SEGMENT_RULE_LIMITS.maxGroupRules }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          op: Type.Literal('or'),
          rules: Type.Array(Type.Ref('Rule'), { maxItems: SEGMENT_RULE_LIMITS.maxGroupRules }),
        },
        { additionalProperties: false },
      ),
      Type.Object({ op: Type.Literal('not'), rule: Type.Ref('Rule') }, { additionalProperties: false }),
      cond('sex', { is: Type.Enum(SEXES) }),
      cond('age', {
        min: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
        max: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
        on: Type.Optional(Type.String({ format: 'date' })),
      }),
      cond('birthday', { withinDays: Type.Integer({ minimum: 0, maximum: 366 }) }),
      cond('city', { in: nonEmpty(Type.String({ minLength: 1, maxLength: 100 })) }),
      cond('home_branch', { in: nonEmpty(Uuid) }),
      cond('last_visit', {
        minAgo: Type.Optional(PeriodSchema),
        maxAgo: Type.Optional(PeriodSchema),
        ...keyProps,
      }),
      cond('no_visit', { within: PeriodSchema, ...keyProps }),
      cond('visit_count', {
        within: Type.Optional(PeriodSchema),
        min: Type.Optional(Count),
        max: Type.Optional(Count),
        ...keyProps,
      }),
      cond('future_appointment', { withinDays: Type.Optional(Days) }),
      cond('no_shows', { within: PeriodSchema, min: Type.Integer({ minimum: 1, maximum: 1000 }) }),
      cond('preferred_channel', { in: nonEmpty(Type.Enum(CHANNELS)) }),
      cond('language', { in: nonEmpty(Type.Enum(LANGUAGES)) }),
      cond('preferred_time', { in: nonEmpty(Type.Enum(TIMES_OF_DAY)) }),
      cond('consent', { kind: Type.String({ minLength: 1, maxLength: 80 }) }),
      cond('consent_for', { purpose: Type.Enum(PURPOSES), channel: Type.Optional(Type.Enum(CHANNELS)) }),
      cond('messaged', { withinDays: Days }),
    ]),
  },
  'Rule',
  { description: 'A segment rule tree: and/or/not groups over conditions (see docs).' },
);

export const SegmentDefinition = Type.Object(
  {
    rule: Type.Unknown({ description: 'A SegmentRule; validated by the server with typed errors.' }),
    purpose: Type.Enum(SEGMENT_PURPOSES),
    channel: Type.Optional(Type.Enum(CHANNELS)),
  },
  { additionalProperties: false },
);
export type SegmentDefinition = Static<typeof SegmentDefinition>;

export const NewSegment = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    rule: Type.Unknown(),
    purpose: Type.Enum(SEGMENT_PURPOSES),
    channel: Type.Optional(Type.Enum(CHANNELS)),
  },
  { additionalProperties: false },
);
export type NewSegment = Static<typeof NewSegment>;

/**
 * A change to a saved segment: only the fields given change; `null` clears the channel or the
 * description. `version` is the version the editor started from: a stale one is a CONFLICT,
 * so two people editing the same segment never overwrite each other unseen.
 */
export const SegmentPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    rule: Type.Optional(Type.Unknown()),
    purpose: Type.Optional(Type.Enum(SEGMENT_PURPOSES)),
    channel: Type.Optional(Type.Union([Type.Enum(CHANNELS), Type.Null()])),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type SegmentPatch = Static<typeof SegmentPatch>;

/**
 * A count for people who may see it. Aggregate-only roles (marketers, analysts) get a count
 * perturbed by the cell-key method (R32): within ±2 of the true count, never below 11 when
 * the true count is 11 or more, the same every time for the same patients; 1…10 as "fewer than 11".
 */
export const SegmentCountView = Type.Object({
  /** The count (exact, or perturbed when `perturbed`), or null when suppressed (see `fewerThan`). */
  count: Type.Union([Type.Integer(), Type.Null()]),
  /** Set when the count is suppressed: the audience has at least one and fewer than this many patients. */
  fewerThan: Type.Union([Type.Integer(), Type.Null()]),
  /** True when counts are perturbed for this viewer (by role; it says nothing about this count's noise). */
  perturbed: Type.Boolean(),
  purpose: Type.Enum(PURPOSES),
  healthBased: Type.Boolean(),
  consentKinds: Type.Array(Type.String()),
  dataClasses: Type.Array(Type.String()),
});

export const SegmentView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  rule: Type.Unknown(),
  requestedPurpose: Type.Enum(PURPOSES),
  purpose: Type.Enum(PURPOSES),
  channel: Type.Union([Type.Enum(CHANNELS), Type.Null()]),
  healthBased: Type.Boolean(),
  dataClasses: Type.Array(Type.String()),
  version: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const SegmentMembersRequest = Type.Object(
  {
    reason: Type.Optional(Type.String({ minLength: 3, maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    after: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const SegmentMembersView = Type.Object({
  patientIds: Type.Array(Uuid),
  next: Type.Union([Uuid, Type.Null()]),
});

export const SnapshotView = Type.Object({
  id: Uuid,
  segmentId: Type.Union([Uuid, Type.Null()]),
  purpose: Type.Enum(PURPOSES),
  channel: Type.Union([Type.Enum(CHANNELS), Type.Null()]),
  healthBased: Type.Boolean(),
  /** Members frozen: exact, or perturbed when `perturbed` (R32), or null with `fewerThan` when 1…10. */
  size: Type.Union([Type.Integer(), Type.Null()]),
  fewerThan: Type.Union([Type.Integer(), Type.Null()]),
  perturbed: Type.Boolean(),
  takenAt: Type.String({ format: 'date-time' }),
});

/** A clinic specialty the builder offers for visit conditions (catalogue data, no patient). */
export const SpecialtyOptionView = Type.Object({
  id: Uuid,
  code: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
  sensitive: Type.Boolean(),
});
