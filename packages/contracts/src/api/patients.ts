import Type, { type Static } from 'typebox';
import { CHANNELS, DATA_CLASSES, LANGUAGES, PURPOSES, SEXES, TIMES_OF_DAY, VISIT_MODES } from '../vocab.ts';
import { Uuid } from './common.ts';

const Text = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const PatientSearch = Type.Object(
  {
    phone: Type.Optional(Text(40)),
    email: Type.Optional(Text(254)),
    snils: Type.Optional(Text(20)),
    card: Type.Optional(Text(40)),
    name: Type.Optional(Text(120)),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Search terms travel in the body, never in the URL (R38).',
  },
);
export type PatientSearch = Static<typeof PatientSearch>;

export const PatientSummary = Type.Object({
  id: Uuid,
  status: Type.String(),
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: Type.Optional(Type.String()),
  birthDate: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
});

export const Identity = Type.Object(
  {
    lastName: Text(100),
    firstName: Text(100),
    middleName: Type.Optional(Text(100)),
    birthDate: Type.Optional(IsoDate),
    snils: Type.Optional(Text(20)),
    omsPolicy: Type.Optional(Text(20)),
    nationalId: Type.Optional(Text(40)),
    cardNo: Type.Optional(Text(40)),
  },
  { additionalProperties: false },
);

export const Contact = Type.Object(
  {
    phone: Type.Optional(Text(40)),
    email: Type.Optional(Text(254)),
    address: Type.Optional(Text(300)),
    postcode: Type.Optional(Text(12)),
    messenger: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
);

export const Profile = Type.Object(
  {
    sex: Type.Optional(Type.Enum(SEXES)),
    city: Type.Optional(Text(100)),
    homeBranchId: Type.Optional(Uuid),
    timeZone: Type.Optional(Text(60)),
    language: Type.Optional(Type.Enum(LANGUAGES)),
    preferredChannel: Type.Optional(Type.Enum(CHANNELS)),
    preferredTime: Type.Optional(Type.Enum(TIMES_OF_DAY)),
    visitMode: Type.Optional(Type.Enum(VISIT_MODES)),
  },
  { additionalProperties: false },
);

export const NewPatientRequest = Type.Object(
  { identity: Identity, contact: Contact, profile: Profile },
  { additionalProperties: false },
);
export type NewPatientRequest = Static<typeof NewPatientRequest>;

const Nullable = (max = 300) => Type.Union([Text(max), Type.Null()]);
export const RectificationRequest = Type.Object(
  {
    identity: Type.Optional(
      Type.Object(
        {
          lastName: Type.Optional(Text(100)),
          firstName: Type.Optional(Text(100)),
          middleName: Type.Optional(Nullable(100)),
          birthDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
          snils: Type.Optional(Nullable(20)),
          omsPolicy: Type.Optional(Nullable(20)),
          nationalId: Type.Optional(Nullable(40)),
          cardNo: Type.Optional(Nullable(40)),
        },
        { additionalProperties: false },
      ),
    ),
    contact: Type.Optional(
      Type.Object(
        {
          phone: Type.Optional(Nullable(40)),
          email: Type.Optional(Nullable(254)),
          address: Type.Optional(Nullable(300)),
          postcode: Type.Optional(Nullable(12)),
          messenger: Type.Optional(Nullable(100)),
        },
        { additionalProperties: false },
      ),
    ),
    profile: Type.Optional(Profile),
  },
  { additionalProperties: false },
);
export type RectificationRequest = Static<typeof RectificationRequest>;

export const PatientCard = Type.Object({
  id: Uuid,
  status: Type.String(),
  mergedInto: Type.Union([Uuid, Type.Null()]),
  classes: Type.Array(Type.Enum(DATA_CLASSES)),
  identity: Type.Optional(Type.Record(Type.String(), Type.String())),
  contact: Type.Optional(Type.Record(Type.String(), Type.String())),
  demographic: Type.Optional(
    Type.Object({
      sex: Type.Union([Type.String(), Type.Null()]),
      birthYear: Type.Union([Type.Integer(), Type.Null()]),
      city: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  preference: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
  visitTiming: Type.Optional(Type.Object({ homeBranchId: Type.Union([Uuid, Type.Null()]) })),
  revealed: Type.Array(Type.String()),
});

export const CardQuery = Type.Object(
  {
    purpose: Type.Optional(Type.Enum(PURPOSES)),
    reveal: Type.Optional(
      Type.String({
        pattern: '^(phone|email|snils|omsPolicy|nationalId)(,(phone|email|snils|omsPolicy|nationalId))*$',
      }),
    ),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Uuid });
export const Created = Type.Object({ id: Uuid });
