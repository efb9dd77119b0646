import Type from 'typebox';
import { Uuid } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const Probability = Type.Number({ minimum: 0, maximum: 1 });

/** One field's agreement in a pair: a level and its weight (log2 Bayes factor), never the values. */
export const FieldEvidenceView = Type.Object({
  field: Type.String(),
  level: Type.String(),
  weight: Type.Number(),
});

/** One record of a candidate pair, decrypted for the reviewer; identifiers masked unless revealed. */
export const ReviewSideView = Type.Object({
  id: Uuid,
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: Type.Optional(Type.String()),
  birthDate: Type.Optional(Type.String()),
  sex: Type.Union([Type.String(), Type.Null()]),
  city: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  snils: Type.Optional(Type.String()),
  omsPolicy: Type.Optional(Type.String()),
  visits: Type.Integer(),
  createdAt: Instant,
});

export const ReviewItemView = Type.Object({
  id: Uuid,
  probability: Probability,
  weight: Type.Number(),
  reason: Type.Enum(['above_threshold', 'between_thresholds', 'held_back', 'conflict']),
  evidence: Type.Array(FieldEvidenceView),
  a: ReviewSideView,
  b: ReviewSideView,
  createdAt: Instant,
});

export const ReviewPageView = Type.Object({
  items: Type.Array(ReviewItemView),
  total: Type.Integer(),
  revealed: Type.Array(Type.String()),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next page; null on the last page',
  }),
});

export const ReviewQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    offset: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Deprecated: page with `cursor`; ignored when a cursor is given',
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,200}$',
        description: 'The `next` of the previous page: resumes after its last pair',
      }),
    ),
    reveal: Type.Optional(
      Type.String({ pattern: '^(phone|email|snils|omsPolicy)(,(phone|email|snils|omsPolicy))*$' }),
    ),
  },
  { additionalProperties: false },
);

export const MergeCandidateRequest = Type.Object(
  { survivorId: Type.Optional(Uuid) },
  {
    additionalProperties: false,
    description: 'The record that keeps its id; the older of the two when not named.',
  },
);

export const MergeOutcomeView = Type.Object({
  mergeId: Uuid,
  survivorId: Uuid,
  mergedId: Uuid,
  moved: Type.Object({
    visits: Type.Integer(),
    appointments: Type.Integer(),
    conditions: Type.Integer(),
    sources: Type.Integer(),
  }),
  consentWithdrawn: Type.Array(Type.String()),
});

export const UnmergeOutcomeView = Type.Object({
  mergeId: Uuid,
  survivorId: Uuid,
  mergedId: Uuid,
  consentRestored: Type.Array(Type.String()),
});

export const MergeView = Type.Object({
  id: Uuid,
  survivorId: Uuid,
  mergedId: Uuid,
  method: Type.Enum(['auto', 'manual']),
  probability: Type.Union([Type.Number(), Type.Null()]),
  actor: Type.String(),
  mergedAt: Instant,
  undoneAt: Type.Union([Instant, Type.Null()]),
  undoneBy: Type.Union([Type.String(), Type.Null()]),
});

export const MergesQuery = Type.Object(
  {
    patientId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The merges older than this one (the last of the previous page): keyset paging, however deep. */
    before: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const ResolutionRunRequest = Type.Object(
  {
    batchId: Type.Optional(Uuid),
    autoMerge: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    description: 'Without batchId, the whole base; with it, that import batch against the base.',
  },
);

export const ResolutionReportView = Type.Object({
  runId: Uuid,
  mode: Type.Enum(['full', 'incremental']),
  patients: Type.Integer(),
  candidatePairs: Type.Integer(),
  merged: Type.Integer(),
  queued: Type.Integer(),
  skippedRejected: Type.Integer(),
  mergeSkipped: Type.Integer({
    description:
      'Automatic merges left out: a record was erased, merged or changed meanwhile (the next run looks again)',
  }),
  ms: Type.Integer(),
});
