import type { Channel } from '@careloop/contracts';
import type { ChannelAdapter, LookupResult, OutboundMessage, SendOutcome } from '../ports.ts';

/** An HTTP gateway: SMS aggregators and messenger bots share this shape. */
export interface HttpGatewaySettings {
  readonly name: string;
  /** Where messages are POSTed as JSON `{ to, text, reference, callbackUrl? }`. */
  readonly url: string;
  /** `Bearer <token>` or `Basic <base64>`, sent as Authorization. */
  readonly authorization?: string;
  /** The gateway deduplicates by the Idempotency-Key header: resending after a crash is safe (R51). */
  readonly idempotent: boolean;
  /** GET `<statusUrl>?reference=<key>` → `{ status: 'accepted' | 'not_found' }` (R52 reconciliation). */
  readonly statusUrl?: string;
  /** Where the gateway posts delivery receipts. */
  readonly callbackUrl?: string;
  readonly timeoutMs?: number;
}

const textOf = (m: OutboundMessage): string | null =>
  m.content.channel === 'sms'
    ? m.content.sms.text
    : m.content.channel === 'messenger'
      ? m.content.messenger.text
      : null;

async function post(s: HttpGatewaySettings, m: OutboundMessage, text: string): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetch(s.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(s.authorization ? { authorization: s.authorization } : {}),
        ...(s.idempotent ? { 'idempotency-key': m.idempotencyKey } : {}),
      },
      body: JSON.stringify({
        to: m.to,
        text,
        reference: m.idempotencyKey,
        ...(s.callbackUrl ? { callbackUrl: s.callbackUrl } : {}),
      }),
      signal: AbortSignal.timeout(s.timeoutMs ?? 15_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    // Refused before anything was sent: surely not accepted. A timeout may have been accepted (R52).
    if (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND')
      return { kind: 'failed', retryable: true, error: cause.toLowerCase() };
    return { kind: 'unknown', error: (e as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
  }
  if (res.ok) {
    const body = (await res.json().catch(() => ({}))) as { id?: unknown };
    return { kind: 'sent', ...(typeof body.id === 'string' ? { providerMessageId: body.id } : {}) };
  }
  await res.body?.cancel();
  if (res.status === 429 || res.status === 408)
    return { kind: 'failed', retryable: true, error: `http_${res.status}` };
  if (res.status >= 500)
    return s.idempotent
      ? { kind: 'failed', retryable: true, error: `http_${res.status}` }
      : { kind: 'unknown', error: `http_${res.status}` };
  return { kind: 'failed', retryable: false, error: `http_${res.status}` };
}

/** SMS over an HTTP gateway, or a messenger bot: one adapter, configured per channel. */
export function httpChannel(
  channel: Extract<Channel, 'sms' | 'messenger'>,
  s: HttpGatewaySettings,
): ChannelAdapter {
  return {
    channel,
    provider: s.name,
    external: true,
    idempotent: s.idempotent,
    async send(m) {
      const text = textOf(m);
      if (text === null) return { kind: 'failed', retryable: false, error: 'no_text' };
      return post(s, m, text);
    },
    ...(s.statusUrl
      ? {
          async lookup(q: { idempotencyKey: string }): Promise<LookupResult> {
            try {
              const res = await fetch(`${s.statusUrl}?reference=${encodeURIComponent(q.idempotencyKey)}`, {
                headers: s.authorization ? { authorization: s.authorization } : {},
                // Reconciliation is not in a hurry: a slow answer beats sending a message to review.
                signal: AbortSignal.timeout(Math.max(s.timeoutMs ?? 15_000, 10_000)),
              });
              if (res.status === 404) return 'not_found';
              if (!res.ok) return 'unknown';
              const body = (await res.json()) as { status?: string };
              return body.status === 'accepted'
                ? 'accepted'
                : body.status === 'not_found'
                  ? 'not_found'
                  : 'unknown';
            } catch {
              return 'unknown';
            }
          },
        }
      : {}),
  };
}
