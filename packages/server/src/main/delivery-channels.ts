import type { DeliveryConfig } from '../config/index.ts';
import { type ChannelAdapter, httpChannel, smtpChannel } from '../modules/delivery/index.ts';

/**
 * The channel adapters the configuration enables, for the delivery worker. Receipts come back to
 * `/webhooks/delivery/<tenant>/<provider>/receipts`; the provider names here are those paths' names.
 */
export function channelsFromConfig(
  cfg: DeliveryConfig | undefined,
  publicUrl: string,
  tenantId?: string,
): ChannelAdapter[] {
  const out: ChannelAdapter[] = [];
  if (cfg?.smtp) out.push(smtpChannel(cfg.smtp));
  if (cfg?.sms) {
    out.push(
      httpChannel('sms', {
        name: 'sms',
        url: cfg.sms.url,
        idempotent: cfg.sms.idempotent,
        ...(cfg.sms.authorization ? { authorization: cfg.sms.authorization } : {}),
        ...(cfg.sms.statusUrl ? { statusUrl: cfg.sms.statusUrl } : {}),
        ...(tenantId ? { callbackUrl: `${publicUrl}/webhooks/delivery/${tenantId}/sms/receipts` } : {}),
      }),
    );
  }
  if (cfg?.messenger) {
    out.push(
      httpChannel('messenger', {
        name: 'messenger',
        url: cfg.messenger.url,
        idempotent: false,
        ...(cfg.messenger.authorization ? { authorization: cfg.messenger.authorization } : {}),
      }),
    );
  }
  return out;
}
