import Type from 'typebox';
import { Uuid } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
export const SUBJECT_REQUEST_KINDS = [
  'access',
  'rectification',
  'erasure',
  'objection',
  'restriction',
  'unlawful_processing',
] as const;
export const RECEIVED_VIA = ['front_desk', 'post', 'email', 'web', 'phone', 'preference_page'] as const;

export const SubjectRequestView = Type.Object({
  id: Uuid,
  patientId: Uuid,
  kind: Type.Enum(SUBJECT_REQUEST_KINDS),
  jurisdiction: Type.Enum(['RU', 'EU', 'US']),
  receivedVia: Type.String(),
  receivedAt: Instant,
  dueAt: Instant,
  extendedDueAt: Type.Union([Instant, Type.Null()]),
  status: Type.Enum(['open', 'completed', 'rejected']),
  closedAt: Type.Union([Instant, Type.Null()]),
  daysLeft: Type.Integer(),
  overdue: Type.Boolean(),
});

export const NewSubjectRequest = Type.Object(
  {
    patientId: Uuid,
    kind: Type.Enum(SUBJECT_REQUEST_KINDS),
    receivedVia: Type.Enum(RECEIVED_VIA),
    receivedAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const Reason = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 1000 }) },
  { additionalProperties: false },
);
export const RequestRef = Type.Object({ requestId: Type.Optional(Uuid) }, { additionalProperties: false });
export const ExportRequest = Type.Object(
  { requestId: Type.Optional(Uuid), format: Type.Optional(Type.Enum(['json', 'html'])) },
  { additionalProperties: false },
);
export const EraseRequest = Type.Object(
  { requestId: Type.Optional(Uuid), confirm: Type.Literal(true) },
  { additionalProperties: false, description: 'Erasure cannot be undone: confirm must be true.' },
);

export const AuditEntryView = Type.Object({
  seq: Type.Integer(),
  at: Instant,
  actor: Type.String(),
  action: Type.String(),
  purpose: Type.Union([Type.String(), Type.Null()]),
  subjectType: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  requestId: Type.Union([Type.String(), Type.Null()]),
  chainHash: Type.String(),
});

export const AuditQuery = Type.Object(
  {
    subjectId: Type.Optional(Uuid),
    action: Type.Optional(Type.String({ maxLength: 60, pattern: '^[a-z_.]+$' })),
    outcome: Type.Optional(Type.Enum(['allowed', 'denied', 'done', 'failed'])),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
