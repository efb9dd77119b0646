import { blank, fail, type Normalised, ok } from './issues.ts';
import { squish } from './text.ts';

export interface DateOptions {
  /** "Today" for future checks and two-digit years; pass the clock's date. */
  readonly today?: Date;
  /** A birth date: no future, not before 1880, two-digit years resolve to the past. */
  readonly birth?: boolean;
  /**
   * How to read slash dates (01/02/1980). Dots and dashes are always day-first
   * (Russian usage); slashes are day-first too unless the source is known to be US.
   */
  readonly slashOrder?: 'dmy' | 'mdy';
  readonly field?: string;
}

const MONTHS: readonly (readonly [RegExp, number])[] = [
  [/^(янв|jan)/, 1],
  [/^(фев|feb)/, 2],
  [/^(мар|mar)/, 3],
  [/^(апр|apr)/, 4],
  [/^(мая|май|may)/, 5],
  [/^(июн|jun)/, 6],
  [/^(июл|jul)/, 7],
  [/^(авг|aug)/, 8],
  [/^(сен|sep)/, 9],
  [/^(окт|oct)/, 10],
  [/^(ноя|nov)/, 11],
  [/^(дек|dec)/, 12],
];

const monthOf = (word: string): number | undefined => {
  const w = word.toLowerCase().replace(/\.$/, '');
  return MONTHS.find(([re]) => re.test(w))?.[1];
};

const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

const iso = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Excel's 1900 date system counts 29 Feb 1900, which never existed (a Lotus 1-2-3 bug). */
const fromExcelSerial = (serial: number): { y: number; m: number; d: number } | 'impossible' => {
  if (serial === 60) return 'impossible';
  const days = serial < 60 ? serial - 1 : serial - 2;
  const t = new Date(Date.UTC(1900, 0, 1) + days * 86_400_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

interface Parts {
  y: number;
  m: number;
  d: number;
  twoDigitYear: boolean;
  ambiguous: boolean;
}

const parse = (text: string, slashOrder: 'dmy' | 'mdy'): Parts | 'impossible' | undefined => {
  let r = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ][\d:.]+(?:z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (r) return { y: +r[1]!, m: +r[2]!, d: +r[3]!, twoDigitYear: false, ambiguous: false };
  r = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (r && +r[1]! >= 1800) return { y: +r[1]!, m: +r[2]!, d: +r[3]!, twoDigitYear: false, ambiguous: false };
  r = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:\s*(?:г\.?|года?))?(?:\s+[\d:.]+)?$/.exec(text);
  if (r) {
    const a = +r[1]!;
    const b = +r[3]!;
    const y = +r[4]!;
    const twoDigitYear = r[4]!.length === 2;
    if (r[2] !== '/') return { y, m: b, d: a, twoDigitYear, ambiguous: false };
    // Slash dates: the reading is forced when one part exceeds 12; otherwise the
    // source's order decides, and the date is ambiguous if day and month differ.
    const ambiguous = a <= 12 && b <= 12 && a !== b;
    const mdy = a <= 12 && b > 12 ? true : a > 12 ? false : slashOrder === 'mdy';
    return mdy ? { y, m: a, d: b, twoDigitYear, ambiguous } : { y, m: b, d: a, twoDigitYear, ambiguous };
  }
  r = /^(\d{1,2})\s+([\p{L}]+\.?)\s+(\d{4}|\d{2})(?:\s*(?:г\.?|года?))?$/u.exec(text);
  if (r) {
    const m = monthOf(r[2]!);
    if (m === undefined) return undefined;
    return { y: +r[3]!, m, d: +r[1]!, twoDigitYear: r[3]!.length === 2, ambiguous: false };
  }
  r = /^(\d{1,6})(?:[.,]\d+)?$/.exec(text);
  // A bare year (1980) is not a date, although it would be a valid serial.
  if (r && +r[1]! >= 1 && +r[1]! <= 2_958_465 && !(r[1]!.length === 4 && +r[1]! >= 1800 && +r[1]! < 2200)) {
    const p = fromExcelSerial(+r[1]!);
    return p === 'impossible' ? p : { ...p, twoDigitYear: false, ambiguous: false };
  }
  return undefined;
};

/**
 * Reads a date in the formats MIS exports use — DD.MM.YYYY, D.M.YY, DD/MM/YYYY,
 * DD-MM-YYYY, ISO (with or without time), YYYYMMDD, «5 марта 1980», «05 мар 1980»,
 * and Excel serial numbers — and returns ISO YYYY-MM-DD. Two-digit birth years resolve
 * to the latest year not after today. Rules for slash dates: see `slashOrder`.
 */
export const normaliseDate = (
  input: string | number | null | undefined,
  options: DateOptions = {},
): Normalised<string> => {
  const field = options.field ?? (options.birth ? 'birth_date' : 'date');
  if (input === null || input === undefined || (typeof input === 'string' && blank(input))) {
    return fail(field, '', 'missing');
  }
  const raw = String(input);
  const text = squish(raw).toLowerCase();
  const today = options.today ?? new Date();
  const parts = parse(text, options.slashOrder ?? 'dmy');
  if (parts === undefined) return fail(field, raw, 'date_invalid');
  if (parts === 'impossible') return fail(field, raw, 'date_impossible');
  let { y } = parts;
  const { m, d } = parts;
  if (parts.twoDigitYear) {
    const century = Math.floor(today.getUTCFullYear() / 100) * 100;
    y = century + y;
    if (options.birth !== false && y > today.getUTCFullYear()) y -= 100;
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return fail(field, raw, 'date_impossible');
  const value = iso(y, m, d);
  if (options.birth) {
    if (value > today.toISOString().slice(0, 10)) return fail(field, raw, 'date_future');
    if (y < 1880) return fail(field, raw, 'date_too_old');
  }
  if (parts.ambiguous) return fail(field, raw, 'date_ambiguous', 'doubt', value);
  return ok(value);
};

/** A birth date: `normaliseDate` with the birth rules on. */
export const normaliseBirthDate = (
  input: string | number | null | undefined,
  options: Omit<DateOptions, 'birth'> = {},
): Normalised<string> => normaliseDate(input, { ...options, birth: true });
