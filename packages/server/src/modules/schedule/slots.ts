import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, isUuid, newId } from '../../kernel/index.ts';

/** The most free slots one answer lists, and the longest period it searches. */
export const FREE_SLOTS_MAX = 100;
export const FREE_SLOTS_SPAN_DAYS = 31;
const DAY = 86_400_000;

export interface FreeSlotFilter {
  /** From this moment (never before now); default now. */
  readonly from?: Date;
  /** Up to this moment; default 14 days after `from`, at most FREE_SLOTS_SPAN_DAYS. */
  readonly to?: Date;
  readonly branchId?: string;
  readonly specialtyId?: string;
  readonly doctorId?: string;
  /** 1…FREE_SLOTS_MAX; default 20. */
  readonly limit?: number;
}

interface Named {
  readonly id: string;
  readonly nameRu: string;
  readonly nameEn: string;
}

export interface FreeSlot {
  readonly id: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** The branch's zone: the time the patient is told. */
  readonly timeZone: string;
  readonly doctor: { readonly id: string; readonly name: string };
  readonly specialty: Named;
  readonly branch: Named;
}

export interface FreeSlots {
  readonly from: Date;
  readonly to: Date;
  /** The earliest free slots matching the filter, soonest first. */
  readonly slots: readonly FreeSlot[];
  /** More slots match than were listed. */
  readonly more: boolean;
  /** What the filter can name: every branch and specialty; the active doctors of the chosen branch or specialty. */
  readonly branches: readonly Named[];
  readonly specialties: readonly Named[];
  readonly doctors: readonly {
    readonly id: string;
    readonly name: string;
    readonly branchId: string;
    readonly specialtyId: string;
  }[];
}

const invalid = (field: string, issue: string) =>
  new AppError('VALIDATION_FAILED', 'The slot search is not valid.', [{ field, issue }]);

/**
 * The earliest free slots of active doctors in a period, narrowed by branch, specialty or
 * doctor: at most FREE_SLOTS_MAX rows over at most FREE_SLOTS_SPAN_DAYS, and never a scan of
 * the schedule. Without a specialty or doctor the free slots are read in time order from
 * slots_free_idx (or slots_free_branch_idx for a branch) until the page is full. With one,
 * the chosen doctors are read first (a small table) and each doctor's slots are read in
 * time order from the (tenant, doctor, starts_at) key, at most a page each, then merged:
 * at most doctors × page rows, however large the schedule.
 */
export async function findFreeSlots(tx: Tx, now: Date, filter: FreeSlotFilter): Promise<FreeSlots> {
  for (const k of ['branchId', 'specialtyId', 'doctorId'] as const) {
    const id = filter[k];
    if (id !== undefined && !isUuid(id)) throw invalid(k, 'uuid');
  }
  const limit = filter.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > FREE_SLOTS_MAX) throw invalid('limit', 'out_of_range');
  const from = filter.from && filter.from > now ? filter.from : now;
  const to = filter.to ?? new Date(from.getTime() + 14 * DAY);
  if (to <= from) throw invalid('to', 'before_from');
  if (to.getTime() - from.getTime() > FREE_SLOTS_SPAN_DAYS * DAY) throw invalid('to', 'span_too_long');

  const page = limit + 1;
  const inPeriod = sql`s.status = 'free' AND s.starts_at > ${from} AND s.starts_at < ${to}`;
  const inBranch = filter.branchId ? sql`AND s.branch_id = ${filter.branchId}` : sql``;
  let picked: RawBuilder<unknown> | null;
  if (filter.specialtyId || filter.doctorId) {
    const chosen = await tx
      .selectFrom('doctors')
      .select('id')
      .where('active', '=', true)
      .$if(Boolean(filter.specialtyId), (d) => d.where('specialty_id', '=', filter.specialtyId as string))
      .$if(Boolean(filter.doctorId), (d) => d.where('id', '=', filter.doctorId as string))
      .execute();
    picked = chosen.length
      ? sql`
          SELECT x.* FROM unnest(${chosen.map((d) => d.id)}::uuid[]) AS d(id) CROSS JOIN LATERAL (
            SELECT s.tenant_id, s.id, s.starts_at, s.ends_at, s.doctor_id, s.branch_id FROM slots s
             WHERE s.doctor_id = d.id AND ${inPeriod} ${inBranch}
             ORDER BY s.starts_at, s.id LIMIT ${page}) x
          ORDER BY x.starts_at, x.id LIMIT ${page}`
      : null;
  } else {
    // Retired doctors' slots are left out by id: a short list, checked on the index rows.
    const retired = await tx.selectFrom('doctors').select('id').where('active', '=', false).execute();
    picked = sql`
      SELECT s.tenant_id, s.id, s.starts_at, s.ends_at, s.doctor_id, s.branch_id FROM slots s
       WHERE ${inPeriod} ${inBranch} AND s.doctor_id <> ALL (${retired.map((d) => d.id)}::uuid[])
       ORDER BY s.starts_at, s.id LIMIT ${page}`;
  }
  const rows = picked
    ? (
        await sql<{
          id: string;
          starts_at: Date;
          ends_at: Date;
          doctor_id: string;
          full_name: string;
          specialty_id: string;
          specialty_ru: string;
          specialty_en: string;
          branch_id: string;
          branch_ru: string;
          branch_en: string;
          time_zone: string;
        }>`
          WITH picked AS MATERIALIZED (${picked})
          SELECT p.id, p.starts_at, p.ends_at, d.id AS doctor_id, d.full_name,
                 sp.id AS specialty_id, sp.name_ru AS specialty_ru, sp.name_en AS specialty_en,
                 b.id AS branch_id, b.name_ru AS branch_ru, b.name_en AS branch_en, b.time_zone
            FROM picked p
            JOIN doctors d ON d.tenant_id = p.tenant_id AND d.id = p.doctor_id
            JOIN specialties sp ON sp.tenant_id = d.tenant_id AND sp.id = d.specialty_id
            JOIN branches b ON b.tenant_id = p.tenant_id AND b.id = p.branch_id
           ORDER BY p.starts_at, p.id`.execute(tx)
      ).rows
    : [];

  const narrowed = filter.branchId || filter.specialtyId;
  const [branches, specialties, doctors] = await Promise.all([
    tx.selectFrom('branches').select(['id', 'name_ru', 'name_en']).orderBy('code').execute(),
    tx.selectFrom('specialties').select(['id', 'name_ru', 'name_en']).orderBy('code').execute(),
    narrowed
      ? tx
          .selectFrom('doctors')
          .select(['id', 'full_name', 'branch_id', 'specialty_id'])
          .where('active', '=', true)
          .$if(Boolean(filter.branchId), (d) => d.where('branch_id', '=', filter.branchId as string))
          .$if(Boolean(filter.specialtyId), (d) => d.where('specialty_id', '=', filter.specialtyId as string))
          .orderBy('full_name')
          .limit(200)
          .execute()
      : Promise.resolve([]),
  ]);
  const named = (r: { id: string; name_ru: string; name_en: string }): Named => ({
    id: r.id,
    nameRu: r.name_ru,
    nameEn: r.name_en,
  });
  return {
    from,
    to,
    slots: rows.slice(0, limit).map((r) => ({
      id: r.id,
      startsAt: new Date(r.starts_at),
      endsAt: new Date(r.ends_at),
      timeZone: r.time_zone,
      doctor: { id: r.doctor_id, name: r.full_name },
      specialty: { id: r.specialty_id, nameRu: r.specialty_ru, nameEn: r.specialty_en },
      branch: { id: r.branch_id, nameRu: r.branch_ru, nameEn: r.branch_en },
    })),
    more: rows.length > limit,
    branches: branches.map(named),
    specialties: specialties.map(named),
    doctors: doctors.map((d) => ({
      id: d.id,
      name: d.full_name,
      branchId: d.branch_id,
      specialtyId: d.specialty_id,
    })),
  };
}

export interface TakenSlot {
  readonly appointmentId: string;
  readonly doctorId: string;
  readonly branchId: string;
  readonly startsAt: Date;
}

/**
 * Books a free future slot for a patient: a conditional update (free → booked), so of
 * several people reaching for the same slot exactly one wins; the unique index on booked
 * slots backs it up. Null when the slot is taken, blocked, past or unknown.
 */
export async function takeSlot(
  tx: Tx,
  r: {
    readonly tenantId: string;
    readonly patientId: string;
    readonly slotId: string;
    readonly now: Date;
    readonly via: 'front_desk' | 'phone' | 'online' | 'campaign';
  },
): Promise<TakenSlot | null> {
  if (!isUuid(r.slotId)) return null;
  const taken = await sql<{ doctor_id: string; branch_id: string; starts_at: Date }>`
    UPDATE slots SET status = 'booked'
    WHERE tenant_id = ${r.tenantId} AND id = ${r.slotId} AND status = 'free' AND starts_at > ${r.now}
    RETURNING doctor_id, branch_id, starts_at`.execute(tx);
  const slot = taken.rows[0];
  if (!slot) return null;
  const appointmentId = newId();
  await tx
    .insertInto('appointments')
    .values({
      tenant_id: r.tenantId,
      id: appointmentId,
      patient_id: r.patientId,
      doctor_id: slot.doctor_id,
      branch_id: slot.branch_id,
      service_id: null,
      slot_id: r.slotId,
      starts_at: slot.starts_at,
      status: 'booked',
      booked_via: r.via,
      created_at: r.now,
    })
    .execute();
  return {
    appointmentId,
    doctorId: slot.doctor_id,
    branchId: slot.branch_id,
    startsAt: new Date(slot.starts_at),
  };
}
