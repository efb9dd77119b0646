import { describe, expect, it } from 'vitest';
import {
  type Finding,
  type LintOptions,
  lintTemplate,
  type ResolvedTemplate,
  sensitiveMatcher,
  warningShare,
} from '../../src/modules/content/index.ts';
import { block, email, messenger, sms, template, WARNING_RU } from './fixtures/templates.ts';

const RU: LintOptions = { jurisdictions: ['RU'] };
const rules = (t: ResolvedTemplate, o: LintOptions = RU): readonly Finding[] => lintTemplate(t, o).findings;
const errorsOf = (t: ResolvedTemplate, rule: Finding['rule'], o: LintOptions = RU): readonly Finding[] =>
  rules(t, o).filter((f) => f.rule === rule && f.severity === 'error');

const unsubscribe = block('legal_footer', `${WARNING_RU} Отписаться: {{unsubscribe_url}}`);
const ad = (body: string, variants = [sms()], extra: readonly ReturnType<typeof block>[] = []) =>
  template([block('body', body), ...extra, unsubscribe], { variants });

describe('a compliant advertisement', () => {
  it('passes every rule in RU, EU and US profiles together', () => {
    const t = template(
      [
        block('greeting', '{{patient.salutation}}!', 'Dear {{patient.first_name}},'),
        block(
          'offer',
          'Скидка 15 % на профессиональную гигиену до 31 марта.',
          '15 % off a dental cleaning until March 31.',
        ),
        block('call_to_action', 'Записаться', 'Book now', '{{booking_url}}'),
        block(
          'legal_footer',
          `${WARNING_RU} Реклама. {{clinic.name}}, {{clinic.postal_address}}. Отписаться: {{unsubscribe_url}}`,
          `${WARNING_RU} This is an advertisement. {{clinic.name}}, {{clinic.postal_address}}. Unsubscribe: {{unsubscribe_url}}`,
        ),
      ],
      {
        variants: [
          sms(),
          email('Скидка на гигиену'),
          email('Cleaning offer', 'Spring offer', 'en'),
          messenger(),
        ],
      },
    );
    expect(rules(t, { jurisdictions: ['RU', 'EU', 'US'] })).toEqual([]);
  });
});

describe('R14 medical-advertising warning', () => {
  it('R14: an advertisement without the warning is an error in every variant', () => {
    const t = template([block('body', 'Скидка 10 % на УЗИ сердца.')], { variants: [sms(), messenger()] });
    const f = errorsOf(t, 'R14');
    expect(f.map((x) => x.field)).toEqual(['sms.ru.text', 'messenger.ru.text']);
    expect(f[0]?.message_ru).toContain('Имеются противопоказания');
  });

  it('R14: accepts reasonable variants of the wording', () => {
    for (const w of [
      'Имеются противопоказания, необходима консультация специалиста',
      'ИМЕЮТСЯ ПРОТИВОПОКАЗАНИЯ. НЕОБХОДИМА КОНСУЛЬТАЦИЯ СПЕЦИАЛИСТА.',
      'имеются  противопоказания.\nнеобходима   консультация специалиста',
      'Имеются противопоказания — необходимо проконсультироваться со специалистом.',
      'Имеются противопоказания. Необходима консультация врача.',
    ]) {
      expect(warningShare(`Скидка 10 %. ${w}`, false), w).toBeGreaterThan(0.05);
      const t = template([block('body', 'Скидка 10 %.'), block('legal_footer', w)]);
      expect(errorsOf(t, 'R14'), w).toEqual([]);
    }
    // ё spelled out: «необходима консультация» is the only form, but «Имеются» may come as «Имеются»
    expect(warningShare('Имеются противопоказания. Необходима консультация специалиста', false)).toBe(1);
  });

  it('R14: rejects a warning cut short or reworded away', () => {
    for (const w of ['Имеются противопоказания.', 'Проконсультируйтесь с врачом.', 'Есть ограничения.']) {
      const t = template([block('body', 'Скидка 10 %.'), block('legal_footer', w)]);
      expect(errorsOf(t, 'R14').length, w).toBe(1);
    }
  });

  it('R14: the warning must occupy at least 5 % of the rendered characters', () => {
    const long = 'Клиника «Здоровье» приглашает на обследование. '.repeat(30);
    const t = template([block('body', long), block('legal_footer', WARNING_RU)], { variants: [messenger()] });
    const f = errorsOf(t, 'R14');
    expect(f).toHaveLength(1);
    expect(f[0]?.message_en).toMatch(/takes \d\.\d % of the text/);
    const share = warningShare(`${long}\n\n${WARNING_RU}`, false) ?? 0;
    expect(share).toBeLessThan(0.05);
  });

  it('R14: boundary — just above and just below 5 %', () => {
    const w = WARNING_RU.length; // 63 characters
    const okBody = 'а'.repeat(Math.floor(w / 0.05) - w - 2); // joined with one space
    const tooLong = 'а'.repeat(Math.floor(w / 0.05) - w + 5);
    expect(errorsOf(template([block('body', okBody), block('legal_footer', WARNING_RU)]), 'R14')).toEqual([]);
    expect(
      errorsOf(template([block('body', tooLong), block('legal_footer', WARNING_RU)]), 'R14'),
    ).toHaveLength(1);
  });

  it('R14: each variant is measured on its own; an SMS that drops the footer fails', () => {
    const t = template(
      [block('body', 'Скидка 10 %.'), block('legal_footer', { text: WARNING_RU, sms: null })],
      { variants: [sms(), messenger()] },
    );
    expect(errorsOf(t, 'R14').map((f) => f.field)).toEqual(['sms.ru.text']);
  });

  it('R14: English variants may carry the warning in English', () => {
    const t = template(
      [
        block('body', { text: 'x' }, '10 % off.'),
        block('legal_footer', WARNING_RU, 'Contraindications apply. Consult a specialist.'),
      ],
      {
        variants: [sms('en')],
      },
    );
    expect(errorsOf(t, 'R14')).toEqual([]);
  });

  it('R14: applies only to RU medical advertising', () => {
    const noWarning = (o: Parameters<typeof template>[1]) =>
      template([block('body', 'Запишитесь на приём.')], o);
    expect(errorsOf(noWarning({}), 'R14')).toHaveLength(1);
    expect(errorsOf(noWarning({ medical: false }), 'R14')).toEqual([]);
    expect(errorsOf(noWarning({}), 'R14', { jurisdictions: ['US'] })).toEqual([]);
    expect(errorsOf(noWarning({ purpose: 'care' }), 'R14')).toEqual([]);
  });
});

describe('R15 forbidden claims in the linter', () => {
  it('R15: implying a disease is an error, with the sentence quoted', () => {
    const f = errorsOf(ad('У вас повышенное давление? Запишитесь к кардиологу.'), 'R15');
    expect(f).toHaveLength(1);
    expect(f[0]?.message_ru).toContain('«У вас повышенное давление?»');
  });

  it('R15: checks e-mail subjects too', () => {
    const t = ad('Скидка 10 % на приём.', [email('Беспокоят боли в спине?')]);
    expect(errorsOf(t, 'R15').map((f) => f.field)).toEqual(['email.ru.subject']);
  });

  it('R15: near misses pass', () => {
    expect(errorsOf(ad('У вас есть возможность записаться со скидкой 10 %.'), 'R15')).toEqual([]);
    expect(errorsOf(ad('Ваш врач ждёт вас: скидка 10 % на приём.'), 'R15')).toEqual([]);
  });

  it('R15: RU and EU medical advertising only', () => {
    const t = ad('У вас повышенное давление?');
    expect(errorsOf(t, 'R15', { jurisdictions: ['EU'] })).toHaveLength(1);
    expect(errorsOf(t, 'R15', { jurisdictions: ['US'] })).toEqual([]);
    const care = template([block('body', 'У вас повышенное давление: принимайте препарат по схеме.')], {
      purpose: 'care',
    });
    expect(errorsOf(care, 'R15')).toEqual([]);
  });
});

describe('R16 lock-screen text', () => {
  it('R16: a sensitive term in an SMS is an error, in any purpose', () => {
    const t = template([block('body', 'Напоминаем о приёме у онколога {{slot.date}}.')], { purpose: 'care' });
    const f = errorsOf(t, 'R16');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ field: 'sms.ru.text', severity: 'error' });
    expect(f[0]?.message_en).toContain('"онколога"');
  });

  it('R16: e-mail subject and preheader are checked, the body is not', () => {
    const body = block('body', 'Приглашаем на маммографию {{slot.date}}.');
    const inBody = template([body], { purpose: 'care', variants: [email('Приглашение на обследование')] });
    expect(errorsOf(inBody, 'R16')).toEqual([]);
    const inSubject = template([body], { purpose: 'care', variants: [email('Маммография 12.03', 'Запись')] });
    expect(errorsOf(inSubject, 'R16').map((f) => f.field)).toEqual(['email.ru.subject']);
    const inPreheader = template([body], {
      purpose: 'care',
      variants: [email('Приглашение', 'Ваш визит к маммологу')],
    });
    expect(errorsOf(inPreheader, 'R16').map((f) => f.field)).toEqual(['email.ru.preheader']);
  });

  it('R16: a token that reveals the specialty cannot appear on the lock screen', () => {
    const t = template([block('body', 'Вас ждёт {{slot.specialty}} {{slot.date}}.')], {
      purpose: 'care',
      variants: [sms(), email('Визит к {{slot.doctor}}')],
    });
    expect(errorsOf(t, 'R16').map((f) => f.field)).toEqual([
      expect.stringMatching(/^sms\.ru\.block:body-\d+$/),
      'email.ru.subject',
    ]);
  });

  it('R16: the tenant’s own sensitive services are honoured', () => {
    const t = template([block('body', 'Запись на флебологию {{slot.date}}.')], { purpose: 'care' });
    expect(errorsOf(t, 'R16')).toEqual([]);
    expect(
      errorsOf(t, 'R16', { jurisdictions: ['RU'], sensitive: sensitiveMatcher(['Флебология']) }),
    ).toHaveLength(1);
  });

  it('R16: a results notice is a warning, results themselves an error', () => {
    const notice = template([block('body', 'Результаты анализов готовы: {{preferences_url}}')], {
      purpose: 'care',
    });
    const f = rules(notice).filter((x) => x.rule === 'R16');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    const result = template([block('body', 'Тест на COVID отрицательный.')], { purpose: 'care' });
    expect(errorsOf(result, 'R16')).toHaveLength(1);
  });
});

describe('R18 one-click unsubscribe', () => {
  it('R18: an advertising e-mail without {{unsubscribe_url}} is an error', () => {
    const t = template([block('body', 'Скидка 10 %.'), block('legal_footer', WARNING_RU)], {
      variants: [email('Скидка')],
    });
    expect(errorsOf(t, 'R18').map((f) => f.field)).toEqual(['email.ru.body']);
  });

  it('R18: the link in the body satisfies it; in the subject it does not', () => {
    expect(errorsOf(ad('Скидка 10 %.', [email('Скидка')]), 'R18')).toEqual([]);
    const t = template([block('body', 'Скидка 10 %.'), block('legal_footer', WARNING_RU)], {
      variants: [email('Скидка {{unsubscribe_url}}')],
    });
    expect(errorsOf(t, 'R18')).toHaveLength(1);
  });

  it('R18: each advertising e-mail variant needs it; other purposes and channels do not', () => {
    const t = template(
      [
        block('body', 'Скидка 10 %.', '10 % off.'),
        block('legal_footer', { text: WARNING_RU, email: null }, WARNING_RU),
      ],
      { variants: [email('Скидка'), email('Offer', 'Offer', 'en'), sms()] },
    );
    expect(errorsOf(t, 'R18').map((f) => f.field)).toEqual(['email.ru.body', 'email.en.body']);
    const care = template([block('body', 'Ждём вас {{slot.date}}.')], {
      purpose: 'care',
      variants: [email('Визит')],
    });
    expect(errorsOf(care, 'R18')).toEqual([]);
  });
});

describe('R21 CAN-SPAM (US)', () => {
  const us: LintOptions = { jurisdictions: ['US'] };
  it('R21: a US commercial e-mail needs a postal address and an ad disclosure', () => {
    const t = template(
      [
        block('body', 'x', '20 % off a dental cleaning.'),
        block('legal_footer', 'x', 'Unsubscribe: {{unsubscribe_url}}'),
      ],
      { variants: [email('Offer', 'Spring', 'en')] },
    );
    expect(errorsOf(t, 'STRUCTURE', us)).toEqual([]);
    expect(errorsOf(t, 'R21', us).map((f) => f.message_en)).toEqual([
      expect.stringContaining('postal address'),
      expect.stringContaining('advertisement'),
    ]);
  });

  it('R21: the address token or a literal address, plus a disclosure, satisfy it', () => {
    const withToken = template(
      [
        block('body', 'x', '20 % off a dental cleaning.'),
        block(
          'legal_footer',
          'x',
          'Advertisement. {{clinic.postal_address}}. Unsubscribe: {{unsubscribe_url}}',
        ),
      ],
      { variants: [email('Offer', 'Spring', 'en')] },
    );
    expect(errorsOf(withToken, 'R21', us)).toEqual([]);
    const literal = template(
      [
        block('body', 'x', '20 % off.'),
        block(
          'legal_footer',
          'x',
          'This is an advertisement. 1 Main St, Springfield, IL 62701. {{unsubscribe_url}}',
        ),
      ],
      { variants: [email('Offer', 'Spring', 'en')] },
    );
    expect(errorsOf(literal, 'R21', us)).toEqual([]);
  });

  it('R21: US rules only for US tenants and advertising', () => {
    const t = ad('Скидка 10 %.', [email('Скидка')]);
    expect(errorsOf(t, 'R21')).toEqual([]);
    const care = template([block('body', 'See you on {{slot.date}}.')], {
      purpose: 'care',
      variants: [email('Visit')],
    });
    expect(errorsOf(care, 'R21', us)).toEqual([]);
  });
});

describe('R13 purpose classification', () => {
  const survey = (blocks: Parameters<typeof template>[0], kind: 'feedback' | 'loyalty' = 'feedback') =>
    template(blocks, { purpose: 'service', kind, medical: true, variants: [email('Оцените визит')] });
  const ask = block('body', 'Оцените визит по шкале от 0 до 10: {{survey_url}}');

  it('R13: a feedback template without an offer stays a service message', () => {
    const r = lintTemplate(survey([ask]), RU);
    expect(r.purpose).toBe('service');
    expect(r.findings).toEqual([]);
  });

  it('R13: an offer block forces advertising, and advertising rules then apply', () => {
    const r = lintTemplate(survey([ask, block('offer', 'Следующий визит дешевле.')]), RU);
    expect(r.purpose).toBe('advertising');
    const r13 = r.findings.filter((f) => f.rule === 'R13');
    expect(r13).toHaveLength(1);
    expect(r13[0]?.message_en).toContain('must be classified as advertising');
    expect(r.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['R14', 'R18']));
  });

  it('R13: promotional wording forces advertising too', () => {
    for (const promo of [
      'Скидка 10 % на следующий визит.',
      'Получите подарок за ответ.',
      'Use promo code SPRING.',
    ]) {
      const r = lintTemplate(survey([ask, block('body', promo)]), RU);
      expect(r.purpose, promo).toBe('advertising');
    }
  });

  it('R13: a loyalty balance is not an offer', () => {
    const r = lintTemplate(
      survey([block('body', 'На вашем счёте {{loyalty.points}} бонусов.')], 'loyalty'),
      RU,
    );
    expect(r.purpose).toBe('service');
  });

  it('R13: a purpose outside the three classes is an error', () => {
    const t = template([block('body', 'Текст')]);
    const broken = {
      ...t,
      version: { ...t.version, content: { ...t.version.content, purpose: 'marketing' as 'care' } },
    };
    expect(errorsOf(broken, 'R13')).toHaveLength(1);
  });
});

describe('structure', () => {
  it('unknown tokens and missing language text block approval', () => {
    const t = template([block('body', 'Привет, {{patient.nickname}}!')], { variants: [sms(), sms('en')] });
    const f = errorsOf(t, 'STRUCTURE');
    expect(f.map((x) => x.message_en)).toEqual([
      'Unknown token (patient.nickname)',
      expect.stringContaining('no en text'),
    ]);
  });

  it('tokens outside the send purpose’s classes are reported when the classes are given', () => {
    const t = template(
      [block('body', 'Ваш врач {{slot.doctor}}. {{WARNING}}'.replace(' {{WARNING}}', ` ${WARNING_RU}`))],
      {
        variants: [messenger()],
      },
    );
    const f = errorsOf(t, 'STRUCTURE', {
      jurisdictions: ['RU'],
      allowedClasses: new Set(['identity', 'visit_timing']),
    });
    expect(f.map((x) => x.message_en)).toEqual([
      'The purpose does not allow visit_clinical data (slot.doctor)',
    ]);
  });

  it('duplicate variants are reported', () => {
    const t = template([block('body', `Текст. ${WARNING_RU}`)], {
      purpose: 'care',
      variants: [sms(), sms()],
    });
    expect(errorsOf(t, 'STRUCTURE').map((f) => f.field)).toEqual(['sms.ru']);
  });
});
