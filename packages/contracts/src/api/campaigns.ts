import Type, { type Static } from 'typebox';
import { CHANNELS, SEXES } from '../vocab.ts';
import { Uuid } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Code = Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9_.-]+$' });
const Months = Type.Integer({ minimum: 1, maximum: 120 });
const Days = Type.Integer({ minimum: 1, maximum: 365 });
const Sex = Type.Enum(SEXES);
const Closed = { additionalProperties: false } as const;
/** A channel, or each patient's preferred one among those they agreed to (chosen at send time). */
export const CAMPAIGN_CHANNELS = [...CHANNELS, 'preferred'] as const;
const CampaignChannel = Type.Enum(CAMPAIGN_CHANNELS);

export const PLAYBOOK_KEYS = [
  'recall',
  'birthday',
  'screening',
  'cross_sell',
  'gap_fill',
  'new_service',
  'nps',
  'reminder',
] as const;

/** Each playbook's tunable parameters; unknown keys are refused. */
export const PlaybookParamSchemas = {
  recall: Type.Object({ minMonths: Months, maxMonths: Months }, Closed),
  birthday: Type.Object({ withinDays: Type.Integer({ minimum: 0, maximum: 31 }), offer: Code }, Closed),
  screening: Type.Object(
    {
      rules: Type.Array(
        Type.Object(
          {
            service: Code,
            sex: Type.Optional(Sex),
            minAge: Type.Integer({ minimum: 18, maximum: 120 }),
            maxAge: Type.Optional(Type.Integer({ minimum: 18, maximum: 120 })),
            intervalMonths: Months,
          },
          Closed,
        ),
        { minItems: 1, maxItems: 50 },
      ),
    },
    Closed,
  ),
  cross_sell: Type.Object(
    {
      rules: Type.Array(Type.Object({ afterSpecialty: Code, offerService: Code, withinDays: Days }, Closed), {
        minItems: 1,
        maxItems: 50,
      }),
    },
    Closed,
  ),
  gap_fill: Type.Object(
    {
      horizonDays: Type.Integer({ minimum: 1, maximum: 28 }),
      maxOccupancy: Type.Number({ minimum: 0, maximum: 1 }),
      slotsPerMessage: Type.Integer({ minimum: 1, maximum: 5 }),
      recipientsPerSlot: Type.Integer({ minimum: 1, maximum: 20 }),
      historyMonths: Months,
      offerHours: Type.Integer({ minimum: 1, maximum: 168 }),
    },
    Closed,
  ),
  new_service: Type.Object(
    {
      specialties: Type.Array(Code, { minItems: 1, maxItems: 20 }),
      sex: Type.Optional(Sex),
      minAge: Type.Optional(Type.Integer({ minimum: 18, maximum: 120 })),
      maxAge: Type.Optional(Type.Integer({ minimum: 18, maximum: 120 })),
      historyMonths: Months,
      subject: Code,
    },
    Closed,
  ),
  nps: Type.Object({ afterDays: Type.Integer({ minimum: 0, maximum: 30 }), surveyDays: Days }, Closed),
  reminder: Type.Object({ hoursBefore: Type.Integer({ minimum: 1, maximum: 168 }) }, Closed),
} as const;

export const PlaybookView = Type.Object({
  key: Type.Enum(PLAYBOOK_KEYS),
  name: Type.String(),
  purpose: Type.String(),
  healthBased: Type.Boolean(),
  templateKey: Type.String(),
  channels: Type.Array(CampaignChannel),
  defaultChannel: CampaignChannel,
  schedule: Type.Enum(['once', 'daily']),
  defaults: Type.Record(Type.String(), Type.Unknown()),
});
export type PlaybookView = Static<typeof PlaybookView>;

export const CampaignInput = Type.Object(
  {
    playbook: Type.Enum(PLAYBOOK_KEYS),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    channel: Type.Optional(CampaignChannel),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    schedule: Type.Optional(Type.Enum(['once', 'daily'])),
    controlPct: Type.Optional(Type.Number({ minimum: 0, maximum: 50 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    attributionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  Closed,
);
export type CampaignInput = Static<typeof CampaignInput>;

export const CampaignPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    channel: Type.Optional(CampaignChannel),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    schedule: Type.Optional(Type.Enum(['once', 'daily'])),
    controlPct: Type.Optional(Type.Number({ minimum: 0, maximum: 50 })),
    attributionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    status: Type.Optional(Type.Enum(['draft', 'active', 'paused', 'finished'])),
  },
  Closed,
);
export type CampaignPatch = Static<typeof CampaignPatch>;

export const CampaignView = Type.Object({
  id: Uuid,
  playbook: Type.Enum(PLAYBOOK_KEYS),
  name: Type.String(),
  purpose: Type.String(),
  channel: CampaignChannel,
  templateKey: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  schedule: Type.Enum(['once', 'daily']),
  controlPct: Type.Number(),
  seed: Type.Integer(),
  attributionDays: Type.Integer(),
  status: Type.Enum(['draft', 'active', 'paused', 'finished']),
  createdAt: Instant,
  updatedAt: Instant,
});
export type CampaignView = Static<typeof CampaignView>;

/**
 * Audience size. For marketers every figure is perturbed by the cell-key method (R32), each arm
 * on its own (so the arms need not add up to the total), and 1…10 are shown only as "fewer than 11".
 */
export const AudiencePreview = Type.Object({
  count: Nullable(Type.Integer()),
  fewerThan: Nullable(Type.Integer()),
  /** null: the arm has between 1 and 10 patients, or the total is suppressed. */
  treatment: Nullable(Type.Integer()),
  control: Nullable(Type.Integer()),
  /** True when the figures are perturbed for this viewer (by role). */
  perturbed: Type.Boolean(),
  purpose: Type.String(),
  healthBased: Type.Boolean(),
});
export type AudiencePreview = Static<typeof AudiencePreview>;

export const RunView = Type.Object({
  id: Uuid,
  campaignId: Uuid,
  occurrence: Type.String(),
  startedAt: Instant,
  eligible: Type.Integer(),
  treatment: Type.Integer(),
  control: Type.Integer(),
  queued: Type.Integer(),
  /** False when this occurrence had already run: nothing was sent again. */
  created: Type.Boolean(),
});
export type RunView = Static<typeof RunView>;

const Arm = Type.Object({
  members: Type.Integer(),
  converted: Type.Integer(),
  booked: Type.Integer(),
  visited: Type.Integer(),
  rate: Type.Number(),
});

export const CampaignResults = Type.Object({
  campaignId: Uuid,
  windowDays: Type.Integer(),
  treatment: Arm,
  control: Arm,
  /** Absolute difference in conversion rate, treatment minus control. */
  uplift: Type.Number(),
  relativeUplift: Nullable(Type.Number()),
  z: Nullable(Type.Number()),
  pValue: Nullable(Type.Number()),
  significant: Type.Boolean(),
  funnel: Type.Object({
    eligible: Type.Integer(),
    messaged: Type.Integer(),
    booked: Type.Integer(),
    visited: Type.Integer(),
  }),
  survey: Nullable(
    Type.Object({
      responses: Type.Integer(),
      nps: Nullable(Type.Number()),
      csat: Nullable(Type.Number()),
    }),
  ),
});
export type CampaignResults = Static<typeof CampaignResults>;
