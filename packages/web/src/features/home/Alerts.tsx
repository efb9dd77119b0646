import type { Role } from '@careloop/contracts/vocab';
import { Link } from '../../app/router.tsx';
import { useStaff } from '../../app/session.tsx';
import { useApi } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { getDomains } from '../deliverability/api.ts';
import { getRegister } from '../processors/api.ts';

/** Who may read each source: asking without the role would only write a refusal to the audit log. */
const DOMAIN_READERS: readonly Role[] = ['owner', 'marketer', 'auditor'];
const REGISTER_READERS: readonly Role[] = ['owner', 'auditor'];

/**
 * What stops messages from going out, on the first screen staff see: a sending domain paused or
 * in alert for spam complaints (R20), a configured provider missing from the processor register
 * (R58). Each links to the screen where it is dealt with.
 */
export function DeliveryAlerts() {
  const { t, formatPercent } = useI18n();
  const { role } = useStaff();
  const domains = useApi(
    (signal) => (DOMAIN_READERS.includes(role) ? getDomains(signal) : Promise.resolve(null)),
    [role],
  );
  const register = useApi(
    (signal) => (REGISTER_READERS.includes(role) ? getRegister(signal) : Promise.resolve(null)),
    [role],
  );
  const items = [
    ...(domains.data?.domains ?? [])
      .filter((d) => d.state !== 'ok')
      .map((d) => ({
        key: `domain:${d.domain}`,
        text: t(d.state === 'paused' ? 'home.alert.paused' : 'home.alert.complaints', {
          domain: d.domain,
          rate: formatPercent(d.rate),
        }),
        href: '/sending-domains',
        link: t('deliverability.title'),
      })),
    ...(register.data?.configured ?? [])
      .filter((p) => !p.registered)
      .map((p) => ({
        key: `provider:${p.provider}`,
        text: t('home.alert.unregistered', { provider: p.provider }),
        href: '/processors',
        link: t('processors.title'),
      })),
  ];
  if (items.length === 0) return null;
  return (
    <ul className="note note-warn" aria-label={t('home.alerts')} data-testid="delivery-alerts">
      {items.map((i) => (
        <li key={i.key} data-alert={i.key}>
          {i.text} <Link href={i.href}>{i.link}</Link>
        </li>
      ))}
    </ul>
  );
}
