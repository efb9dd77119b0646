import { createHash } from 'node:crypto';
import type { Channel, Purpose } from '@careloop/contracts';
import type { ValueBag } from '../content/index.ts';

/** A channel, or "whichever the patient prefers and allows", resolved when the message is claimed. */
export type RequestedChannel = Channel | 'preferred';

/** Which approved template version a message is rendered from (the content library owns it). */
export interface ContentRef {
  readonly templateId: string;
  readonly version: number;
}

/**
 * Non-personal values a message is rendered with: a slot, a booking or survey link, the clinic.
 * The patient's own name and address are read at send time, never stored in the outbox.
 */
export type RenderContext = Omit<ValueBag, 'patient'>;

/** One message a caller (a campaign, a reminder trigger) wants sent. */
export interface OutboxItem {
  readonly patientId: string;
  readonly purpose: Purpose;
  /** The campaign it belongs to; null for a trigger (reminders), whose identity is in the occurrence key. */
  readonly campaignId: string | null;
  readonly channel: RequestedChannel;
  readonly content: ContentRef;
  readonly context?: RenderContext;
  /** Which occurrence of a recurring journey this is (`birthday:2026`, `recall:<episode>:1`, R25). */
  readonly occurrenceKey: string;
  /** Not sent before this instant (default: now). */
  readonly notBefore?: Date;
  /** End of the send window: afterwards the message is skipped, never sent late (R25, R55). */
  readonly notAfter?: Date;
}

export const OUTBOX_STATES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'skipped',
  'review',
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** Why a message was not sent (R56). Every skip records exactly one. */
export const SKIP_REASONS = [
  'consent_missing',
  'consent_expired',
  'suppressed',
  'patient_erased',
  'patient_merged',
  'frequency_cap',
  'no_contact',
  'no_channel',
  'window_passed',
  'render_failed',
  'no_adapter',
  /** The channel's provider is not on the processor register (R58). */
  'processor_unregistered',
  /** Its register entry does not cover a data class the message discloses (R58). */
  'processor_not_covered',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Purposes that spend the shared contact-pressure budget (R24); care messages do not. */
export const BUDGETED_PURPOSES: ReadonlySet<Purpose> = new Set([
  'marketing.general',
  'marketing.health',
  'service.feedback',
]);
export const MARKETING_PURPOSES: ReadonlySet<Purpose> = new Set(['marketing.general', 'marketing.health']);
/**
 * Purposes that answer a message the patient has just sent: they go out at once, in quiet hours
 * too, and within a short window or never (R22: the one confirmation after STOP, within 5 minutes).
 * No role may message under them (the policy grants none); only Careloop queues them.
 */
export const REPLY_PURPOSES: ReadonlySet<Purpose> = new Set(['service.notice']);
/** Purposes delivery may send at all; reads, exports and analytics never leave as messages. */
export const MESSAGING_PURPOSES: ReadonlySet<Purpose> = new Set([
  'care.appointment',
  'care.followup',
  'service.feedback',
  'service.notice',
  'marketing.general',
  'marketing.health',
]);

/** A tenant's delivery rules (tenants.settings.delivery), with safe defaults (R22, R24). */
export interface DeliveryPolicy {
  readonly dailyCap: number;
  readonly weeklyCap: number;
  /** Quiet hours in the patient's local time: [start, end) wraps past midnight. */
  readonly quietStartHour: number;
  readonly quietEndHour: number;
  /** The zone of patients who have none recorded. */
  readonly defaultTimeZone: string;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  dailyCap: 1,
  weeklyCap: 3,
  quietStartHour: 21,
  quietEndHour: 9,
  defaultTimeZone: 'Europe/Moscow',
};

const intIn = (v: unknown, lo: number, hi: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : undefined;

/** Reads the tenant's settings; anything malformed falls back to the default (never to "no cap"). */
export function policyFrom(settings: unknown, tenantTimeZone: string): DeliveryPolicy {
  const d =
    typeof settings === 'object' && settings !== null
      ? ((settings as Record<string, unknown>).delivery as Record<string, unknown> | undefined)
      : undefined;
  return {
    dailyCap: intIn(d?.dailyCap, 0, 10) ?? DEFAULT_POLICY.dailyCap,
    weeklyCap: intIn(d?.weeklyCap, 0, 50) ?? DEFAULT_POLICY.weeklyCap,
    quietStartHour: intIn(d?.quietStartHour, 0, 23) ?? DEFAULT_POLICY.quietStartHour,
    quietEndHour: intIn(d?.quietEndHour, 0, 23) ?? DEFAULT_POLICY.quietEndHour,
    defaultTimeZone: tenantTimeZone || DEFAULT_POLICY.defaultTimeZone,
  };
}

/**
 * The deterministic idempotency key H(tenant, campaign or trigger, patient, channel, occurrence)
 * (R51): the same message asked for twice is the same row, and the provider sees the same key.
 */
export function idempotencyKey(
  tenantId: string,
  item: Pick<OutboxItem, 'campaignId' | 'patientId' | 'channel' | 'occurrenceKey'>,
): Buffer {
  return createHash('sha256')
    .update(
      `${tenantId}\u0000${item.campaignId ?? 'trigger'}\u0000${item.patientId}\u0000${item.channel}\u0000${item.occurrenceKey}`,
    )
    .digest()
    .subarray(0, 16);
}
