import Type from 'typebox';
import { IMPORT_ENCODINGS, IMPORT_FIELDS } from '../imports.ts';
import { Uuid } from './common.ts';

export const ImportQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    encoding: Type.Optional(Type.Enum(IMPORT_ENCODINGS)),
    mapping: Type.Optional(Type.String({ maxLength: 4000 })),
    saveMapping: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ImportReportView = Type.Object({
  batchId: Uuid,
  sourceId: Uuid,
  format: Type.String(),
  encoding: Type.Union([Type.String(), Type.Null()]),
  delimiter: Type.Union([Type.String(), Type.Null()]),
  columns: Type.Array(Type.Object({ name: Type.String(), field: Type.Union([Type.String(), Type.Null()]) })),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  partial: Type.Integer(),
  rejected: Type.Integer(),
  quarantined: Type.Integer(),
  consents: Type.Integer(),
  visits: Type.Integer(),
  conditions: Type.Integer(),
  skippedResources: Type.Integer(),
  /** Identity resolution of the batch against the base: pairs merged and queued for review. */
  identity: Type.Optional(
    Type.Object({
      mode: Type.Enum(['full', 'incremental']),
      merged: Type.Integer(),
      queued: Type.Integer(),
    }),
  ),
});

export const ImportBatchView = Type.Object({
  id: Uuid,
  fileName: Type.String(),
  source: Type.String(),
  format: Type.String(),
  status: Type.String(),
  counts: Type.Record(Type.String(), Type.Number()),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const Issue = Type.Object({ field: Type.String(), reason: Type.String(), severity: Type.String() });

export const QuarantineItemView = Type.Object({
  id: Uuid,
  batchId: Uuid,
  rowNo: Type.Integer(),
  verdict: Type.Enum(['rejected', 'partial']),
  status: Type.Enum(['open', 'fixed', 'dismissed']),
  patientId: Type.Union([Uuid, Type.Null()]),
  issues: Type.Array(Issue),
  raw: Type.Record(Type.String(), Type.String()),
});

export const QuarantineQuery = Type.Object(
  {
    batchId: Type.Optional(Uuid),
    status: Type.Optional(Type.Enum(['open', 'fixed', 'dismissed'])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    after: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const QuarantineFix = Type.Object(
  {
    fields: Type.Partial(
      Type.Object(Object.fromEntries(IMPORT_FIELDS.map((f) => [f, Type.String({ maxLength: 300 })]))),
    ),
  },
  { additionalProperties: false },
);

export const QuarantineFixResult = Type.Union([
  Type.Object({ fixed: Type.Literal(true), patientId: Uuid }),
  Type.Object({ fixed: Type.Literal(false), issues: Type.Array(Issue) }),
]);

export const ImportPreviewView = Type.Object({
  format: Type.String(),
  encoding: Type.Union([Type.String(), Type.Null()]),
  delimiter: Type.Union([Type.String(), Type.Null()]),
  columns: Type.Array(
    Type.Object({ name: Type.String(), field: Type.Union([Type.String(), Type.Null()]), how: Type.String() }),
  ),
  rows: Type.Array(
    Type.Object({
      rowNo: Type.Integer(),
      fields: Type.Record(Type.String(), Type.String()),
      problems: Type.Array(Type.String()),
    }),
  ),
});
