import { describe, expect, it } from 'vitest';
import { normaliseEmail, normalisePhone } from '../../src/modules/normalise/index.ts';

describe('normalisePhone', () => {
  it.each([
    ['8 (916) 123-45-67', '+79161234567'],
    ['89161234567', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['+7 916 123 45 67', '+79161234567'],
    ['7 916 123-45-67', '+79161234567'],
    ['+8 916 123 45 67', '+79161234567'],
  ])('reads %s as %s', (input, e164) => {
    expect(normalisePhone(input)).toMatchObject({ ok: true, value: { e164, type: 'MOBILE', country: 'RU' } });
  });
  it('keeps landlines as fixed lines and strips extensions', () => {
    expect(normalisePhone('+7 (495) 123-45-67 доб. 123')).toMatchObject({
      ok: true,
      value: { e164: '+74951234567', type: 'FIXED_LINE', extension: '123' },
    });
    expect(normalisePhone('8 495 123 45 67 ext 5')).toMatchObject({ value: { extension: '5' } });
  });
  it('rejects what is not a number', () => {
    expect(normalisePhone('12345')).toMatchObject({ ok: false, reason: 'phone_invalid' });
    expect(normalisePhone('')).toMatchObject({ ok: false, reason: 'missing' });
  });
  it('reads foreign numbers in international form', () => {
    expect(normalisePhone('+44 20 7946 0958')).toMatchObject({ ok: true, value: { country: 'GB' } });
  });
});

describe('normaliseEmail', () => {
  it('trims and lower-cases the domain, keeping the mailbox as written', () => {
    expect(normaliseEmail(' Ivan.Petrov@Gmail.COM ')).toEqual({
      ok: true,
      value: { address: 'Ivan.Petrov@gmail.com', key: 'ivan.petrov@gmail.com', domain: 'gmail.com' },
    });
  });
  it('flags typos of popular domains as doubt and never changes them', () => {
    const r = normaliseEmail('ivan@gmial.com');
    expect(r).toMatchObject({
      ok: false,
      reason: 'email_typo',
      severity: 'doubt',
      suggestion: 'ivan@gmail.com',
    });
    expect(r.ok ? undefined : r.guess?.address).toBe('ivan@gmial.com');
    expect(normaliseEmail('a@yandex.ry')).toMatchObject({ reason: 'email_typo', suggestion: 'a@yandex.ru' });
    expect(normaliseEmail('a@maill.ru')).toMatchObject({ reason: 'email_typo' });
    expect(normaliseEmail('a@mail.ru')).toMatchObject({ ok: true });
  });
  it('rejects malformed addresses', () => {
    for (const s of ['a@b', 'ivan', '@mail.ru', 'a..b@mail.ru', 'иван@mail ru']) {
      expect(normaliseEmail(s)).toMatchObject({ ok: false, reason: 'email_invalid' });
    }
  });
});
