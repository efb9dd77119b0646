import { describe, expect, it } from 'vitest';
import { normaliseBirthDate, normaliseDate } from '../../src/modules/normalise/index.ts';

const today = new Date('2026-11-23T00:00:00Z');
const birth = (s: string | number) => normaliseBirthDate(s, { today });

describe('normaliseBirthDate', () => {
  it.each([
    ['05.03.1980', '1980-03-05'],
    ['5.3.1980', '1980-03-05'],
    ['05-03-1980', '1980-03-05'],
    ['1980-03-05', '1980-03-05'],
    ['1980-03-05T00:00:00Z', '1980-03-05'],
    ['1980-03-05 10:30:00', '1980-03-05'],
    ['19800305', '1980-03-05'],
    ['5 марта 1980', '1980-03-05'],
    ['05 мар 1980 г.', '1980-03-05'],
    ['5 мая 1980 года', '1980-05-05'],
    ['13/03/1980', '1980-03-13'],
    ['03/13/1980', '1980-03-13'],
    ['29.02.2000', '2000-02-29'],
  ])('reads %s', (input, iso) => {
    expect(birth(input)).toEqual({ ok: true, value: iso });
  });

  it('resolves two-digit years to the past', () => {
    expect(birth('5.3.80')).toEqual({ ok: true, value: '1980-03-05' });
    expect(birth('5.3.15')).toEqual({ ok: true, value: '2015-03-05' });
    expect(birth('5.3.30')).toEqual({ ok: true, value: '1930-03-05' });
  });

  it('reads Excel serials, counting the 1900 leap-year bug', () => {
    expect(birth('29221')).toEqual({ ok: true, value: '1980-01-01' });
    expect(birth(29221)).toEqual({ ok: true, value: '1980-01-01' });
    expect(birth('61')).toEqual({ ok: true, value: '1900-03-01' });
    expect(birth('59')).toEqual({ ok: true, value: '1900-02-28' });
    expect(birth('60')).toMatchObject({ ok: false, reason: 'date_impossible' });
  });

  it('rejects impossible, future and too old dates', () => {
    expect(birth('31.02.1980')).toMatchObject({ ok: false, reason: 'date_impossible', severity: 'reject' });
    expect(birth('29.02.1900')).toMatchObject({ ok: false, reason: 'date_impossible' });
    expect(birth('01.13.1980')).toMatchObject({ ok: false, reason: 'date_impossible' });
    expect(birth('01.01.2030')).toMatchObject({ ok: false, reason: 'date_future' });
    expect(birth('01.01.1870')).toMatchObject({ ok: false, reason: 'date_too_old' });
    expect(birth('вчера')).toMatchObject({ ok: false, reason: 'date_invalid' });
    expect(birth('1980')).toMatchObject({ ok: false, reason: 'date_invalid' });
  });

  it('flags slash dates as doubtful only when day and month could swap', () => {
    expect(birth('05/03/1980')).toMatchObject({
      ok: false,
      reason: 'date_ambiguous',
      severity: 'doubt',
      guess: '1980-03-05',
    });
    expect(normaliseBirthDate('05/03/1980', { today, slashOrder: 'mdy' })).toMatchObject({
      guess: '1980-05-03',
    });
    expect(birth('05/05/1980')).toEqual({ ok: true, value: '1980-05-05' });
    // Dots are always day-first in Russian usage: never ambiguous.
    expect(birth('05.03.1980')).toEqual({ ok: true, value: '1980-03-05' });
  });

  it('allows future dates that are not birth dates', () => {
    expect(normaliseDate('01.01.2030', { today })).toEqual({ ok: true, value: '2030-01-01' });
  });
});
