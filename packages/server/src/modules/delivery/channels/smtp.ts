import nodemailer from 'nodemailer';
import { senderDomain } from '../complaints.ts';
import type { ChannelAdapter, LookupResult, OutboundMessage, SendOutcome } from '../ports.ts';
import { composeMail } from './mime.ts';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  /** The From address, e.g. `Клиника <news@clinic.example>`. */
  readonly from: string;
  /** mailto: unsubscribe address placed beside the HTTPS one-click link (R18). */
  readonly unsubscribeMailto?: string;
  readonly maxConnections?: number;
  /** Accept self-signed certificates (a relay on the same host). */
  readonly allowSelfSigned?: boolean;
  /**
   * Asks the relay or ESP whether it accepted a Message-ID (its message-search API). SMTP has
   * no idempotency: without this, a message interrupted mid-send goes to review (R52).
   */
  readonly lookup?: (messageIdHeader: string) => Promise<LookupResult>;
}

/** The slice of a nodemailer transport the adapter uses (a fake is trivial). */
export interface MailTransport {
  sendMail(mail: Record<string, unknown>): Promise<{ messageId?: string; response?: string }>;
  close(): void;
}

/** The provider name of an SMTP relay: its webhook path and its processor register entry (R58). */
export const smtpProviderName = (host: string): string => `smtp:${host}`;

/** Message-ID derived from the idempotency key: the same message keeps the same id on every attempt. */
export const messageIdHeader = (idempotencyKey: string): string => `<${idempotencyKey}@careloop.message>`;

/** SMTP errors before the server took the message are safe to retry; a cut connection mid-send is not (R52). */
function classify(e: unknown): SendOutcome {
  const err = e as { code?: string; responseCode?: number; message?: string };
  const code = err.responseCode;
  if (typeof code === 'number') {
    if (code >= 400 && code < 500) return { kind: 'failed', retryable: true, error: `smtp_${code}` };
    if (code >= 500) return { kind: 'failed', retryable: false, error: `smtp_${code}` };
  }
  if (err.code === 'ECONNECTION' || err.code === 'EDNS' || err.code === 'ETLS' || err.code === 'EAUTH')
    return { kind: 'failed', retryable: true, error: err.code.toLowerCase() };
  return { kind: 'unknown', error: (err.code ?? 'smtp_error').toLowerCase() };
}

/** E-mail over SMTP with HTML and plain text and RFC 8058 one-click unsubscribe headers (R18). */
export function smtpChannel(settings: SmtpSettings, transport?: MailTransport): ChannelAdapter {
  const domain = senderDomain(settings.from);
  const t: MailTransport =
    transport ??
    (nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      pool: true,
      maxConnections: settings.maxConnections ?? 5,
      maxMessages: Number.POSITIVE_INFINITY,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      ...(settings.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
    }) as unknown as MailTransport);
  return {
    channel: 'email',
    provider: smtpProviderName(settings.host),
    external: true,
    ...(domain ? { sendingDomain: domain } : {}),
    idempotent: false,
    async send(m: OutboundMessage): Promise<SendOutcome> {
      if (m.content.channel !== 'email') return { kind: 'failed', retryable: false, error: 'not_email' };
      const { subject, html, text } = m.content.email;
      const headers: Record<string, string> = { 'X-Careloop-Message': m.messageId };
      if (m.unsubscribeUrl) {
        headers['List-Unsubscribe'] = settings.unsubscribeMailto
          ? `<${m.unsubscribeUrl}>, <${settings.unsubscribeMailto}>`
          : `<${m.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      let mail: ReturnType<typeof composeMail>;
      try {
        mail = composeMail({
          from: settings.from,
          to: m.to,
          subject,
          text,
          html,
          messageId: messageIdHeader(m.idempotencyKey),
          headers,
        });
      } catch {
        return { kind: 'failed', retryable: false, error: 'compose_failed' }; // nothing went out
      }
      try {
        await t.sendMail(mail);
        return { kind: 'sent', providerMessageId: messageIdHeader(m.idempotencyKey) };
      } catch (e) {
        return classify(e);
      }
    },
    ...(settings.lookup
      ? {
          lookup: (q: { idempotencyKey: string }) =>
            (settings.lookup as (id: string) => Promise<LookupResult>)(messageIdHeader(q.idempotencyKey)),
        }
      : {}),
    async close() {
      t.close();
    },
  };
}
