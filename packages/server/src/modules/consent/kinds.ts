import type { Channel } from '@careloop/contracts';

/**
 * Consent kinds (R3): one document and one grant per purpose, never bundled.
 * Channel- and recipient-specific kinds carry the channel or recipient in the name.
 */
export const BASE_KINDS = [
  'pd.marketing',
  'pd.marketing.health_based',
  'pd.distribution',
  'tracking.web',
] as const;
export const ADS_KINDS = [
  'ads.receive.email',
  'ads.receive.sms',
  'ads.receive.messenger',
  'ads.receive.call',
] as const;
export type ConsentKind =
  | (typeof BASE_KINDS)[number]
  | (typeof ADS_KINDS)[number]
  | `transfer.${string}`
  | `secrecy.disclose.${string}`;

const RECIPIENT = /^[a-z0-9_]{2,40}$/;

export function isConsentKind(kind: string): kind is ConsentKind {
  if ((BASE_KINDS as readonly string[]).includes(kind) || (ADS_KINDS as readonly string[]).includes(kind))
    return true;
  const m = /^(transfer|secrecy\.disclose)\.(.+)$/.exec(kind);
  return Boolean(m && RECIPIENT.test(m[2]!));
}

export const channelOfKind = (kind: string): Channel | null => {
  const m = /^ads\.receive\.(email|sms|messenger|call)$/.exec(kind);
  return m ? (m[1] as Channel) : null;
};

/** Kinds that Russian law wants in written form (152-FZ art. 9(4), 323-FZ art. 13). */
export const requiresWrittenForm = (kind: string): boolean =>
  kind === 'pd.marketing.health_based' || kind === 'pd.distribution' || kind.startsWith('secrecy.disclose.');

export const adsKindFor = (channel: Channel): ConsentKind => `ads.receive.${channel}` as ConsentKind;
