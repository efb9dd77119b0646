import Type from 'typebox';
import { INCIDENT_NOTICES } from '../vocab.ts';
import { Uuid } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IncidentRequest = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 5000 }),
    detectedAt: Instant,
    /** The window of the audit log the incident concerns, and optionally the one actor behind it. */
    scope: Type.Object(
      { from: Instant, to: Instant, actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const IncidentView = Type.Object({
  id: Uuid,
  title: Type.String(),
  description: Type.String(),
  detectedAt: Instant,
  recordedAt: Instant,
  recordedBy: Type.String(),
  scope: Type.Object({ from: Instant, to: Instant, actor: Nullable(Type.String()) }),
  affected: Type.Integer(),
  /** КоАП 13.11 tier by the subjects affected: 1 from 1,000, 2 above 10,000, 3 above 100,000. */
  koapTier: Type.Integer({ minimum: 0, maximum: 3 }),
  deadlines: Type.Array(
    Type.Object({
      notice: Type.Enum(INCIDENT_NOTICES),
      due: Instant,
      sentAt: Nullable(Instant),
      overdue: Type.Boolean(),
    }),
  ),
  closedAt: Nullable(Instant),
});

export const IncidentNoticeParams = Type.Object({ id: Uuid, notice: Type.Enum(INCIDENT_NOTICES) });
