/**
 * Calendar days and wall-clock times in a time zone, via Intl: Russia's zones keep no
 * daylight saving time, but tenants elsewhere do, and caps count local days.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (tz: string): Intl.DateTimeFormat => {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
};

export interface LocalTime {
  readonly day: string;
  readonly hour: number;
  readonly minute: number;
}

export function localTime(instant: Date, tz: string): LocalTime {
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The calendar day of an instant in a zone, as YYYY-MM-DD. */
export const localDay = (instant: Date, tz: string): string => localTime(instant, tz).day;

/** Offset of a zone from UTC at an instant, in minutes. */
function offsetMinutes(instant: Date, tz: string): number {
  const p = Object.fromEntries(
    formatter(tz)
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a local wall-clock time happens in a zone (for a gap at a DST jump, the later instant). */
export function zonedInstant(day: string, hour: number, minute: number, tz: string): Date {
  const guess = Date.UTC(
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)) - 1,
    Number(day.slice(8, 10)),
    hour,
    minute,
  );
  const first = guess - offsetMinutes(new Date(guess), tz) * 60_000;
  return new Date(guess - offsetMinutes(new Date(first), tz) * 60_000);
}

/** The last millisecond of a local day. */
export const endOfLocalDay = (day: string, tz: string): Date => {
  const next = new Date(
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1),
  );
  return new Date(zonedInstant(next.toISOString().slice(0, 10), 0, 0, tz).getTime() - 1);
};
