import { localDay } from '../../kernel/index.ts';
import type { DeliveryPolicy } from './model.ts';

/**
 * The contact-pressure budget shared by every campaign and channel (R24): per patient, so many
 * budgeted messages per local calendar day and per local calendar week (Monday first). Pure: the
 * claim transaction locks the patient's counter row, asks this, and writes the result back.
 */
export interface PressureRow {
  readonly day: string;
  readonly dayCount: number;
  readonly weekStart: string;
  readonly weekCount: number;
}

/** Monday of the week a local day (YYYY-MM-DD) falls in. */
export function weekStartOf(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

/** The counters as they stand on the patient's current local day. */
export function currentPressure(row: PressureRow | null, at: Date, timeZone: string): PressureRow {
  const day = localDay(at, timeZone);
  const weekStart = weekStartOf(day);
  return {
    day,
    dayCount: row && row.day === day ? row.dayCount : 0,
    weekStart,
    weekCount: row && row.weekStart === weekStart ? row.weekCount : 0,
  };
}

/** Spends one unit if both caps allow; `null` when capped. */
export function spend(row: PressureRow, policy: DeliveryPolicy): PressureRow | null {
  if (row.dayCount >= policy.dailyCap || row.weekCount >= policy.weeklyCap) return null;
  return { ...row, dayCount: row.dayCount + 1, weekCount: row.weekCount + 1 };
}
