import type { Random } from './random.ts';

export interface DemoDoctor {
  readonly id: string;
  readonly branchId: string;
  readonly utcOffset: number;
  readonly specialtyCode: string;
}

export interface DemoRule {
  readonly id: string;
  readonly doctorId: string;
  readonly branchId: string;
  readonly weekday: number;
  readonly starts: string;
  readonly ends: string;
  readonly slotMinutes: number;
}

export interface DemoSlot {
  readonly id: string;
  readonly doctorId: string;
  readonly branchId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** Whether a patient has booked it. */
  readonly booked: boolean;
}

const DAY = 86_400_000;

/** Each doctor works four or five weekdays, a morning or an evening shift of half-hour slots. */
export function rulesFor(rnd: Random, d: DemoDoctor, newId: () => string): DemoRule[] {
  const days = [1, 2, 3, 4, 5, 6].filter(() => rnd.chance(0.75)).slice(0, 5);
  const evening = rnd.chance(0.4);
  return (days.length > 0 ? days : [1, 3]).map((weekday) => ({
    id: newId(),
    doctorId: d.id,
    branchId: d.branchId,
    weekday,
    starts: evening ? '14:00' : '08:00',
    ends: evening ? '20:00' : '14:00',
    slotMinutes: 30,
  }));
}

/**
 * Slots for the next four weeks from the rules. Near days are nearly full and far
 * days mostly free; a few doctors are under-booked, which gap filling is for.
 */
export function slotsFor(
  rnd: Random,
  d: DemoDoctor,
  rules: readonly DemoRule[],
  asOf: Date,
  newId: () => string,
): DemoSlot[] {
  const underBooked = rnd.chance(0.2);
  const today = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  const out: DemoSlot[] = [];
  for (let day = 1; day <= 28; day++) {
    const date = new Date(today + day * DAY);
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    for (const r of rules.filter((x) => x.weekday === weekday)) {
      const [sh, sm] = r.starts.split(':').map(Number) as [number, number];
      const [eh, em] = r.ends.split(':').map(Number) as [number, number];
      for (let m = sh * 60 + sm; m + r.slotMinutes <= eh * 60 + em; m += r.slotMinutes) {
        const startsAt = new Date(today + day * DAY + (m - d.utcOffset * 60) * 60_000);
        const occupancy = Math.max(0.15, 0.9 - day * 0.03) * (underBooked ? 0.35 : 1);
        out.push({
          id: newId(),
          doctorId: d.id,
          branchId: d.branchId,
          startsAt,
          endsAt: new Date(startsAt.getTime() + r.slotMinutes * 60_000),
          booked: rnd.chance(occupancy),
        });
      }
    }
  }
  return out;
}
