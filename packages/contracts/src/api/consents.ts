import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CAPTURE_METHODS = [
  'paper',
  'e_signature',
  'web_form',
  'sms_code',
  'messenger',
  'phone_call',
  'mis_import',
  'preference_page',
  'unsubscribe_link',
  'sms_keyword',
  'system',
] as const;

export const ConsentRequest = Type.Object(
  {
    kind: Type.String({ minLength: 3, maxLength: 80 }),
    event: Type.Enum(['granted', 'withdrawn']),
    captureMethod: Type.Enum(CAPTURE_METHODS),
    documentId: Type.Optional(Uuid),
    occurredAt: Type.Optional(Instant),
    expiresAt: Type.Optional(Instant),
    representativeId: Type.Optional(Uuid),
    evidence: Type.Optional(
      Type.Object(
        {
          ip: Type.Optional(Type.String({ maxLength: 64 })),
          userAgent: Type.Optional(Type.String({ maxLength: 300 })),
          signatureRef: Type.Optional(Type.String({ maxLength: 200 })),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ConsentRequest = Static<typeof ConsentRequest>;

export const ConsentOutcome = Type.Object({ eventId: Nullable(Uuid), changed: Type.Boolean() });

export const ConsentStateView = Type.Object({
  kind: Type.String(),
  channel: Nullable(Type.String()),
  status: Type.String(),
  since: Instant,
  expiresAt: Nullable(Instant),
  active: Type.Boolean(),
});

export const ConsentEventView = Type.Object({
  id: Uuid,
  kind: Type.String(),
  channel: Nullable(Type.String()),
  event: Type.String(),
  occurredAt: Instant,
  recordedAt: Instant,
  expiresAt: Nullable(Instant),
  captureMethod: Type.String(),
  legalBasis: Type.String(),
  actor: Type.String(),
  document: Nullable(
    Type.Object({ id: Uuid, version: Type.Integer(), title: Type.String(), hash: Type.String() }),
  ),
  representativeId: Nullable(Uuid),
});

export const PatientConsents = Type.Object({
  current: Type.Array(ConsentStateView),
  history: Type.Array(ConsentEventView),
});

export const RepresentativeRequest = Type.Object(
  {
    fullName: Type.String({ minLength: 3, maxLength: 200 }),
    authorityDocument: Type.String({ minLength: 3, maxLength: 200 }),
    relationship: Type.Enum(['parent', 'guardian', 'trustee', 'other']),
  },
  { additionalProperties: false },
);

export const ConsentDocumentView = Type.Object({
  id: Uuid,
  kind: Type.String(),
  version: Type.Integer(),
  locale: Type.Enum(['ru', 'en']),
  title: Type.String(),
  body: Type.String(),
  status: Type.Enum(['draft', 'published', 'retired']),
  writtenForm: Type.Boolean(),
  widens: Type.Boolean(),
  hash: Type.String(),
  publishedAt: Nullable(Instant),
});

export const ConsentDocumentDraft = Type.Object(
  {
    kind: Type.String({ minLength: 3, maxLength: 80 }),
    locale: Type.Enum(['ru', 'en']),
    title: Type.String({ minLength: 3, maxLength: 300 }),
    body: Type.String({ minLength: 40, maxLength: 50_000 }),
    widens: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const LinkRequest = Type.Object(
  { purpose: Type.Enum(['preferences', 'unsubscribe']) },
  { additionalProperties: false },
);
export const LinkView = Type.Object({ url: Type.String() });
