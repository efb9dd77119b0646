import type { Translate } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

/** Consent kinds the clinic records (server: modules/consent/kinds.ts). */
export const CONSENT_KINDS = [
  'pd.marketing',
  'pd.marketing.health_based',
  'pd.distribution',
  'tracking.web',
  'ads.receive.email',
  'ads.receive.sms',
  'ads.receive.messenger',
  'ads.receive.call',
] as const;

/** A person-readable name for a consent kind; recipient-specific kinds name the recipient. */
export function kindLabel(t: Translate, kind: string): string {
  if ((CONSENT_KINDS as readonly string[]).includes(kind)) return t(`kind.${kind}` as MessageKey);
  const m = /^(transfer|secrecy\.disclose)\.(.+)$/.exec(kind);
  if (m) return t(m[1] === 'transfer' ? 'kind.transfer' : 'kind.secrecy', { to: m[2]! });
  return kind;
}
