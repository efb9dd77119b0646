import type { Period } from '@careloop/contracts';

/**
 * Date arithmetic shared by the evaluator and the SQL compiler, so both read a rule
 * against the same instants: the compiler passes these as parameters instead of
 * leaving month arithmetic to the database's session time zone.
 */

/** The evaluation moment and the clinic's calendar day at that moment (YYYY-MM-DD). */
export interface EvalContext {
  readonly at: Date;
  readonly today: string;
}

const DAY_MS = 86_400_000;

/** `at` minus a period; months are calendar months in UTC, the day clamped to the month's end. */
export function ago(at: Date, p: Period): Date {
  if (p.unit === 'days') return new Date(at.getTime() - p.n * DAY_MS);
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() - p.n;
  const first = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  const d = new Date(at);
  d.setUTCFullYear(first.getUTCFullYear(), first.getUTCMonth(), Math.min(at.getUTCDate(), lastDay));
  return d;
}

export const daysAfter = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);

/** A birthday known only by year is taken as 31 December, so that an age is never overstated. */
export const UNKNOWN_MD = 1231;

export const yearMd = (day: string): { year: number; md: number } => ({
  year: Number(day.slice(0, 4)),
  md: Number(day.slice(5, 7)) * 100 + Number(day.slice(8, 10)),
});

/** Whole years of age on a day, or null when the birth year is unknown. */
export function ageOn(birthYear: number | null, birthMd: number | null, day: string): number | null {
  if (birthYear === null) return null;
  const { year, md } = yearMd(day);
  return year - birthYear - ((birthMd ?? UNKNOWN_MD) > md ? 1 : 0);
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Month-day numbers (MMDD) of the next `days` days from `today` inclusive; 29 Feb joins 28 Feb in common years. */
export function birthdayWindow(today: string, days: number): number[] {
  const start = Date.parse(`${today}T00:00:00Z`);
  const out = new Set<number>();
  for (let i = 0; i <= Math.min(days, 366); i++) {
    const d = new Date(start + i * DAY_MS);
    const md = (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    out.add(md);
    if (md === 228 && !isLeap(d.getUTCFullYear())) out.add(229);
  }
  return [...out].sort((a, b) => a - b);
}
