import Type from 'typebox';
import { CHANNEL_TEXT, PAGE_TEXT } from '../../../modules/preferences/index.ts';
import type { Routes } from '../types.ts';
import { esc, page } from './html.ts';

const Token = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
const NO_STORE = 'no-store';

/**
 * The patient-facing pages behind opaque links: no sign-in, no cookies, no scripts.
 * GET never changes anything; every change is a POST of one button (R4, R8, R18).
 */
export const preferencePages: Routes = (app, { careloop }) => {
  const html = (reply: { header: (k: string, v: string) => unknown; type: (t: string) => unknown }) => {
    reply.header('Cache-Control', NO_STORE);
    reply.type('text/html; charset=utf-8');
  };

  app.get(
    '/p/:token',
    {
      schema: { hide: true, params: Token, querystring: Type.Object({ done: Type.Optional(Type.String()) }) },
    },
    async (req, reply) => {
      const v = await careloop.preferences.view(req.params.token);
      const t = PAGE_TEXT[v.lang];
      const date = (d: Date) => d.toLocaleDateString(v.lang === 'ru' ? 'ru-RU' : 'en-GB');
      const items = v.items
        .map((i) => {
          const state = i.granted
            ? `<span class="on">${t.granted}</span>${i.since ? ` ${t.since} ${date(i.since)}` : ''}`
            : `<span class="off">${t.notGranted}</span>`;
          const action = i.granted
            ? `<button name="action" value="withdraw">${t.withdraw}</button>`
            : i.grantable
              ? `<button name="action" value="grant">${t.grant}</button>`
              : i.writtenOnly
                ? `<span class="note">${t.written}</span>`
                : '';
          return `<form class="card" method="post" action="/p/${esc(req.params.token)}/consents">
<input type="hidden" name="kind" value="${esc(i.kind)}">
<p>${esc(i.text)}</p><div class="row"><span class="state">${state}</span>${action}</div></form>`;
        })
        .join('\n');
      html(reply);
      return page(
        v.lang,
        `${t.title} — ${v.clinic}`,
        `<h1>${esc(t.title)}</h1>
${req.query.done ? `<p class="card done" role="status">${t.done}</p>` : ''}
<p>${esc(t.hello(v.firstName))} ${esc(t.intro)}</p>
<p class="note">${esc(v.clinic)}</p>
${items}
<p class="note">${t.care}</p>`,
      );
    },
  );

  app.post(
    '/p/:token/consents',
    {
      schema: {
        hide: true,
        params: Token,
        body: Type.Object({ kind: Type.String({ maxLength: 80 }), action: Type.Enum(['grant', 'withdraw']) }),
      },
    },
    async (req, reply) => {
      await careloop.preferences.change(req.params.token, req.body.kind, req.body.action, {
        ip: req.ip,
        userAgent: String(req.headers['user-agent'] ?? ''),
      });
      return reply.header('Cache-Control', NO_STORE).redirect(`/p/${req.params.token}?done=1`, 303);
    },
  );

  app.get('/u/:token', { schema: { hide: true, params: Token } }, async (req, reply) => {
    const { channel, lang } = await careloop.preferences.unsubscribeTarget(req.params.token);
    const t = PAGE_TEXT[lang];
    html(reply);
    return page(
      lang,
      t.unsubscribeTitle,
      `<h1>${t.unsubscribeTitle}</h1>
<form class="card" method="post" action="/u/${esc(req.params.token)}">
<p>${esc(t.unsubscribeAsk(CHANNEL_TEXT[lang][channel]))}</p>
<button class="primary" type="submit">${t.unsubscribeButton}</button></form>`,
    );
  });

  // RFC 8058: a mail client posts "List-Unsubscribe=One-Click"; a person posts the form. Both unsubscribe, idempotently.
  app.post(
    '/u/:token',
    { schema: { hide: true, params: Token, body: Type.Optional(Type.Record(Type.String(), Type.String())) } },
    async (req, reply) => {
      const { channel } = await careloop.preferences.unsubscribe(req.params.token);
      if (req.body?.['List-Unsubscribe'] === 'One-Click') {
        return reply.header('Cache-Control', NO_STORE).type('text/plain; charset=utf-8').send('unsubscribed');
      }
      const { lang } = await careloop.preferences.unsubscribeTarget(req.params.token);
      const t = PAGE_TEXT[lang];
      html(reply);
      return page(
        lang,
        t.unsubscribeTitle,
        `<h1>${t.unsubscribeTitle}</h1><p class="card done" role="status">${esc(t.unsubscribed)} (${esc(CHANNEL_TEXT[lang][channel])})</p>`,
      );
    },
  );
};
