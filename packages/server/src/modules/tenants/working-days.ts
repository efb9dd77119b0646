import type { Tx } from '../../db/index.ts';
import { endOfLocalDay, localDay } from '../../kernel/index.ts';
import { type CalendarOverrides, WorkingCalendar } from './calendar.ts';
import { getTenant } from './tenants.ts';

/** A tenant's working calendar (the production calendar with its own exceptions) and zone. */
export async function calendarOf(
  tx: Tx,
  tenantId: string,
): Promise<{ calendar: WorkingCalendar; tz: string; jurisdiction: 'RU' | 'EU' | 'US' }> {
  const t = await getTenant(tx, tenantId);
  const settings = await tx
    .selectFrom('tenants')
    .select('settings')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const overrides = (settings.settings as { calendar?: CalendarOverrides }).calendar ?? {};
  return { calendar: new WorkingCalendar(overrides), tz: t.timeZone, jurisdiction: t.jurisdiction };
}

/**
 * The end, in the clinic's zone, of the n-th working day after the day `at` falls on there, by
 * the production calendar with the tenant's own exceptions: a message on Friday evening with one
 * working day is due at the end of Monday (or of the next working day after a holiday).
 */
export async function workingDeadline(tx: Tx, tenantId: string, at: Date, n: number): Promise<Date> {
  const { calendar, tz } = await calendarOf(tx, tenantId);
  const due = calendar.addWorkingDays(new Date(`${localDay(at, tz)}T00:00:00Z`), n);
  return endOfLocalDay(due.toISOString().slice(0, 10), tz);
}
