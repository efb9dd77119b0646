import { describe, expect, it } from 'vitest';
import {
  ISSUE_REASONS,
  normaliseOmsPolicy,
  normalisePostcode,
  normaliseSex,
  normaliseSnils,
  snilsCheck,
} from '../../src/modules/normalise/index.ts';

describe('СНИЛС', () => {
  it('computes the check number by the official weights', () => {
    expect(snilsCheck('112233445')).toBe(95);
    // Σ = 100 and 101 give 00; above, the remainder mod 101 (100 → 00).
    expect(snilsCheck('920000100')).toBe(0);
    expect(snilsCheck('999999999')).toBe(405 % 101);
  });
  it('accepts valid numbers in any spacing and formats them', () => {
    expect(normaliseSnils('112-233-445 95')).toEqual({
      ok: true,
      value: { digits: '11223344595', formatted: '112-233-445 95' },
    });
    expect(normaliseSnils('11223344595')).toMatchObject({ ok: true });
  });
  it('rejects a wrong check number and a wrong length', () => {
    expect(normaliseSnils('112-233-445 96')).toMatchObject({ ok: false, reason: 'snils_checksum' });
    expect(normaliseSnils('112-233-445')).toMatchObject({ ok: false, reason: 'snils_format' });
    expect(normaliseSnils('112-233-44a 95')).toMatchObject({ ok: false, reason: 'snils_format' });
  });
  it('does not check numbers up to 001-001-998, issued before the check number', () => {
    expect(normaliseSnils('001-001-998 00')).toMatchObject({ ok: true });
    expect(normaliseSnils('001-001-999 00')).toMatchObject({ ok: false, reason: 'snils_checksum' });
  });
});

describe('ОМС policy', () => {
  it('checks 16 digits only', () => {
    expect(normaliseOmsPolicy('7700 0000 0000 0001')).toEqual({ ok: true, value: '7700000000000001' });
    expect(normaliseOmsPolicy('770000000000000')).toMatchObject({ ok: false, reason: 'oms_format' });
  });
});

describe('sex and postcode', () => {
  it.each(['М', 'м', 'муж', 'Мужской', 'male', 'M', '1'])('%s is male', (s) => {
    expect(normaliseSex(s)).toEqual({ ok: true, value: 'male' });
  });
  it.each(['Ж', 'жен.', 'женский', 'female', 'f', '2'])('%s is female', (s) => {
    expect(normaliseSex(s)).toEqual({ ok: true, value: 'female' });
  });
  it('reports an unknown sex code', () => {
    expect(normaliseSex('x')).toMatchObject({
      ok: false,
      reason: 'sex_unknown',
      message: ISSUE_REASONS.sex_unknown,
    });
  });
  it('accepts six-digit Russian postcodes', () => {
    expect(normalisePostcode('101 000')).toEqual({ ok: true, value: '101000' });
    expect(normalisePostcode('01000')).toMatchObject({ ok: false, reason: 'postcode_invalid' });
    expect(normalisePostcode('012345')).toMatchObject({ ok: false, reason: 'postcode_invalid' });
  });
  it('gives every reason a Russian and an English message', () => {
    for (const m of Object.values(ISSUE_REASONS)) {
      expect(m.ru.length).toBeGreaterThan(5);
      expect(m.en.length).toBeGreaterThan(5);
    }
  });
});
