import Type from 'typebox';
import { PURPOSES } from '../vocab.ts';
import { Uuid } from './common.ts';

/** The call-centre worklist API. */

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CALL_OUTCOME_NAMES = [
  'booked',
  'declined',
  'call_later',
  'moved_away',
  'wrong_number',
  'do_not_call',
] as const;

export const CallTaskView = Type.Object({
  id: Uuid,
  patientId: Uuid,
  campaignId: Nullable(Uuid),
  purpose: Type.Enum(PURPOSES),
  status: Type.Enum(['open', 'claimed', 'done', 'cancelled']),
  dueAt: Instant,
  assignedTo: Nullable(Type.String()),
  attempts: Type.Integer(),
  outcome: Nullable(Type.Enum(CALL_OUTCOME_NAMES)),
  patientName: Type.String(),
  phoneMasked: Nullable(Type.String()),
  script: Type.String(),
});

export const CallTaskQuery = Type.Object(
  {
    mine: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const CallOutcomeRequest = Type.Object(
  {
    outcome: Type.Enum(CALL_OUTCOME_NAMES),
    callBackAt: Type.Optional(Instant),
    slotId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const RevealedPhone = Type.Object({ phone: Type.String() });
