/**
 * The Russian production calendar: which days are working days. Weekends are
 * Saturday and Sunday; each year's government decree moves some of them (holidays
 * that fall on a weekend, bridges between holidays). Years with a published decree
 * are listed exactly; for other years the Labour Code rule (art. 112) is applied:
 * a holiday on a weekend moves to the next working day, January's excepted.
 * Tenants can add their own exceptions.
 */
interface YearDecree {
  /** Weekdays that are not worked: public holidays and transferred days off. */
  readonly off: readonly string[];
  /** Weekend days that are worked (transfers). */
  readonly on: readonly string[];
}

export const DECREES: Readonly<Record<number, YearDecree>> = {
  // Resolution No. 1335 of 4 October 2024.
  2025: {
    off: [
      '01-01',
      '01-02',
      '01-03',
      '01-06',
      '01-07',
      '01-08',
      '05-01',
      '05-02',
      '05-08',
      '05-09',
      '06-12',
      '06-13',
      '11-03',
      '11-04',
      '12-31',
    ],
    on: ['11-01'],
  },
  // Resolution No. 1466 of 24 September 2025.
  2026: {
    off: [
      '01-01',
      '01-02',
      '01-05',
      '01-06',
      '01-07',
      '01-08',
      '01-09',
      '02-23',
      '03-09',
      '05-01',
      '05-11',
      '06-12',
      '11-04',
      '12-31',
    ],
    on: [],
  },
};

/** Public holidays of art. 112 of the Labour Code. */
const HOLIDAYS = [
  '01-01',
  '01-02',
  '01-03',
  '01-04',
  '01-05',
  '01-06',
  '01-07',
  '01-08',
  '02-23',
  '03-08',
  '05-01',
  '05-09',
  '06-12',
  '11-04',
];

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const mmdd = (d: Date): string => iso(d).slice(5);
const isWeekend = (d: Date): boolean => d.getUTCDay() === 0 || d.getUTCDay() === 6;
const DAY = 86_400_000;

/** Non-working weekdays of a year without a decree, by the art. 112 transfer rule. */
function derivedOff(year: number): Set<string> {
  const off = new Set<string>();
  for (const h of HOLIDAYS) {
    const d = new Date(`${year}-${h}T00:00:00Z`);
    if (!isWeekend(d)) off.add(h);
    else if (!h.startsWith('01-')) {
      let next = new Date(d.getTime() + DAY);
      while (isWeekend(next) || HOLIDAYS.includes(mmdd(next))) next = new Date(next.getTime() + DAY);
      off.add(mmdd(next));
    }
  }
  return off;
}

export interface CalendarOverrides {
  /** Extra days off (regional holidays: e.g. a republic's day), ISO dates. */
  readonly off?: readonly string[];
  /** Extra working days, ISO dates. */
  readonly on?: readonly string[];
}

export class WorkingCalendar {
  readonly #off = new Map<number, Set<string>>();
  readonly #on = new Map<number, Set<string>>();
  readonly #overrides: { off: Set<string>; on: Set<string> };

  constructor(overrides: CalendarOverrides = {}) {
    this.#overrides = { off: new Set(overrides.off ?? []), on: new Set(overrides.on ?? []) };
  }

  #year(y: number): { off: Set<string>; on: Set<string> } {
    if (!this.#off.has(y)) {
      const decree = DECREES[y];
      this.#off.set(y, decree ? new Set(decree.off) : derivedOff(y));
      this.#on.set(y, new Set(decree?.on ?? []));
    }
    return { off: this.#off.get(y)!, on: this.#on.get(y)! };
  }

  /** Whether an official decree covers the year (otherwise the calendar is derived). */
  isOfficial(year: number): boolean {
    return year in DECREES;
  }

  isWorkingDay(date: Date): boolean {
    const day = iso(date);
    if (this.#overrides.on.has(day)) return true;
    if (this.#overrides.off.has(day)) return false;
    const { off, on } = this.#year(date.getUTCFullYear());
    if (on.has(mmdd(date))) return true;
    return !isWeekend(date) && !off.has(mmdd(date));
  }

  /**
   * The end of the n-th working day after the day of receipt: a request received on
   * a Friday with 10 working days is due at the end of the tenth working day after it.
   * Dates are calendar days in the tenant's zone, passed as UTC midnights.
   */
  addWorkingDays(receivedDay: Date, n: number): Date {
    let d = new Date(
      Date.UTC(receivedDay.getUTCFullYear(), receivedDay.getUTCMonth(), receivedDay.getUTCDate()),
    );
    let left = n;
    while (left > 0) {
      d = new Date(d.getTime() + DAY);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }
}
