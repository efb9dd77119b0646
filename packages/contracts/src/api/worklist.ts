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

/** Free slots for the task an operator holds: ids and instants only in the URL (R38). */
export const FreeSlotQuery = Type.Object(
  {
    branchId: Type.Optional(Uuid),
    specialtyId: Type.Optional(Uuid),
    doctorId: Type.Optional(Uuid),
    /** From this moment (never before now); default now. */
    from: Type.Optional(Instant),
    /** Up to this moment; default 14 days after `from`, at most 31 days after it. */
    to: Type.Optional(Instant),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const NamedRef = Type.Object({ id: Uuid, nameRu: Type.String(), nameEn: Type.String() });

export const FreeSlotView = Type.Object({
  id: Uuid,
  startsAt: Instant,
  endsAt: Instant,
  /** The branch's time zone: the time the patient is told. */
  timeZone: Type.String(),
  doctor: Type.Object({ id: Uuid, name: Type.String() }),
  specialty: NamedRef,
  branch: NamedRef,
});

export const FreeSlotsView = Type.Object({
  from: Instant,
  to: Instant,
  /** The earliest free slots matching the filter, soonest first. */
  slots: Type.Array(FreeSlotView),
  /** More slots match than were listed: narrow the filter or start later. */
  more: Type.Boolean(),
  branches: Type.Array(NamedRef),
  specialties: Type.Array(NamedRef),
  /** Active doctors of the chosen branch and/or specialty (empty until one is chosen). */
  doctors: Type.Array(Type.Object({ id: Uuid, name: Type.String(), branchId: Uuid, specialtyId: Uuid })),
});
