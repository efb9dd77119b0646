import Type from 'typebox';
import type { OfferedSlot } from '../../../modules/campaigns/index.ts';
import type { Routes } from '../types.ts';
import { esc, page } from './html.ts';

const Token = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

const TEXT = {
  ru: {
    offerTitle: 'Свободное время для приёма',
    offerIntro: 'Выберите удобное время. Время достаётся тому, кто запишется первым.',
    book: 'Записаться',
    taken: 'Это время уже заняли. Выберите, пожалуйста, другое.',
    none: 'Все предложенные окна уже заняты. Позвоните нам, и мы подберём время.',
    booked: (s: string) => `Вы записаны: ${s}. Ждём вас!`,
    expired: 'Срок предложения истёк. Позвоните нам, и мы подберём время.',
    surveyTitle: 'Оцените визит',
    npsAsk: 'Насколько вероятно, что вы порекомендуете нас друзьям? (0 — точно нет, 10 — точно да)',
    csatAsk: 'Насколько вы довольны визитом? (1 — совсем нет, 5 — очень)',
    send: 'Отправить',
    thanks: 'Спасибо за оценку!',
    closed: 'Опрос закрыт.',
  },
  en: {
    offerTitle: 'Free appointment times',
    offerIntro: 'Pick a time that suits you. The first to book gets it.',
    book: 'Book',
    taken: 'Someone has just taken this time. Please choose another one.',
    none: 'All the times offered are taken. Call us and we will find one.',
    booked: (s: string) => `You are booked: ${s}. See you soon!`,
    expired: 'This offer has expired. Call us and we will find a time.',
    surveyTitle: 'Rate your visit',
    npsAsk: 'How likely are you to recommend us to a friend? (0 — not at all, 10 — extremely)',
    csatAsk: 'How satisfied are you with your visit? (1 — not at all, 5 — very)',
    send: 'Send',
    thanks: 'Thank you for your rating!',
    closed: 'This survey has closed.',
  },
} as const;

const when = (s: OfferedSlot, lang: 'ru' | 'en'): string => {
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  const d = s.startsAt.toLocaleString(locale, {
    timeZone: s.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${d}, ${s.branch}, ${s.doctor}`;
};

/**
 * The patient's pages behind campaign links: book an offered slot, answer a survey. No
 * sign-in, no cookies, no scripts; GET never changes anything (R38).
 */
export const campaignPages: Routes = (app, { careloop }) => {
  const html = (reply: { header: (k: string, v: string) => unknown; type: (t: string) => unknown }) => {
    reply.header('Cache-Control', 'no-store');
    reply.type('text/html; charset=utf-8');
  };

  const offerPage = async (token: string, notice?: string) => {
    const v = await careloop.campaigns.offer(token);
    const t = TEXT[v.lang];
    if (v.booked)
      return page(
        v.lang,
        t.offerTitle,
        `<h1>${t.offerTitle}</h1><p class="card done" role="status">${esc(t.booked(when(v.booked, v.lang)))}</p>`,
      );
    if (v.expired)
      return page(v.lang, t.offerTitle, `<h1>${t.offerTitle}</h1><p class="card">${t.expired}</p>`);
    const free = v.slots.filter((s) => s.free);
    const list = free
      .map(
        (s) => `<form class="card row" method="post" action="/b/${esc(token)}">
<input type="hidden" name="slotId" value="${esc(s.id)}"><span>${esc(when(s, v.lang))}</span>
<button class="primary" type="submit">${t.book}</button></form>`,
      )
      .join('\n');
    return page(
      v.lang,
      t.offerTitle,
      `<h1>${t.offerTitle}</h1>${notice ? `<p class="card" role="status">${esc(notice)}</p>` : ''}
<p>${t.offerIntro}</p>${free.length ? list : `<p class="card">${t.none}</p>`}<p class="note">${esc(v.clinic)}</p>`,
    );
  };

  app.get('/b/:token', { schema: { hide: true, params: Token } }, async (req, reply) => {
    html(reply);
    return offerPage(req.params.token);
  });

  app.post(
    '/b/:token',
    {
      schema: {
        hide: true,
        params: Token,
        body: Type.Object({ slotId: Type.String({ format: 'uuid' }) }),
      },
    },
    async (req, reply) => {
      const r = await careloop.campaigns.book(req.params.token, req.body.slotId);
      html(reply);
      if (r.status === 'taken') {
        const v = await careloop.campaigns.offer(req.params.token);
        return reply.status(409).send(await offerPage(req.params.token, TEXT[v.lang].taken));
      }
      return offerPage(req.params.token);
    },
  );

  app.get('/s/:token', { schema: { hide: true, params: Token } }, async (req, reply) => {
    const v = await careloop.campaigns.survey(req.params.token);
    const t = TEXT[v.lang];
    html(reply);
    if (v.expired)
      return page(v.lang, t.surveyTitle, `<h1>${t.surveyTitle}</h1><p class="card">${t.closed}</p>`);
    const scale = (name: string, from: number, to: number, chosen: number | null | undefined) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i)
        .map(
          (n) =>
            `<label><input type="radio" name="${name}" value="${n}"${chosen === n ? ' checked' : ''}> ${n}</label>`,
        )
        .join(' ');
    return page(
      v.lang,
      t.surveyTitle,
      `<h1>${t.surveyTitle}</h1>${v.answer ? `<p class="card done" role="status">${t.thanks}</p>` : ''}
<form class="card" method="post" action="/s/${esc(req.params.token)}">
<fieldset><legend>${t.npsAsk}</legend>${scale('nps', 0, 10, v.answer?.nps)}</fieldset>
<fieldset><legend>${t.csatAsk}</legend>${scale('csat', 1, 5, v.answer?.csat)}</fieldset>
<button class="primary" type="submit">${t.send}</button></form><p class="note">${esc(v.clinic)}</p>`,
    );
  });

  app.post(
    '/s/:token',
    {
      schema: {
        hide: true,
        params: Token,
        body: Type.Object({
          nps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
          csat: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
        }),
      },
    },
    async (req, reply) => {
      await careloop.campaigns.answer(req.params.token, {
        ...(req.body.nps !== undefined ? { nps: req.body.nps } : {}),
        ...(req.body.csat !== undefined ? { csat: req.body.csat } : {}),
      });
      return reply.header('Cache-Control', 'no-store').redirect(`/s/${req.params.token}`, 303);
    },
  );
};
