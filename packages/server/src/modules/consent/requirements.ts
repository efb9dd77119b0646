import type { Channel, Purpose } from '@careloop/contracts';
import { adsKindFor } from './kinds.ts';

/**
 * Which consents a purpose needs on a channel (DESIGN §2, R3, R6, R7, R33, R37).
 * Care and feedback rest on the treatment relationship: no consent kind, but the
 * patient's opt-out of a channel still applies (handled by suppressions).
 */
export function requiredKinds(purpose: Purpose, channel?: Channel, platform?: string): string[] {
  switch (purpose) {
    case 'marketing.general':
      return channel ? ['pd.marketing', adsKindFor(channel)] : ['pd.marketing'];
    case 'marketing.health':
      return channel
        ? ['pd.marketing', 'pd.marketing.health_based', adsKindFor(channel)]
        : ['pd.marketing', 'pd.marketing.health_based'];
    case 'audience.export':
      if (!platform) throw new Error('an audience export names its platform');
      return [`transfer.${platform}`, `secrecy.disclose.${platform}`];
    case 'care.appointment':
    case 'care.followup':
    case 'service.feedback':
    case 'service.notice':
    case 'analytics.aggregate':
    case 'registry.operations':
    case 'subject.rights':
      return [];
  }
}

/** The consent needed to link web events to an identified patient (R37). */
export const TRACKING_KIND = 'tracking.web';

export interface ConsentStatus {
  readonly kind: string;
  readonly status: 'granted' | 'withdrawn' | 'expired' | 'superseded';
  readonly expiresAt: Date | null;
}

/** Whether a patient's current consents cover a purpose on a channel at an instant. */
export function consentSatisfied(
  current: readonly ConsentStatus[],
  purpose: Purpose,
  at: Date,
  channel?: Channel,
  platform?: string,
): { ok: true } | { ok: false; missing: string[]; expired: string[] } {
  const byKind = new Map(current.map((c) => [c.kind, c]));
  const missing: string[] = [];
  const expired: string[] = [];
  for (const kind of requiredKinds(purpose, channel, platform)) {
    const c = byKind.get(kind);
    if (c?.status === 'granted' && (c.expiresAt === null || c.expiresAt > at)) continue;
    if (
      c &&
      (c.status === 'expired' || (c.status === 'granted' && c.expiresAt !== null && c.expiresAt <= at))
    )
      expired.push(kind);
    else missing.push(kind);
  }
  return missing.length === 0 && expired.length === 0 ? { ok: true } : { ok: false, missing, expired };
}
