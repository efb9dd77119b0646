import type { Channel } from '@careloop/contracts';
import type { DeliveryConfig } from '../config/index.ts';
import { storedContentRenderer } from '../modules/content/index.ts';
import {
  type ChannelAdapter,
  checkSenderAuth,
  DeliveryWorker,
  dnsTxtLookup,
  httpChannel,
  type SenderAuth,
  senderDomain,
  smtpChannel,
  smtpProviderName,
  WORKLIST_PROVIDER,
  worklistChannel,
} from '../modules/delivery/index.ts';
import type { Careloop } from './careloop.ts';

/** Provider names of the configured HTTP channels (webhook paths, register entries). */
const PROVIDER = { sms: 'sms', messenger: 'messenger' } as const;

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
        name: PROVIDER.sms,
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
        name: PROVIDER.messenger,
        url: cfg.messenger.url,
        idempotent: false,
        ...(cfg.messenger.authorization ? { authorization: cfg.messenger.authorization } : {}),
      }),
    );
  }
  return out;
}

/** How long a passing sender check is trusted before DNS is asked again (R19). */
const SENDER_AUTH_TTL_MS = 10 * 60_000;

/**
 * The e-mail sender's authentication check for campaign launches (R19), when e-mail is
 * configured. A pass is remembered for ten minutes; a failure is asked again every time, so a
 * fixed DNS record counts at once.
 */
export function senderAuthFromConfig(
  cfg: DeliveryConfig | undefined,
  now: () => number = Date.now,
): (() => Promise<SenderAuth>) | undefined {
  const smtp = cfg?.smtp;
  if (!smtp) return undefined;
  const domain = senderDomain(smtp.from);
  const lookup = dnsTxtLookup(cfg.dnsServers);
  let passed: { at: number; auth: SenderAuth } | null = null;
  return async () => {
    if (!domain) {
      const problem = 'the From address has no domain';
      return {
        domain: smtp.from,
        ok: false,
        checks: [{ record: 'spf', name: '', ok: false, found: null, problem }],
      };
    }
    if (passed && now() - passed.at < SENDER_AUTH_TTL_MS) return passed.auth;
    const auth = await checkSenderAuth(domain, smtp.dkimSelector, lookup);
    passed = auth.ok ? { at: now(), auth } : null;
    return auth;
  };
}

/** The providers the configuration makes the worker call, for the processor register's screen (R58). */
export function configuredProviders(
  cfg: DeliveryConfig | undefined,
): { provider: string; channel: Channel; external: boolean }[] {
  return [
    ...(cfg?.smtp
      ? [{ provider: smtpProviderName(cfg.smtp.host), channel: 'email' as const, external: true }]
      : []),
    ...(cfg?.sms ? [{ provider: PROVIDER.sms, channel: 'sms' as const, external: true }] : []),
    ...(cfg?.messenger
      ? [{ provider: PROVIDER.messenger, channel: 'messenger' as const, external: true }]
      : []),
    { provider: WORKLIST_PROVIDER, channel: 'call', external: false },
  ];
}

/**
 * The server's delivery worker: the configured channels plus the call-centre worklist, sending
 * only approved content from the library. On the embedded database it is the one in-process
 * worker; on PostgreSQL each server runs one and they share the outbox through SKIP LOCKED.
 */
export function startDeliveryWorker(
  careloop: Careloop,
  onError: (e: unknown) => void,
  intervalMs = 2_000,
): () => Promise<void> {
  const { config } = careloop;
  const worker = new DeliveryWorker(
    { db: careloop.db, vault: careloop.vault, clock: careloop.clock },
    {
      adapters: [
        ...channelsFromConfig(config.delivery, config.publicUrl),
        worklistChannel(careloop.worklist),
      ],
      renderer: storedContentRenderer(),
      publicUrl: config.publicUrl,
    },
  );
  worker.start(intervalMs, onError);
  return () => worker.stop();
}
