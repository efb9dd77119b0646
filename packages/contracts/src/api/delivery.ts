import Type from 'typebox';
import { SENDING_DOMAIN_STATES } from '../vocab.ts';
import { Uuid } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
export const OUTBOX_STATE_VALUES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'skipped',
  'review',
] as const;

/** One message on the patient card: what went out or why not (R56); no content. */
export const MessageHistoryItemView = Type.Object({
  id: Uuid,
  purpose: Type.String(),
  channel: Type.Union([Type.Enum(['email', 'sms', 'messenger', 'call']), Type.Null()]),
  state: Type.Enum(OUTBOX_STATE_VALUES),
  skipReason: Type.Union([Type.String(), Type.Null()]),
  campaignId: Type.Union([Uuid, Type.Null()]),
  template: Type.Union([Type.Object({ id: Type.String(), version: Type.Integer() }), Type.Null()]),
  createdAt: Instant,
  sentAt: NullableInstant,
  deliveredAt: NullableInstant,
});

export const CampaignOutboxStats = Type.Object({
  campaignId: Uuid,
  total: Type.Integer(),
  byState: Type.Record(Type.String(), Type.Integer()),
  bySkipReason: Type.Record(Type.String(), Type.Integer()),
  byChannel: Type.Record(Type.String(), Type.Integer()),
});

export const DeliveryWebhookParams = Type.Object({
  tenantId: Uuid,
  provider: Type.String({ pattern: '^[a-z0-9][a-z0-9:._-]{0,62}$' }),
});

/** A provider's delivery receipt (R54). */
export const DeliveryReceipt = Type.Object(
  {
    eventId: Type.String({ minLength: 1, maxLength: 200 }),
    reference: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
    providerMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Enum(['delivered', 'failed', 'bounced', 'complained']),
  },
  { additionalProperties: false },
);

/** A message a patient sent to the clinic's number or bot (STOP keywords, R8). */
export const InboundMessageBody = Type.Object(
  {
    eventId: Type.String({ minLength: 1, maxLength: 200 }),
    channel: Type.Optional(Type.Enum(['sms', 'messenger'])),
    from: Type.String({ minLength: 1, maxLength: 100 }),
    text: Type.String({ maxLength: 2000 }),
  },
  { additionalProperties: false },
);

export const WebhookAck = Type.Object({ ok: Type.Boolean(), duplicate: Type.Boolean() });

/** A sending domain under the complaint-rate breaker (R20). */
export const SendingDomainView = Type.Object({
  domain: Type.String(),
  state: Type.Enum(SENDING_DOMAIN_STATES),
  /** E-mails sent and complaints received in the last 24 hours (or since it was resumed). */
  sent: Type.Integer(),
  complaints: Type.Integer(),
  rate: Type.Number(),
  measuredAt: Instant,
  changedAt: Instant,
  resumedAt: NullableInstant,
  resumedBy: Type.Union([Type.String(), Type.Null()]),
});

export const SendingDomainsView = Type.Object({
  domains: Type.Array(SendingDomainView),
  /** The thresholds, so the screen explains them as the server applies them. */
  alertRate: Type.Number(),
  pauseRate: Type.Number(),
});

export const SendingDomainParams = Type.Object({
  domain: Type.String({ pattern: '^[a-z0-9.-]{1,253}$' }),
});

export const INBOUND_RESOLUTION_VALUES = ['withdrawal', 'no_action'] as const;
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

const inboundItem = {
  id: Uuid,
  channel: Type.Enum(['sms', 'messenger']),
  provider: Type.String(),
  receivedAt: Instant,
  /** End of the next working day after it arrived (R8). */
  dueAt: Instant,
  overdue: Type.Boolean(),
  /** The heuristic flag that sorts likely withdrawals first; a person decides. */
  looksLikeWithdrawal: Type.Boolean(),
  /** Patients the sender matched; 0 for an unknown sender. */
  patients: Type.Integer(),
  status: Type.Enum(['open', 'resolved']),
  resolution: Nullable(Type.Enum(INBOUND_RESOLUTION_VALUES)),
  resolvedAt: NullableInstant,
};

/** A message waiting in the inbound review queue: no sender, no text, no name. */
export const InboundItemView = Type.Object(inboundItem);

/** One inbound message as the person working the queue reads it (audited, R41). */
export const InboundDetailView = Type.Object({
  ...inboundItem,
  from: Type.String(),
  text: Type.String(),
  note: Nullable(Type.String()),
  resolvedBy: Nullable(Type.String()),
  matched: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
});

export const InboundQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);

/** A withdrawal (as STOP does) or no action, which needs a note saying why. */
export const InboundResolveRequest = Type.Object(
  {
    resolution: Type.Enum(INBOUND_RESOLUTION_VALUES),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const InboundResolveResult = Type.Object({
  resolution: Type.Enum(INBOUND_RESOLUTION_VALUES),
  /** Patients whose advertising on the channel was withdrawn. */
  withdrawn: Type.Integer(),
});
