import type { Jurisdiction } from '@careloop/contracts';
import type { SubjectRequestKind } from '../../db/index.ts';
import type { WorkingCalendar } from '../tenants/index.ts';

/**
 * Deadlines of data-subject requests (R9). Russian terms count working days by the
 * production calendar; GDPR counts calendar months; US rules count business days.
 */
type Term =
  | { readonly unit: 'working_days'; readonly n: number; readonly extension?: number }
  | { readonly unit: 'months'; readonly n: number; readonly extension: number }
  | { readonly unit: 'days'; readonly n: number };

export const TERMS: Readonly<Record<Jurisdiction, Readonly<Record<SubjectRequestKind, Term>>>> = {
  RU: {
    access: { unit: 'working_days', n: 10, extension: 5 },
    rectification: { unit: 'working_days', n: 7 },
    unlawful_processing: { unit: 'working_days', n: 3 },
    erasure: { unit: 'working_days', n: 10 },
    objection: { unit: 'working_days', n: 10, extension: 5 },
    restriction: { unit: 'working_days', n: 10, extension: 5 },
  },
  EU: {
    access: { unit: 'months', n: 1, extension: 2 },
    rectification: { unit: 'months', n: 1, extension: 2 },
    unlawful_processing: { unit: 'months', n: 1, extension: 2 },
    erasure: { unit: 'months', n: 1, extension: 2 },
    objection: { unit: 'months', n: 1, extension: 2 },
    restriction: { unit: 'months', n: 1, extension: 2 },
  },
  US: {
    access: { unit: 'working_days', n: 10 },
    rectification: { unit: 'working_days', n: 10 },
    unlawful_processing: { unit: 'working_days', n: 10 },
    erasure: { unit: 'working_days', n: 10 },
    objection: { unit: 'working_days', n: 10 },
    restriction: { unit: 'working_days', n: 10 },
  },
};

const addMonths = (d: Date, n: number): Date => {
  const out = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate()));
  // 31 January + 1 month ends on the last day of February, not in March.
  if (out.getUTCDate() !== d.getUTCDate())
    return new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth(), 0));
  return out;
};

/** The last day on which the answer is on time (end of that day in the tenant's zone). */
export function dueDay(
  calendar: WorkingCalendar,
  jurisdiction: Jurisdiction,
  kind: SubjectRequestKind,
  receivedDay: Date,
  extended = false,
): Date {
  const t = TERMS[jurisdiction][kind];
  if (t.unit === 'working_days')
    return calendar.addWorkingDays(receivedDay, t.n + (extended ? (t.extension ?? 0) : 0));
  if (t.unit === 'months') return addMonths(receivedDay, t.n + (extended ? t.extension : 0));
  return new Date(receivedDay.getTime() + t.n * 86_400_000);
}

export const canExtend = (jurisdiction: Jurisdiction, kind: SubjectRequestKind): boolean => {
  const t = TERMS[jurisdiction][kind];
  return t.unit !== 'days' && (t.extension ?? 0) > 0;
};
