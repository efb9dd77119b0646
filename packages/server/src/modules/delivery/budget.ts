import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import type { DeliveryPolicy } from './model.ts';
import { currentPressure, type PressureRow, spend } from './pressure.ts';

/** The counters a spend (or refusal) was judged against, kept in the message's decision (R56). */
export interface Caps {
  readonly dailyCap: number;
  readonly weeklyCap: number;
  readonly day: string;
  readonly dayCount: number;
  readonly weekCount: number;
}

/**
 * Spends the contact-pressure budget (R24) for a claim's budgeted messages, grouped by patient,
 * in the patient's own calendar. Counter rows are created, then locked in one order, so racing
 * workers queue up instead of overshooting or deadlocking; they stay locked until the claim
 * commits, which lets `refundBudgets` give back what was not sent after all.
 */
export async function chargeBudgets<T>(
  tx: Tx,
  tenantId: string,
  now: Date,
  policy: DeliveryPolicy,
  zoneOf: (patientId: string) => string,
  requests: ReadonlyMap<string, readonly T[]>,
): Promise<{ granted: { item: T; caps: Caps }[]; capped: { item: T; caps: Caps }[] }> {
  const granted: { item: T; caps: Caps }[] = [];
  const capped: { item: T; caps: Caps }[] = [];
  if (requests.size === 0) return { granted, capped };
  const ids = [...requests.keys()].sort();
  await sql`
    INSERT INTO contact_pressure (tenant_id, patient_id, day, day_count, week_start, week_count)
    SELECT ${tenantId}, id, '1970-01-01', 0, '1970-01-01', 0 FROM unnest(${ids}::uuid[]) AS t(id) ORDER BY id
    ON CONFLICT (tenant_id, patient_id) DO NOTHING`.execute(tx);
  const locked = await sql<{
    patient_id: string;
    day: string;
    day_count: number;
    week_start: string;
    week_count: number;
  }>`
    SELECT patient_id, day::text AS day, day_count, week_start::text AS week_start, week_count FROM contact_pressure
    WHERE tenant_id = ${tenantId} AND patient_id = ANY(${ids}::uuid[]) ORDER BY patient_id FOR UPDATE`.execute(
    tx,
  );
  const written: ({ id: string } & PressureRow)[] = [];
  for (const r of locked.rows) {
    let counters = currentPressure(
      { day: r.day, dayCount: r.day_count, weekStart: r.week_start, weekCount: r.week_count },
      now,
      zoneOf(r.patient_id),
    );
    for (const item of requests.get(r.patient_id) ?? []) {
      const caps: Caps = {
        dailyCap: policy.dailyCap,
        weeklyCap: policy.weeklyCap,
        day: counters.day,
        dayCount: counters.dayCount,
        weekCount: counters.weekCount,
      };
      const next = spend(counters, policy);
      if (!next) {
        capped.push({ item, caps });
        continue;
      }
      counters = next;
      granted.push({ item, caps });
    }
    written.push({ id: r.patient_id, ...counters });
  }
  await sql`
    UPDATE contact_pressure c SET day = w.day, day_count = w.day_count, week_start = w.week_start, week_count = w.week_count, last_sent_at = ${now}
    FROM unnest(${written.map((w) => w.id)}::uuid[], ${written.map((w) => w.day)}::date[], ${written.map((w) => w.dayCount)}::int[],
                ${written.map((w) => w.weekStart)}::date[], ${written.map((w) => w.weekCount)}::int[])
      AS w(id, day, day_count, week_start, week_count)
    WHERE c.tenant_id = ${tenantId} AND c.patient_id = w.id`.execute(tx);
  return { granted, capped };
}

/**
 * Gives back units `chargeBudgets` spent in the same transaction on messages that were not sent
 * after all (no address, a render failure, a provider off the register): the counters are still
 * locked and still count today's period.
 */
export async function refundBudgets(
  tx: Tx,
  tenantId: string,
  units: ReadonlyMap<string, number>,
): Promise<void> {
  if (units.size === 0) return;
  await sql`
    UPDATE contact_pressure c SET day_count = greatest(0, c.day_count - r.n), week_count = greatest(0, c.week_count - r.n)
    FROM unnest(${[...units.keys()]}::uuid[], ${[...units.values()]}::int[]) AS r(id, n)
    WHERE c.tenant_id = ${tenantId} AND c.patient_id = r.id`.execute(tx);
}
