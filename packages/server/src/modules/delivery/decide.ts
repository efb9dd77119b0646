import type { Channel, Purpose } from '@careloop/contracts';
import { localTime, zonedInstant } from '../../kernel/index.ts';
import { type ConsentStatus, consentSatisfied } from '../consent/index.ts';
import { type DeliveryPolicy, REPLY_PURPOSES, type RequestedChannel, type SkipReason } from './model.ts';

/**
 * The pure send decision for one claimed message: which channel, or why not, or not yet.
 * Everything it needs is loaded by the claim transaction; it reads no clock and no database.
 */

export interface PatientFacts {
  readonly status: 'active' | 'merged' | 'erased';
  readonly timeZone: string | null;
  readonly preferredChannel: Channel | null;
  readonly hasEmail: boolean;
  readonly hasPhone: boolean;
  readonly hasMessenger: boolean;
  readonly consents: readonly (ConsentStatus & { readonly eventId: string })[];
  readonly suppressions: readonly {
    readonly channel: Channel;
    readonly reason: string;
    readonly scope: 'marketing' | 'all';
  }[];
}

export interface MessageFacts {
  readonly purpose: Purpose;
  readonly channelRequested: RequestedChannel;
  readonly expiresAt: Date | null;
}

export type Decision =
  | { readonly kind: 'send'; readonly channel: Channel; readonly consentEvents: readonly string[] }
  | {
      readonly kind: 'skip';
      readonly reason: SkipReason;
      readonly detail?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'defer'; readonly until: Date; readonly why: 'quiet_hours' | 'circuit_open' };

/** Fallback order when the patient's preference is unusable. */
const ORDER: readonly Channel[] = ['email', 'sms', 'messenger', 'call'];
const MARKETING: ReadonlySet<Purpose> = new Set(['marketing.general', 'marketing.health']);

const hasAddress = (p: PatientFacts, c: Channel): boolean =>
  c === 'email' ? p.hasEmail : c === 'messenger' ? p.hasMessenger : p.hasPhone;

type ChannelCheck =
  | { ok: true; consentEvents: string[] }
  | { ok: false; reason: SkipReason; detail?: Record<string, unknown> };

function checkChannel(
  p: PatientFacts,
  m: MessageFacts,
  c: Channel,
  at: Date,
  refusal: (c: Channel) => SkipReason | null,
): ChannelCheck {
  const refused = refusal(c);
  if (refused) return { ok: false, reason: refused };
  if (!hasAddress(p, c)) return { ok: false, reason: 'no_contact' };
  const marketing = MARKETING.has(m.purpose);
  const sup = p.suppressions.find((s) => s.channel === c && (s.scope === 'all' || marketing));
  if (sup) return { ok: false, reason: 'suppressed', detail: { suppression: sup.reason } };
  const consent = consentSatisfied(p.consents, m.purpose, at, c);
  if (!consent.ok) {
    return {
      ok: false,
      reason: consent.expired.length > 0 ? 'consent_expired' : 'consent_missing',
      detail: { missing: consent.missing, expired: consent.expired },
    };
  }
  const used = new Set([...(marketing ? ['pd.marketing', `ads.receive.${c}`] : [])]);
  if (m.purpose === 'marketing.health') used.add('pd.marketing.health_based');
  return { ok: true, consentEvents: p.consents.filter((k) => used.has(k.kind)).map((k) => k.eventId) };
}

/**
 * Consent, suppression, patient state, channel resolution and the send window (R7, R53, R56).
 * `refusal` says why a channel cannot be used at all here (no adapter, a provider off the processor
 * register, R58), so the preferred channel falls back to one that can.
 */
export function decideChannel(
  p: PatientFacts,
  m: MessageFacts,
  at: Date,
  refusal: (c: Channel) => SkipReason | null,
): Decision {
  if (p.status === 'erased') return { kind: 'skip', reason: 'patient_erased' };
  if (p.status === 'merged') return { kind: 'skip', reason: 'patient_merged' };
  if (m.expiresAt && m.expiresAt <= at) return { kind: 'skip', reason: 'window_passed' };
  if (m.channelRequested !== 'preferred') {
    const r = checkChannel(p, m, m.channelRequested, at, refusal);
    return r.ok
      ? { kind: 'send', channel: m.channelRequested, consentEvents: r.consentEvents }
      : { kind: 'skip', reason: r.reason, ...(r.detail ? { detail: r.detail } : {}) };
  }
  const candidates = p.preferredChannel
    ? [p.preferredChannel, ...ORDER.filter((c) => c !== p.preferredChannel)]
    : ORDER;
  const refusals: Record<string, string> = {};
  for (const c of candidates) {
    // Calls are a channel only when asked for by name or preferred: nobody is phoned as a fallback.
    if (c === 'call' && p.preferredChannel !== 'call') continue;
    const r = checkChannel(p, m, c, at, refusal);
    if (r.ok) return { kind: 'send', channel: c, consentEvents: r.consentEvents };
    refusals[c] = r.reason;
  }
  const reasons = new Set(Object.values(refusals));
  // One reason everywhere names it (e.g. no consent on any channel); mixed reasons mean no usable channel.
  const only = reasons.size === 1 ? ([...reasons][0] as SkipReason) : 'no_channel';
  return { kind: 'skip', reason: only, detail: { channels: refusals } };
}

/**
 * The next instant outside quiet hours in the patient's zone, or null when `at` is already outside
 * (R22) or the message answers the patient's own message (`REPLY_PURPOSES`: the STOP confirmation).
 */
export function quietUntil(
  at: Date,
  timeZone: string,
  policy: DeliveryPolicy,
  purpose: Purpose,
): Date | null {
  const { quietStartHour: start, quietEndHour: end } = policy;
  if (start === end || REPLY_PURPOSES.has(purpose)) return null;
  const t = localTime(at, timeZone);
  const inQuiet = start > end ? t.hour >= start || t.hour < end : t.hour >= start && t.hour < end;
  if (!inQuiet) return null;
  // Quiet hours that wrap past midnight end on the next local day when we are before midnight.
  let day = t.day;
  if (start > end && t.hour >= start) {
    const d = new Date(`${t.day}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    day = d.toISOString().slice(0, 10);
  }
  return zonedInstant(day, end, 0, timeZone);
}
