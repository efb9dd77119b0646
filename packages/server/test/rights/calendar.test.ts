import { describe, expect, it } from 'vitest';
import { dueDay } from '../../src/modules/rights/index.ts';
import { WorkingCalendar } from '../../src/modules/tenants/index.ts';

const cal = new WorkingCalendar();
const d = (s: string) => new Date(`${s}T00:00:00Z`);
const day = (x: Date) => x.toISOString().slice(0, 10);

describe('Russian production calendar (R9)', () => {
  it.each([
    ['2026-01-09', false], // transferred day off (from 3 January)
    ['2026-01-12', true],
    ['2026-02-23', false],
    ['2026-03-09', false], // 8 March falls on a Sunday
    ['2026-05-11', false], // 9 May falls on a Saturday
    ['2026-11-04', false],
    ['2026-12-31', false], // transferred from 4 January
    ['2026-12-30', true],
    ['2025-11-01', true], // a working Saturday
    ['2025-11-03', false],
    ['2025-06-13', false],
    ['2026-06-13', false], // an ordinary Saturday
  ])('%s is a working day: %s', (date, working) => {
    expect(cal.isWorkingDay(d(date))).toBe(working);
  });

  it('derives a year without a decree by the Labour Code rule', () => {
    expect(cal.isOfficial(2027)).toBe(false);
    // 23 February 2027 is a Tuesday; 8 March 2027 a Monday; 9 May 2027 a Sunday → Monday 10 May.
    expect(cal.isWorkingDay(d('2027-02-23'))).toBe(false);
    expect(cal.isWorkingDay(d('2027-03-08'))).toBe(false);
    expect(cal.isWorkingDay(d('2027-05-10'))).toBe(false);
    expect(cal.isWorkingDay(d('2027-05-11'))).toBe(true);
  });

  it('honours a regional holiday of the tenant', () => {
    const tatarstan = new WorkingCalendar({ off: ['2026-08-31'] });
    expect(tatarstan.isWorkingDay(d('2026-08-31'))).toBe(false);
    expect(cal.isWorkingDay(d('2026-08-31'))).toBe(true);
  });

  it('R9: an RU access request received before the New Year holidays is due ten working days later', () => {
    // Received Monday 29 Dec 2025: 30 Dec is the only working day before the holidays, which last to 11 January.
    expect(day(dueDay(cal, 'RU', 'access', d('2025-12-29')))).toBe('2026-01-22');
    expect(day(dueDay(cal, 'RU', 'access', d('2025-12-29'), true))).toBe('2026-01-29');
  });

  it('R9: RU terms by kind, over the May holidays', () => {
    const received = d('2026-04-29'); // Wednesday
    expect(day(dueDay(cal, 'RU', 'unlawful_processing', received))).toBe('2026-05-05'); // 30 Apr, 4 May, 5 May
    expect(day(dueDay(cal, 'RU', 'rectification', received))).toBe('2026-05-12'); // 9–11 May are off
    expect(day(dueDay(cal, 'RU', 'erasure', received))).toBe('2026-05-15');
  });

  it('R9: GDPR counts a month, ending on the last day of a shorter month', () => {
    expect(day(dueDay(cal, 'EU', 'access', d('2026-01-31')))).toBe('2026-02-28');
    expect(day(dueDay(cal, 'EU', 'access', d('2026-01-31'), true))).toBe('2026-04-30');
    expect(day(dueDay(cal, 'EU', 'erasure', d('2026-03-15')))).toBe('2026-04-15');
  });

  it('R9: US rules count ten business days', () => {
    expect(day(dueDay(cal, 'US', 'objection', d('2026-11-20')))).toBe('2026-12-04');
  });
});
