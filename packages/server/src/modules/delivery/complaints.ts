import type { SendingDomainState } from '@careloop/contracts';

/**
 * The complaint-rate circuit breaker (R20), pure: per sending domain, a rolling 24-hour
 * spam-complaint rate of 0.1 % raises an alert and 0.3 % pauses advertising e-mail from it.
 * A pause holds until a person resumes it: the rate falls by itself once nothing is sent, which
 * is no evidence that the list got better.
 */

export const COMPLAINT_WINDOW_MS = 24 * 3_600_000;
export const COMPLAINT_ALERT_RATE = 0.001;
export const COMPLAINT_PAUSE_RATE = 0.003;
/** How soon a claim looks again at advertising held by a paused domain. */
export const DOMAIN_PAUSE_RECHECK_MS = 15 * 60_000;

export type DomainState = SendingDomainState;

/** Complaints per e-mail sent: both counted over the e-mails sent in the window. */
export const complaintRate = (sent: number, complaints: number): number =>
  complaints === 0 ? 0 : complaints / Math.max(sent, complaints);

export function nextDomainState(previous: DomainState, rate: number): DomainState {
  if (previous === 'paused') return 'paused';
  return rate >= COMPLAINT_PAUSE_RATE ? 'paused' : rate >= COMPLAINT_ALERT_RATE ? 'alert' : 'ok';
}

const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The domain of a From address (`Клиника <news@clinic.ru>` → `clinic.ru`), or null if it has none. */
export function senderDomain(from: string): string | null {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address.trim().split('@').at(-1)?.toLowerCase() ?? '';
  return address.includes('@') && DOMAIN.test(domain) ? domain : null;
}
