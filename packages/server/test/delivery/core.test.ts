import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  composeMail,
  currentPressure,
  DEFAULT_POLICY,
  decideChannel,
  idempotencyKey,
  isStopKeyword,
  type PatientFacts,
  policyFrom,
  quietUntil,
  spend,
  weekStartOf,
} from '../../src/modules/delivery/index.ts';

const patient = (over: Partial<PatientFacts> = {}): PatientFacts => ({
  status: 'active',
  timeZone: 'Europe/Moscow',
  preferredChannel: 'sms',
  hasEmail: true,
  hasPhone: true,
  hasMessenger: false,
  consents: [
    { kind: 'pd.marketing', status: 'granted', expiresAt: null, eventId: 'e1' },
    { kind: 'ads.receive.email', status: 'granted', expiresAt: null, eventId: 'e2' },
  ],
  suppressions: [],
  ...over,
});
const at = new Date('2026-11-23T09:00:00Z');
const all = () => null;

describe('delivery core', () => {
  it('R51: the idempotency key depends on every part of the message identity and nothing else', () => {
    const base = {
      campaignId: 'c',
      patientId: 'p',
      channel: 'email' as const,
      occurrenceKey: 'birthday:2026',
    };
    const k = idempotencyKey('t', base).toString('hex');
    expect(idempotencyKey('t', { ...base }).toString('hex')).toBe(k);
    for (const other of [
      idempotencyKey('t2', base),
      idempotencyKey('t', { ...base, campaignId: null }),
      idempotencyKey('t', { ...base, patientId: 'q' }),
      idempotencyKey('t', { ...base, channel: 'sms' }),
      idempotencyKey('t', { ...base, occurrenceKey: 'birthday:2027' }),
    ])
      expect(other.toString('hex')).not.toBe(k);
  });

  it('channel choice: the preferred channel needs consent, an address and no suppression; else the next one', () => {
    expect(
      decideChannel(
        patient(),
        { purpose: 'marketing.general', channelRequested: 'preferred', expiresAt: null },
        at,
        all,
      ),
    ).toEqual({
      kind: 'send',
      channel: 'email',
      consentEvents: ['e1', 'e2'],
    });
    const suppressed = patient({ suppressions: [{ channel: 'email', reason: 'hard_bounce', scope: 'all' }] });
    expect(
      decideChannel(
        suppressed,
        { purpose: 'marketing.general', channelRequested: 'email', expiresAt: null },
        at,
        all,
      ),
    ).toMatchObject({
      kind: 'skip',
      reason: 'suppressed',
    });
    // Care messages need no advertising consent, but a hard bounce still stops them.
    expect(
      decideChannel(
        suppressed,
        { purpose: 'care.appointment', channelRequested: 'preferred', expiresAt: null },
        at,
        all,
      ),
    ).toMatchObject({
      kind: 'send',
      channel: 'sms',
    });
    // A STOP suppresses marketing only.
    const stopped = patient({
      suppressions: [{ channel: 'sms', reason: 'stop_keyword', scope: 'marketing' }],
    });
    expect(
      decideChannel(
        stopped,
        { purpose: 'care.appointment', channelRequested: 'sms', expiresAt: null },
        at,
        all,
      ).kind,
    ).toBe('send');
    expect(
      decideChannel(
        patient({ status: 'merged' }),
        { purpose: 'care.appointment', channelRequested: 'sms', expiresAt: null },
        at,
        all,
      ),
    ).toMatchObject({ reason: 'patient_merged' });
    expect(
      decideChannel(
        patient(),
        { purpose: 'marketing.general', channelRequested: 'email', expiresAt: new Date(at.getTime() - 1) },
        at,
        all,
      ),
    ).toMatchObject({ reason: 'window_passed' });
  });

  it('R10: an expired consent is named as expired', () => {
    const p = patient({
      consents: [
        {
          kind: 'pd.marketing',
          status: 'granted',
          expiresAt: new Date('2026-11-01T00:00:00Z'),
          eventId: 'e1',
        },
        { kind: 'ads.receive.email', status: 'granted', expiresAt: null, eventId: 'e2' },
      ],
    });
    expect(
      decideChannel(p, { purpose: 'marketing.general', channelRequested: 'email', expiresAt: null }, at, all),
    ).toMatchObject({
      kind: 'skip',
      reason: 'consent_expired',
    });
  });

  it('R22: quiet hours end at 09:00 local, across midnight and across a DST change', () => {
    expect(
      quietUntil(new Date('2026-11-23T08:00:00Z'), 'Europe/Moscow', DEFAULT_POLICY, 'marketing.general'),
    ).toBeNull(); // 11:00
    expect(
      quietUntil(
        new Date('2026-11-23T19:00:00Z'),
        'Europe/Moscow',
        DEFAULT_POLICY,
        'marketing.general',
      )?.toISOString(),
    ).toBe('2026-11-24T06:00:00.000Z');
    expect(
      quietUntil(
        new Date('2026-11-23T22:00:00Z'),
        'Europe/Moscow',
        DEFAULT_POLICY,
        'marketing.general',
      )?.toISOString(),
    ).toBe('2026-11-24T06:00:00.000Z');
    // Berlin springs forward in the night to 29 March 2026: 09:00 CEST is 07:00 UTC.
    expect(
      quietUntil(
        new Date('2026-03-28T21:30:00Z'),
        'Europe/Berlin',
        DEFAULT_POLICY,
        'marketing.general',
      )?.toISOString(),
    ).toBe('2026-03-29T07:00:00.000Z');
    expect(
      quietUntil(at, 'UTC', { ...DEFAULT_POLICY, quietStartHour: 0, quietEndHour: 0 }, 'marketing.general'),
    ).toBeNull();
    // Care messages wait for the morning too; only the reply to the patient's own STOP goes at once.
    const evening = new Date('2026-11-23T19:00:00Z');
    expect(quietUntil(evening, 'Europe/Moscow', DEFAULT_POLICY, 'care.appointment')).not.toBeNull();
    expect(quietUntil(evening, 'Europe/Moscow', DEFAULT_POLICY, 'service.notice')).toBeNull();
  });

  it('R24: caps count local calendar days and Monday-first weeks; a new day resets the day, a new week the week', () => {
    expect(weekStartOf('2026-11-29')).toBe('2026-11-23'); // Sunday → Monday
    expect(weekStartOf('2026-11-23')).toBe('2026-11-23');
    const policy = DEFAULT_POLICY;
    // 23:30 UTC on Sunday is already Monday in Moscow: a new week there.
    const row = { day: '2026-11-29', dayCount: 1, weekStart: '2026-11-23', weekCount: 3 };
    expect(spend(currentPressure(row, new Date('2026-11-29T20:00:00Z'), 'Europe/Moscow'), policy)).toBeNull();
    expect(spend(currentPressure(row, new Date('2026-11-29T21:30:00Z'), 'Europe/Moscow'), policy)).toEqual({
      day: '2026-11-30',
      dayCount: 1,
      weekStart: '2026-11-30',
      weekCount: 1,
    });
    expect(policyFrom({ delivery: { dailyCap: 'lots' } }, 'Asia/Omsk')).toEqual({
      ...DEFAULT_POLICY,
      defaultTimeZone: 'Asia/Omsk',
    });
  });

  it('R8: STOP keywords in either language, any case; other text is not one', () => {
    for (const t of [
      'STOP',
      'stop',
      ' Стоп ',
      'СТОП!',
      'opt out',
      'Отписаться',
      'ОТПИСКА',
      'unsubscribe',
      '/stop',
      'Cancel',
    ])
      expect(isStopKeyword(t), t).toBe(true);
    for (const t of ['stop sending me this please? no', 'стопка', 'хочу записаться', ''])
      expect(isStopKeyword(t), t).toBe(false);
  });

  it('R55: backoff doubles per attempt up to its cap, with jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1_000, 5_000, () => 0.5))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
    expect(backoffMs(1, 1_000, 5_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1_000, 5_000, () => 0.999)).toBe(1_499);
  });

  it('R18: a composed e-mail has the headers and envelope nodemailer would write, and both alternatives decode to the rendered text', async () => {
    const mail = {
      from: 'Клиника «Здоровье» "Центр" <news@clinic.test>',
      to: 'пациент@пример.рф',
      subject:
        'Время позаботиться о себе — скидка 10% на профилактический осмотр до конца месяца, Мария Ивановна',
      text: 'Здравствуйте!\n.\nОтписаться: https://care.clinic.test/u/t0ken',
      html: `<p>Здравствуйте!</p><p>${'Пора на осмотр. '.repeat(20)}</p>`,
      messageId: '<0123abcd@careloop.message>',
      headers: {
        'X-Careloop-Message': 'm-1',
        'List-Unsubscribe': '<https://care.clinic.test/u/t0ken>, <mailto:unsubscribe@clinic.test>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
    const ours = composeMail(mail);
    const reference = new MailComposer(mail).compile();
    expect(ours.envelope).toEqual(reference.getEnvelope());
    // Header lines, unfolded, apart from the two that differ per build (the date and the boundary).
    const headerLines = (raw: string) =>
      (raw.split('\r\n\r\n')[0] as string)
        .replace(/\r\n[ \t]+/g, ' ')
        .split('\r\n')
        .filter((l) => !/^(Date|Content-Type):/.test(l))
        .sort();
    const raw = ours.raw.toString('utf8');
    expect(headerLines(raw)).toEqual(headerLines((await reference.build()).toString('utf8')));
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;\r\n boundary="([^"]+)"/m);
    const boundary = raw.match(/boundary="([^"]+)"/)?.[1] as string;
    const parts = raw.split(`--${boundary}`).slice(1, -1);
    expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true);
    const decoded = parts.map((p) => {
      const [head, body] = p.replace(/^\r\n/, '').split('\r\n\r\n') as [string, string];
      expect(body.split('\r\n').every((l) => l.length <= 76)).toBe(true);
      return [head.split('\r\n')[0], Buffer.from(body, 'base64').toString('utf8')];
    });
    expect(decoded).toEqual([
      ['Content-Type: text/plain; charset=utf-8', mail.text],
      ['Content-Type: text/html; charset=utf-8', mail.html],
    ]);
  });
});
