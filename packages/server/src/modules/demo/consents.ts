import type { CaptureMethod, ConsentEventKind } from '../../db/index.ts';
import { channelOfKind } from '../consent/index.ts';
import type { Random } from './random.ts';

export interface DemoConsentEvent {
  readonly id: string;
  readonly kind: string;
  readonly channel: string | null;
  readonly event: ConsentEventKind;
  readonly documentId: string | null;
  readonly documentHash: Buffer | null;
  readonly legalBasis: 'consent' | 'written_consent';
  readonly captureMethod: CaptureMethod;
  readonly at: Date;
  readonly expiresAt: Date | null;
}

export interface DemoConsentState {
  readonly kind: string;
  readonly channel: string | null;
  readonly status: 'granted' | 'withdrawn' | 'expired';
  readonly since: Date;
  readonly expiresAt: Date | null;
  readonly eventId: string;
  readonly documentId: string | null;
}

const YEAR = 365 * 86_400_000;
const METHODS: readonly CaptureMethod[] = [
  'paper',
  'paper',
  'web_form',
  'web_form',
  'e_signature',
  'sms_code',
];

/**
 * Consents in the proportions a clinic sees: most adults agree to processing for
 * marketing at registration, fewer to each channel, fewer still in writing to
 * offers based on health data; some withdraw later, some grants had a term.
 * Minors get none: advertising is never addressed to them (R11).
 */
export function consentsFor(
  rnd: Random,
  p: { adult: boolean; hasEmail: boolean; registeredAt: Date },
  asOf: Date,
  docs: ReadonlyMap<string, { id: string; hash: Buffer }>,
  newId: () => string,
): { events: DemoConsentEvent[]; state: DemoConsentState[] } {
  const events: DemoConsentEvent[] = [];
  const state: DemoConsentState[] = [];
  if (!p.adult) return { events, state };
  const span = asOf.getTime() - p.registeredAt.getTime();
  const grant = (kind: string, written = false): void => {
    const doc = docs.get(kind);
    const at = new Date(p.registeredAt.getTime() + rnd.next() * Math.min(span, 86_400_000));
    const termed = rnd.chance(0.05);
    const expiresAt = termed ? new Date(at.getTime() + 3 * YEAR) : null;
    const granted: DemoConsentEvent = {
      id: newId(),
      kind,
      channel: channelOfKind(kind),
      event: 'granted',
      documentId: doc?.id ?? null,
      documentHash: doc?.hash ?? null,
      legalBasis: written ? 'written_consent' : 'consent',
      captureMethod: written ? rnd.pick(['paper', 'e_signature'] as const) : rnd.pick(METHODS),
      at,
      expiresAt,
    };
    events.push(granted);
    let last: DemoConsentEvent = granted;
    if (rnd.chance(kind === 'pd.marketing' ? 0.08 : 0.05)) {
      const when = new Date(at.getTime() + rnd.next() * (asOf.getTime() - at.getTime()));
      last = {
        ...granted,
        id: newId(),
        event: 'withdrawn',
        captureMethod: 'preference_page',
        at: when,
        expiresAt: null,
      };
      events.push(last);
    } else if (expiresAt && expiresAt < asOf) {
      last = {
        ...granted,
        id: newId(),
        event: 'expired',
        captureMethod: 'system',
        at: expiresAt,
        expiresAt: null,
      };
      events.push(last);
    }
    state.push({
      kind,
      channel: granted.channel,
      status: last.event === 'granted' ? 'granted' : last.event === 'withdrawn' ? 'withdrawn' : 'expired',
      since: last.at,
      expiresAt: last.event === 'granted' ? expiresAt : null,
      eventId: last.id,
      documentId: granted.documentId,
    });
  };
  if (rnd.chance(0.65)) {
    grant('pd.marketing');
    if (rnd.chance(0.85)) grant('ads.receive.sms');
    if (p.hasEmail && rnd.chance(0.75)) grant('ads.receive.email');
    if (rnd.chance(0.35)) grant('ads.receive.messenger');
    if (rnd.chance(0.4)) grant('ads.receive.call');
    if (rnd.chance(0.3)) grant('pd.marketing.health_based', true);
  }
  if (rnd.chance(0.25)) grant('tracking.web');
  return { events, state };
}
