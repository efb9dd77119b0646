import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';

/** A count; null when it is between 1 and 10 and the reader sees aggregates only (R32). */
export const SuppressibleCount = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
  description: 'null: between 1 and 10, suppressed for roles that see aggregates only (R32)',
});

export const OverviewView = Type.Object({
  asOf: Type.String({ format: 'date-time' }),
  /** Whether counts of 1…10 were suppressed for this reader. */
  suppressed: Type.Boolean(),
  /**
   * Whether counts of patients (all, per consent) were perturbed by the cell-key method for
   * this reader (±2 at most, stable); the 12-month visit total is then the sum of the cells shown.
   */
  perturbed: Type.Boolean(),
  patients: SuppressibleCount,
  visitsLast12Months: SuppressibleCount,
  upcomingAppointments: SuppressibleCount,
  consents: Type.Array(Type.Object({ kind: Type.String(), patients: SuppressibleCount })),
  branches: Type.Array(Type.Object({ id: Uuid, nameRu: Type.String(), nameEn: Type.String() })),
  /** The twelve calendar months shown, oldest first, as YYYY-MM. */
  months: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
  visitsByMonth: Type.Array(
    Type.Object({
      month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
      branchId: Uuid,
      visits: SuppressibleCount,
    }),
  ),
});
export type OverviewView = Static<typeof OverviewView>;
