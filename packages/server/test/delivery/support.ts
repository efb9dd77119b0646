import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import type { ContentBlock, ResolvedTemplate, Variant } from '../../src/modules/content/index.ts';
import type { LookupResult } from '../../src/modules/delivery/index.ts';
import { PATIENT_COPY_COLUMNS, sealPatient } from '../../src/modules/patients/index.ts';

/** One e-mail as the test SMTP server received it. */
export interface ReceivedMail {
  readonly to: string;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: string;
}

/** A real SMTP server in the test process (smtp-server), keeping what it accepted. */
export async function startSmtp(opts: { port?: number } = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1_000_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
        const headers: Record<string, string> = {};
        for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
          const i = line.indexOf(':');
          if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          messageId: headers['message-id'] ?? '',
          headers,
          raw,
        });
        callback();
      });
    },
  });
  // A client killed mid-session resets its connection: that is the crash test working, not an error.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    /** The relay's message search: did it accept this Message-ID? */
    lookup: async (messageId: string): Promise<LookupResult> =>
      received.some((m) => m.messageId === messageId) ? 'accepted' : 'not_found',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface GatewayRequest {
  readonly to: string;
  readonly text: string;
  readonly reference: string;
  readonly idempotencyKey: string | undefined;
  readonly authorization: string | undefined;
}

const body = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const c: Buffer[] = [];
    req.on('data', (d: Buffer) => c.push(d));
    req.on('end', () => resolve(Buffer.concat(c).toString('utf8')));
  });

/** A real local HTTP SMS gateway: accepts POST /send, answers GET /status?reference=. */
export async function startGateway() {
  const accepted: GatewayRequest[] = [];
  const state = { status: 200, delayMs: 0 };
  let seq = 0;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/send') {
      const b = JSON.parse(await body(req)) as { to: string; text: string; reference: string };
      if (state.status !== 200) {
        res.writeHead(state.status).end();
        return;
      }
      accepted.push({
        ...b,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        authorization: req.headers.authorization,
      });
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `gw-${++seq}` }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/status') {
      const ref = url.searchParams.get('reference');
      const found = accepted.some((a) => a.reference === ref);
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: found ? 'accepted' : 'not_found' }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/send`,
    statusUrl: `http://127.0.0.1:${port}/status`,
    accepted,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const WARNING = 'Имеются противопоказания. Необходима консультация специалиста.';

const blk = (
  id: string,
  kind: ContentBlock['kind'],
  text: string,
  extra: Partial<ContentBlock['content']['ru']> = {},
  url?: string,
): ContentBlock => ({
  id,
  version: 1,
  kind,
  content: { ru: { text, ...extra }, en: { text, ...extra } },
  ...(url ? { url } : {}),
});

const tpl = (
  templateId: string,
  purpose: 'advertising' | 'care',
  blocks: ContentBlock[],
  variants: Variant[],
  state: 'approved' | 'draft' = 'approved',
): ResolvedTemplate => ({
  version: {
    templateId,
    version: 1,
    state,
    authorId: 'author',
    content: {
      name: templateId,
      purpose,
      kind: 'standard',
      medical: purpose === 'advertising',
      blocks: blocks.map((b) => ({ blockId: b.id, version: 1 })),
      variants,
    },
  },
  blocks,
});

const variants = (subject: string): Variant[] => [
  { channel: 'email', language: 'ru', subject, preheader: 'Клиника' },
  { channel: 'email', language: 'en', subject, preheader: 'Clinic' },
  { channel: 'sms', language: 'ru' },
  { channel: 'sms', language: 'en' },
  { channel: 'messenger', language: 'ru' },
];

/** An approved advertising template (recall offer), an approved care reminder, and a draft. */
export const TEMPLATES = {
  offer: tpl(
    'recall-offer',
    'advertising',
    [
      blk('g', 'greeting', '{{patient.salutation}}!'),
      blk('b', 'body', 'Пора на профилактический осмотр. Запишитесь со скидкой 10%.'),
      blk('w', 'legal_footer', `${WARNING} Отписаться: {{unsubscribe_url}}`),
    ],
    variants('Время позаботиться о себе'),
  ),
  reminder: tpl(
    'visit-reminder',
    'care',
    [
      blk('g', 'greeting', '{{patient.salutation}}!'),
      blk('b', 'body', 'Ждём вас {{slot.date}} в {{slot.time}}.'),
    ],
    variants('Напоминание о визите'),
  ),
  draft: tpl(
    'draft-offer',
    'advertising',
    [blk('b', 'body', `Скидка. ${WARNING} {{unsubscribe_url}}`)],
    variants('Черновик'),
    'draft',
  ),
};

/**
 * Many patients at once (COPY), each with an e-mail and a phone, optionally with the
 * consents of marketing.general by e-mail and SMS already granted.
 */
export async function bulkPatients(
  careloop: Careloop,
  tenantId: string,
  n: number,
  opts: { consent?: (i: number) => boolean; timeZone?: string; preferred?: 'email' | 'sms' } = {},
): Promise<string[]> {
  const keys = await careloop.db.tenant(tenantId, (tx) => careloop.vault.forTenant(tx, tenantId));
  const now = careloop.clock.now();
  const ids: string[] = [];
  const patients: unknown[][] = [];
  const consents: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    ids.push(id);
    const sealed = sealPatient(
      keys,
      {
        id,
        identity: {
          lastName: 'Петрова',
          firstName: 'Мария',
          middleName: 'Ивановна',
          birthDate: '1980-01-01',
        },
        contact: { email: `p${i}.${id.slice(-8)}@example.test`, phone: `+7999${String(i).padStart(7, '0')}` },
        profile: {
          sex: 'female',
          timeZone: opts.timeZone ?? 'Europe/Moscow',
          preferredChannel: opts.preferred ?? 'email',
          language: 'ru',
        },
      },
      now,
    );
    patients.push(PATIENT_COPY_COLUMNS.map((c) => sealed.patient[c] as unknown));
    if (opts.consent?.(i) ?? true) {
      for (const kind of ['pd.marketing', 'ads.receive.email', 'ads.receive.sms']) {
        consents.push([
          tenantId,
          id,
          kind,
          kind.startsWith('ads.') ? kind.slice(12) : null,
          'granted',
          now,
          newId(),
        ]);
      }
    }
  }
  await careloop.db.bulkLoad(
    async (copy) => {
      await copy('patients', PATIENT_COPY_COLUMNS, patients as never);
      await copy(
        'consent_state',
        ['tenant_id', 'patient_id', 'kind', 'channel', 'status', 'since', 'event_id'],
        consents as never,
      );
    },
    { skipTriggers: true },
  );
  return ids;
}
