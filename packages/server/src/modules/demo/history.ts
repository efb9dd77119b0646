import type { Sex } from '@careloop/contracts';
import { ADD_ONS, type DemoBranch, type DemoSpecialty, SPECIALTIES } from './catalog.ts';
import type { Random } from './random.ts';

/** Reference data the visit generator draws from, ids resolved once. */
export interface ClinicIds {
  readonly branches: readonly { readonly id: string; readonly def: DemoBranch }[];
  readonly specialtyIds: ReadonlyMap<string, string>;
  readonly serviceIds: ReadonlyMap<string, { readonly id: string; readonly price: number }>;
  /** Doctors per specialty code, each with its branch index. */
  readonly doctors: ReadonlyMap<string, readonly { readonly id: string; readonly branch: number }[]>;
}

export interface DemoVisit {
  readonly id: string;
  readonly branchId: string;
  readonly doctorId: string;
  readonly specialtyId: string;
  readonly at: Date;
  /** The main service (consultation or check-up). */
  readonly serviceId: string;
  /** Further services rendered at the visit. */
  readonly extras: readonly { readonly serviceId: string; readonly price: number }[];
  readonly amount: number;
}

const DAY = 86_400_000;
/** Relative visit volume by month: the summer dip and the spring and autumn peaks. */
export const SEASONALITY = [0.85, 1.0, 1.1, 1.05, 0.9, 0.72, 0.62, 0.68, 1.05, 1.15, 1.1, 0.88];
const MAX_SEASON = Math.max(...SEASONALITY);

const ageAt = (birthDate: string, at: Date): number => {
  const b = new Date(`${birthDate}T00:00:00Z`);
  let age = at.getUTCFullYear() - b.getUTCFullYear();
  if (
    at.getUTCMonth() < b.getUTCMonth() ||
    (at.getUTCMonth() === b.getUTCMonth() && at.getUTCDate() < b.getUTCDate())
  ) {
    age--;
  }
  return age;
};

const eligible = (s: DemoSpecialty, sex: Sex, age: number): boolean =>
  (!s.sex || s.sex === sex) &&
  (s.minAge === undefined || age >= s.minAge) &&
  (s.maxAge === undefined || age <= s.maxAge);

function pickSpecialty(rnd: Random, sex: Sex, age: number): DemoSpecialty {
  const options = SPECIALTIES.filter((s) => eligible(s, sex, age));
  const total = options.reduce((a, s) => a + s.weight, 0);
  let x = rnd.next() * total;
  for (const s of options) {
    x -= s.weight;
    if (x < 0) return s;
  }
  return options[options.length - 1]!;
}

/** How many visits a patient makes in three years: one-offs, occasional, regular and chronic patients. */
function visitCount(rnd: Random): number {
  const x = rnd.next();
  if (x < 0.2) return 1;
  if (x < 0.7) return rnd.int(2, 5);
  if (x < 0.95) return rnd.int(6, 14);
  return rnd.int(15, 28);
}

/** A seasonal date in [from, to): uniform, thinned by the month's weight. */
function seasonalDate(rnd: Random, from: number, to: number): Date {
  for (;;) {
    const t = from + rnd.next() * (to - from);
    const d = new Date(t);
    if (rnd.next() * MAX_SEASON < SEASONALITY[d.getUTCMonth()]!) return d;
  }
}

export function visitsFor(
  rnd: Random,
  ids: ClinicIds,
  person: { sex: Sex; birthDate: string; branch: number },
  asOf: Date,
  newId: () => string,
  count = visitCount(rnd),
): DemoVisit[] {
  const end = asOf.getTime() - DAY;
  const birth = new Date(`${person.birthDate}T00:00:00Z`).getTime();
  const begin = Math.max(end - 3 * 365 * DAY, birth + DAY);
  if (begin >= end) return [];
  const start = begin + rnd.next() * (end - begin) * 0.9;
  // Four in ten stop coming at some point: these are the patients recall brings back.
  const stop = rnd.chance(0.4) ? start + rnd.next() * (end - start) : end;
  const dates = Array.from({ length: count }, () =>
    seasonalDate(rnd, start, Math.max(stop, start + DAY)),
  ).sort((a, b) => a.getTime() - b.getTime());
  const seen = new Set<string>();
  let previous: DemoSpecialty | undefined;
  return dates.map((date) => {
    const age = ageAt(person.birthDate, date);
    const specialty =
      previous && rnd.chance(0.45) && eligible(previous, person.sex, age)
        ? previous
        : pickSpecialty(rnd, person.sex, age);
    previous = specialty;
    const doctors = ids.doctors.get(specialty.code) ?? [];
    const local = doctors.filter((d) => d.branch === person.branch);
    const doctor = rnd.pick(local.length > 0 && rnd.chance(0.85) ? local : doctors);
    const branch = ids.branches[doctor.branch]!;
    const checkup = rnd.chance(0.03) && specialty.code === 'therapy';
    const mainCode = checkup
      ? age >= 40
        ? 'checkup.40plus'
        : 'checkup.basic'
      : `${specialty.code}.${seen.has(specialty.code) ? 'repeat' : 'primary'}`;
    const main = ids.serviceIds.get(mainCode)!;
    const extras: { serviceId: string; price: number }[] = [];
    if (!checkup) {
      for (const [spec, code, p] of ADD_ONS) {
        const s = ids.serviceIds.get(code);
        if (s && spec === specialty.code && rnd.chance(p) && !(code === 'mammography' && age < 40)) {
          extras.push({ serviceId: s.id, price: s.price });
        }
      }
    }
    seen.add(specialty.code);
    // Working hours 08:00–20:00 local, on the quarter hour.
    const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    const localMinutes = 8 * 60 + rnd.int(0, 47) * 15;
    const at = new Date(day + (localMinutes - branch.def.utcOffset * 60) * 60_000);
    return {
      id: newId(),
      branchId: branch.id,
      doctorId: doctor.id,
      specialtyId: ids.specialtyIds.get(specialty.code)!,
      at,
      serviceId: main.id,
      extras,
      amount: extras.reduce((a, s) => a + s.price, main.price),
    };
  });
}
