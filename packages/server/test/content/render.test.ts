import type { DataClass } from '@careloop/contracts';
import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  purposeClassOf,
  type RenderRequest,
  render,
  resolveTemplate,
  TOKENS,
} from '../../src/modules/content/index.ts';
import { block, email, messenger, sms, template, VALUES, WARNING_RU } from './fixtures/templates.ts';

const ALL: ReadonlySet<DataClass> = new Set([
  'identity',
  'contact',
  'demographic',
  'preference',
  'visit_timing',
  'visit_clinical',
  'clinical',
  'engagement',
  'financial',
]);
const GENERAL: ReadonlySet<DataClass> = new Set(['identity', 'demographic', 'preference', 'visit_timing']);

const reminder = template(
  [
    block('greeting', '{{patient.salutation}}!', 'Dear {{patient.first_name}},'),
    block(
      'body',
      {
        text: 'Ждём вас {{slot.date}} в {{slot.time}} в клинике {{clinic.name}}.',
        sms: 'Ждём вас {{slot.date}} в {{slot.time}}.',
      },
      'We expect you on {{slot.date}} at {{slot.time}} at {{clinic.name}}.',
    ),
    block('call_to_action', 'Перенести запись', 'Reschedule', '{{booking_url}}'),
    block(
      'legal_footer',
      { text: 'Настройки рассылок: {{preferences_url}}', sms: null },
      'Preferences: {{preferences_url}}',
    ),
  ],
  {
    purpose: 'care',
    medical: false,
    variants: [
      sms(),
      sms('en'),
      email('Напоминание о визите'),
      email('Your visit', 'Clinic', 'en'),
      messenger(),
    ],
  },
);

const req = (over: Partial<RenderRequest> = {}): RenderRequest => ({
  template: reminder,
  channel: 'sms',
  language: 'ru',
  purpose: 'care.appointment',
  allowedClasses: GENERAL,
  values: VALUES,
  ...over,
});

describe('tokens', () => {
  it('every token is declared once with its data classes', () => {
    expect(TOKENS['patient.first_name'].classes).toEqual(['identity']);
    expect(TOKENS['patient.salutation'].classes).toEqual(['identity', 'demographic']);
    expect(TOKENS['slot.specialty'].classes).toEqual(['visit_clinical']);
    expect(TOKENS['slot.time'].classes).toEqual(['visit_timing']);
    expect(TOKENS['clinic.name'].classes).toEqual([]);
    expect(TOKENS.unsubscribe_url.classes).toEqual([]);
  });

  it('parses tokens with filters and reports malformed braces', () => {
    const p = parseTemplate('Привет, {{ patient.name | dative }}! {{oops');
    expect(p.segments).toContainEqual({
      kind: 'token',
      name: 'patient.name',
      filter: 'dative',
      raw: '{{ patient.name | dative }}',
    });
    expect(p.problems.map((x) => x.code)).toEqual(['TOKEN_SYNTAX']);
    expect(parseTemplate('a }} b').problems.map((x) => x.code)).toEqual(['TOKEN_SYNTAX']);
  });
});

describe('DESIGN §2: tokens limited to the purpose’s data classes', () => {
  it('refuses a token whose class the purpose does not allow, with a typed error and no output', () => {
    const t = template([block('body', 'Ваш врач {{slot.doctor}} ждёт вас {{slot.date}}.')], {
      purpose: 'care',
      medical: false,
    });
    const r = render(req({ template: t, allowedClasses: new Set(['visit_timing']) }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual({
      code: 'TOKEN_CLASS_NOT_ALLOWED',
      token: 'slot.doctor',
      dataClass: 'visit_clinical',
      field: expect.stringMatching(/^sms\.ru\.block:/),
    });
    expect(r).not.toHaveProperty('message');
  });

  it('the same template renders when the purpose allows the class', () => {
    const t = template([block('body', 'Ваш врач {{slot.doctor}} ждёт вас {{slot.date}}.')], {
      purpose: 'care',
      medical: false,
    });
    const r = render(req({ template: t, allowedClasses: ALL, purpose: 'care.followup' }));
    expect(r.ok && r.message.channel === 'sms' && r.message.sms.text).toBe(
      'Ваш врач Смирнов А. В. ждёт вас 12.03.2027.',
    );
  });

  it('a salutation needs both identity and demographic', () => {
    const r = render(req({ allowedClasses: new Set(['identity', 'visit_timing']) }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContainEqual(
        expect.objectContaining({
          code: 'TOKEN_CLASS_NOT_ALLOWED',
          token: 'patient.salutation',
          dataClass: 'demographic',
        }),
      );
    }
  });

  it('unknown tokens, bad filters and missing values are errors, not empty text', () => {
    const t = template(
      [block('body', '{{patient.diagnosis}} {{patient.first_name|vocative}} {{slot.branch}}')],
      { purpose: 'care', medical: false },
    );
    const r = render(req({ template: t }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.code).sort()).toEqual(['TOKEN_FILTER_INVALID', 'TOKEN_UNKNOWN']);
    }
    const t2 = template([block('body', 'Филиал: {{slot.branch}}')], { purpose: 'care', medical: false });
    const r2 = render(req({ template: t2, values: { ...VALUES, slot: {} } }));
    expect(!r2.ok && r2.errors).toEqual([
      { code: 'VALUE_MISSING', token: 'slot.branch', field: expect.any(String) },
    ]);
  });
});

describe('rendering', () => {
  it('SMS: blocks in order, per-channel overrides, encoding and parts', () => {
    const r = render(req());
    expect(r.ok).toBe(true);
    if (!r.ok || r.message.channel !== 'sms') return;
    expect(r.message.sms.text).toBe(
      'Уважаемая Анна Петровна! Ждём вас 12.03.2027 в 10:30. Перенести запись: https://clinic.example/b/abc',
    );
    expect(r.message.sms.encoding).toBe('ucs2');
    expect(r.message.sms.parts).toBe(2);
  });

  it('English SMS stays GSM-7', () => {
    const r = render(req({ language: 'en' }));
    expect(r.ok && r.message.channel === 'sms' && r.message.sms).toMatchObject({
      text: 'Dear Анна, We expect you on 12.03.2027 at 10:30 at Клиника «Здоровье». Reschedule: https://clinic.example/b/abc Preferences: https://clinic.example/p/abc',
      encoding: 'ucs2',
    });
    const latin = render(
      req({
        language: 'en',
        values: { ...VALUES, patient: { firstName: 'Anna' }, clinic: { name: 'Health Clinic' } },
      }),
    );
    expect(latin.ok && latin.message.channel === 'sms' && latin.message.sms.encoding).toBe('gsm7');
  });

  it('declines names where the sentence needs it', () => {
    const t = template([block('body', 'Подарок {{patient.name|dative}} от {{clinic.name}}!')], {
      purpose: 'care',
      medical: false,
    });
    const r = render(req({ template: t }));
    expect(r.ok && r.message.channel === 'sms' && r.message.sms.text).toBe(
      'Подарок Анне Петровне от Клиника «Здоровье»!',
    );
  });

  it('e-mail: accessible HTML layout and a consistent plain-text alternative', () => {
    const r = render(req({ channel: 'email' }));
    expect(r.ok).toBe(true);
    if (!r.ok || r.message.channel !== 'email') return;
    const { subject, preheader, html, text } = r.message.email;
    expect(subject).toBe('Напоминание о визите');
    expect(preheader).toBe('Клиника «Здоровье»');
    expect(html).toContain('<html lang="ru"');
    expect(html).toContain('<title>Напоминание о визите</title>');
    expect(html).toMatch(/<div style="display:none[^"]*" aria-hidden="true">Клиника «Здоровье»/);
    expect(html).toContain('role="presentation"');
    expect(html).toContain('href="https://clinic.example/b/abc"');
    expect(html).toContain('>Перенести запись</a>');
    // the full body text, not the SMS override
    expect(html).toContain('в клинике Клиника «Здоровье».');
    expect(text).toBe(
      [
        'Уважаемая Анна Петровна!',
        'Ждём вас 12.03.2027 в 10:30 в клинике Клиника «Здоровье».',
        'Перенести запись: https://clinic.example/b/abc',
        'Настройки рассылок: https://clinic.example/p/abc',
      ].join('\n\n'),
    );
    // the same order in HTML
    const order = ['Уважаемая', 'Ждём вас', 'Перенести запись', 'Настройки рассылок'].map((s) =>
      html.indexOf(s),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('values are HTML-escaped in HTML and never in SMS or plain text', () => {
    const values = { ...VALUES, clinic: { name: 'A & B <script>alert(1)</script>' } };
    const mail = render(req({ channel: 'email', values }));
    expect(mail.ok).toBe(true);
    if (!mail.ok || mail.message.channel !== 'email') return;
    expect(mail.message.email.html).toContain('A &amp; B &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.message.email.html).not.toContain('<script>');
    expect(mail.message.email.text).toContain('A & B <script>alert(1)</script>');
    const t = template([block('body', 'Клиника {{clinic.name}}')], { purpose: 'care', medical: false });
    const text = render(req({ template: t, values }));
    expect(text.ok && text.message.channel === 'sms' && text.message.sms.text).toBe(
      'Клиника A & B <script>alert(1)</script>',
    );
  });

  it('author text is escaped too: no markup can be injected through a block', () => {
    const t = template([block('body', 'Акция <b>сегодня</b> & "завтра"')], {
      purpose: 'care',
      medical: false,
      variants: [email('Тема <i>')],
    });
    const r = render(req({ template: t, channel: 'email' }));
    expect(r.ok && r.message.channel === 'email' && r.message.email.html).toContain(
      'Акция &lt;b&gt;сегодня&lt;/b&gt; &amp; &quot;завтра&quot;',
    );
  });

  it('a link must be https, mailto or tel', () => {
    const values = { ...VALUES, links: { ...VALUES.links, booking: 'javascript:alert(1)' } };
    const r = render(req({ channel: 'email', values }));
    expect(!r.ok && r.errors.map((e) => e.code)).toEqual(['UNSAFE_URL']);
  });

  it('messenger: paragraphs separated by blank lines', () => {
    const r = render(req({ channel: 'messenger' }));
    expect(r.ok && r.message.channel === 'messenger' && r.message.messenger.text.split('\n\n')).toHaveLength(
      4,
    );
  });

  it('a missing variant or language is an error', () => {
    const r = render(req({ channel: 'messenger', language: 'en' }));
    expect(!r.ok && r.errors).toEqual([{ code: 'VARIANT_MISSING', channel: 'messenger', language: 'en' }]);
  });
});

describe('sending', () => {
  it('only approved content is sendable; drafts render only as previews', () => {
    const draft = { ...reminder, version: { ...reminder.version, state: 'draft' as const } };
    const r = render(req({ template: draft }));
    expect(!r.ok && r.errors).toEqual([{ code: 'NOT_SENDABLE', state: 'draft' }]);
    expect(render(req({ template: draft, mode: 'preview' })).ok).toBe(true);
  });

  it('R13: a template is sent only under a purpose of its class', () => {
    const r = render(req({ purpose: 'marketing.general' }));
    expect(!r.ok && r.errors).toEqual([
      { code: 'PURPOSE_MISMATCH', purpose: 'marketing.general', templatePurpose: 'care' },
    ]);
    const r2 = render(req({ purpose: 'analytics.aggregate' }));
    expect(!r2.ok && r2.errors.map((e) => e.code)).toEqual(['PURPOSE_NOT_MESSAGING']);
  });

  it('R16: a sensitive value reaching the lock screen blocks the send', () => {
    const values = { ...VALUES, clinic: { name: 'Онкологический центр' } };
    const t = template([block('body', '{{clinic.name}} ждёт вас {{slot.date}}.')], {
      purpose: 'care',
      medical: false,
    });
    const r = render(req({ template: t, values }));
    expect(!r.ok && r.errors).toEqual([
      { code: 'SENSITIVE_CONTENT', category: 'term', field: 'sms.ru.text' },
    ]);
    // the e-mail body is behind the inbox, not on the lock screen
    const mail = render(
      req({
        template: template(t.blocks, { purpose: 'care', medical: false, variants: [email('Визит')] }),
        channel: 'email',
        values,
      }),
    );
    expect(mail.ok).toBe(true);
  });

  it('R14: in e-mail the warning keeps the body font size; other small print is smaller', () => {
    const t = template(
      [
        block('body', 'Скидка 10 %.'),
        block('legal_footer', `${WARNING_RU}\n\nОтписаться: {{unsubscribe_url}}`),
      ],
      { variants: [email('Скидка')] },
    );
    const r = render(req({ template: t, channel: 'email', purpose: 'marketing.general' }));
    if (!r.ok || r.message.channel !== 'email') throw new Error('render failed');
    expect(r.message.email.html).toContain(`font-size:16px;color:#1a1a1a;">${WARNING_RU}</p>`);
    expect(r.message.email.html).toMatch(
      /font-size:13px;color:#4a4a4a;">Отписаться: <a href="https:\/\/clinic\.example\/u\/abc"/,
    );
  });

  it('R14 fixture: a warning block renders in every channel', () => {
    const t = template([block('body', 'Скидка 10 %.'), block('legal_footer', WARNING_RU)]);
    const r = render(req({ template: t, purpose: 'marketing.general' }));
    expect(r.ok && r.message.channel === 'sms' && r.message.sms.text).toBe(`Скидка 10 %. ${WARNING_RU}`);
  });
});

describe('template assembly', () => {
  it('resolves block references to the exact versions they pin', () => {
    const lookup = (ref: { blockId: string; version: number }) =>
      reminder.blocks.find((b) => b.id === ref.blockId);
    const r = resolveTemplate(reminder.version, lookup);
    expect(r.ok && r.template.blocks.map((b) => b.kind)).toEqual([
      'greeting',
      'body',
      'call_to_action',
      'legal_footer',
    ]);
    const first = reminder.version.content.blocks[0];
    if (!first) throw new Error('fixture');
    const pinned = {
      ...reminder.version,
      content: {
        ...reminder.version.content,
        blocks: [
          { ...first, version: 2 },
          { blockId: 'gone', version: 1 },
        ],
      },
    };
    expect(resolveTemplate(pinned, lookup)).toEqual({
      ok: false,
      missing: [
        { blockId: first.blockId, version: 2 },
        { blockId: 'gone', version: 1 },
      ],
    });
  });

  it('R13: each messaging purpose maps to one template class, others to none', () => {
    expect(purposeClassOf('care.appointment')).toBe('care');
    expect(purposeClassOf('service.feedback')).toBe('service');
    expect(purposeClassOf('marketing.health')).toBe('advertising');
    expect(purposeClassOf('audience.export')).toBeNull();
  });
});
