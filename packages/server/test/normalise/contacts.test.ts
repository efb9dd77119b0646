import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
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
  it('the Russian mobile shortcut answers exactly as libphonenumber does', () => {
    // A 9XX number outside the allocated mobile ranges is no mobile number at all.
    expect(parsePhoneNumberFromString('+79300000000')?.isValid()).toBe(false);
    expect(normalisePhone('8 930 000-00-00')).toMatchObject({ ok: false, reason: 'phone_invalid' });
    // Every 9XX block, in the spellings MIS exports use, against the full parser.
    fc.assert(
      fc.property(
        fc.integer({ min: 900_000_0000, max: 999_999_9999 }),
        fc.constantFrom('+7 ', '8', '8 (', '7', '', '+8 '),
        (n, prefix) => {
          const d = String(n);
          const written = `${prefix}${d.slice(0, 3)}${prefix.endsWith('(') ? ') ' : ' '}${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
          const full = parsePhoneNumberFromString(`+7${d}`);
          if (full?.isValid())
            expect(normalisePhone(written)).toEqual({
              ok: true,
              value: { e164: full.number, country: full.country, type: full.getType() },
            });
          else expect(normalisePhone(written)).toMatchObject({ ok: false, reason: 'phone_invalid' });
        },
      ),
      { numRuns: 5_000 },
    );
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
