import type { Purpose } from '@careloop/contracts';
import { type RawBuilder, sql } from 'kysely';
import { localDay, zonedInstant } from '../../kernel/index.ts';
import { requiredKinds } from '../consent/index.ts';
import type { CampaignChannel, PlaybookKey, PlaybookParams } from './playbooks.ts';

/**
 * A playbook's audience as one set-based SELECT of
 * (patient_id, occurrence, ref_id, slot_ids): who is due, under which occurrence key,
 * about which visit or appointment, with which offered slots.
 *
 * Every audience passes through `eligible()`, which the callers cannot skip: active
 * patients reachable on the channel and not suppressed on it, adults only and no worklist
 * hold for advertising (R11), and every
 * consent kind the purpose needs on the channel granted and unexpired now (R6, R7).
 * Health-based playbooks run under marketing.health, so their filter includes
 * pd.marketing.health_based.
 */
export interface AudienceRequest<K extends PlaybookKey = PlaybookKey> {
  readonly tenantId: string;
  readonly playbook: K;
  readonly params: PlaybookParams[K];
  readonly purpose: Purpose;
  readonly channel: CampaignChannel;
  readonly now: Date;
  /** The clinic's zone: days (birthdays, survey day, occurrence) are its calendar days. */
  readonly timeZone: string;
}

type Sql = RawBuilder<unknown>;

const ADVERTISING: ReadonlySet<Purpose> = new Set(['marketing.general', 'marketing.health']);

const md = (day: string): number => Number(day.slice(5, 7)) * 100 + Number(day.slice(8, 10));
const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Age in whole years on `day`, from the clear birth year and month-day columns. */
const ageOn = (day: string): Sql =>
  sql`(${Number(day.slice(0, 4))} - p.birth_year - CASE WHEN p.birth_md > ${md(day)} THEN 1 ELSE 0 END)`;

/** The filter no audience is built without. */
function eligible(r: AudienceRequest, today: string): Sql {
  const parts: Sql[] = [sql`p.tenant_id = ${r.tenantId}`, sql`p.status = 'active'`];
  if (r.channel === 'email') parts.push(sql`p.has_email`);
  if (r.channel === 'sms' || r.channel === 'call') parts.push(sql`p.has_phone`);
  if (r.channel === 'preferred') parts.push(sql`(p.has_email OR p.has_phone)`);
  const advertising = ADVERTISING.has(r.purpose);
  if (advertising) {
    parts.push(sql`p.birth_year IS NOT NULL AND ${ageOn(today)} >= 18`);
    // A worklist hold (moved away, a cool-down after declining) keeps every campaign away.
    parts.push(sql`NOT EXISTS (SELECT 1 FROM patient_outreach_holds h
      WHERE h.tenant_id = p.tenant_id AND h.patient_id = p.id AND (h.until IS NULL OR h.until > ${r.now}))`);
  }
  // A suppressed address (bounce, STOP, wrong number, do-not-call) on the campaign's one channel;
  // 'preferred' may still reach the patient on another, which delivery decides per message.
  if (r.channel !== 'preferred')
    parts.push(sql`NOT EXISTS (SELECT 1 FROM delivery_suppressions s
      WHERE s.tenant_id = p.tenant_id AND s.patient_id = p.id AND s.channel = ${r.channel}
        AND (s.scope = 'all' OR ${advertising}))`);
  const granted = (kind: Sql) => sql`EXISTS (SELECT 1 FROM consent_state c
      WHERE c.tenant_id = p.tenant_id AND c.patient_id = p.id AND c.kind ${kind}
        AND c.status = 'granted' AND (c.expires_at IS NULL OR c.expires_at > ${r.now}))`;
  if (r.channel === 'preferred') {
    for (const kind of requiredKinds(r.purpose)) parts.push(granted(sql`= ${kind}`));
    // Advertising on "the preferred channel" still needs advertising consent on some channel.
    if (ADVERTISING.has(r.purpose)) parts.push(granted(sql`LIKE 'ads.receive.%'`));
  } else {
    for (const kind of requiredKinds(r.purpose, r.channel)) parts.push(granted(sql`= ${kind}`));
  }
  return sql.join(parts, sql` AND `);
}

const monthsAgo = (now: Date, months: number): Sql =>
  sql`(${now}::timestamptz - make_interval(months => ${months}))`;
const daysAgo = (now: Date, days: number): Sql => sql`(${now}::timestamptz - make_interval(days => ${days}))`;

const noFutureBooking = (r: AudienceRequest, extra: Sql = sql`true`): Sql =>
  sql`NOT EXISTS (SELECT 1 FROM appointments a WHERE a.tenant_id = p.tenant_id AND a.patient_id = p.id
      AND a.status = 'booked' AND a.starts_at > ${r.now} AND ${extra})`;

/** A visit with the service, as its main service or as a line of the visit. */
const hadService = (serviceId: Sql, since: Sql): Sql =>
  sql`EXISTS (SELECT 1 FROM visits v WHERE v.tenant_id = p.tenant_id AND v.patient_id = p.id
      AND v.visited_at >= ${since}
      AND (v.service_id = ${serviceId} OR EXISTS (SELECT 1 FROM visit_services vs
           WHERE vs.tenant_id = v.tenant_id AND vs.visit_id = v.id AND vs.service_id = ${serviceId})))`;

const NO_SLOTS = sql`'{}'::uuid[]`;

export function audienceSql(r: AudienceRequest): Sql {
  const today = localDay(r.now, r.timeZone);
  const base = eligible(r, today);
  switch (r.playbook) {
    case 'recall': {
      const p = r.params as PlaybookParams['recall'];
      // The maintained facts (segments) hold each active patient's last visit and latest booked
      // start — the same aggregates over visits and appointments — so the audience is a range
      // of an index, not a grouped scan of every visit.
      return sql`
        SELECT p.id AS patient_id, 'recall:' || to_char(f.last_visit_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS occurrence,
               NULL::uuid AS ref_id, ${NO_SLOTS} AS slot_ids
        FROM patient_facts f
        JOIN patients p ON p.tenant_id = f.tenant_id AND p.id = f.patient_id
        WHERE f.tenant_id = ${r.tenantId}
          AND f.last_visit_at >= ${monthsAgo(r.now, p.maxMonths)} AND f.last_visit_at < ${monthsAgo(r.now, p.minMonths)}
          AND (f.last_booked_at IS NULL OR f.last_booked_at <= ${r.now})
          AND ${base}`;
    }
    case 'birthday': {
      const p = r.params as PlaybookParams['birthday'];
      const days = Array.from({ length: p.withinDays + 1 }, (_, i) => addDays(today, i));
      const year = Number(today.slice(0, 4));
      const mds = days.map(md);
      // A birthday early next year (the window crosses New Year) belongs to next year's occurrence.
      return sql`
        SELECT p.id AS patient_id,
               'birthday:' || (CASE WHEN p.birth_md >= ${md(today)} THEN ${year} ELSE ${year + 1} END)::text AS occurrence,
               NULL::uuid AS ref_id, ${NO_SLOTS} AS slot_ids
        FROM patients p
        WHERE p.birth_md = ANY(${mds}::int[]) AND ${base}`;
    }
    case 'screening': {
      const p = r.params as PlaybookParams['screening'];
      const branches = p.rules.map(
        (rule, i) => sql`
        SELECT p.id AS patient_id, ${i}::int AS rank, 'screening:' || s.code || ':' || ${today.slice(0, 4)} AS occurrence
        FROM patients p JOIN services s ON s.tenant_id = p.tenant_id AND s.code = ${rule.service}
        WHERE ${base}
          ${rule.sex ? sql`AND p.sex = ${rule.sex}` : sql``}
          AND p.birth_year IS NOT NULL AND ${ageOn(today)} >= ${rule.minAge}
          ${rule.maxAge !== undefined ? sql`AND ${ageOn(today)} <= ${rule.maxAge}` : sql``}
          AND NOT ${hadService(sql`s.id`, monthsAgo(r.now, rule.intervalMonths))}
          AND ${noFutureBooking(r, sql`a.service_id = s.id`)}`,
      );
      // One invitation per patient per run: the first rule of the table that fits.
      return sql`
        SELECT DISTINCT ON (patient_id) patient_id, occurrence, NULL::uuid AS ref_id, ${NO_SLOTS} AS slot_ids
        FROM (${sql.join(branches, sql` UNION ALL `)}) x
        ORDER BY patient_id, rank`;
    }
    case 'cross_sell': {
      const p = r.params as PlaybookParams['cross_sell'];
      const branches = p.rules.map(
        (rule, i) => sql`
        SELECT DISTINCT ON (p.id) p.id AS patient_id, ${i}::int AS rank,
               'cross_sell:' || s.code || ':' || v.id::text AS occurrence, v.id AS ref_id
        FROM visits v
        JOIN specialties sp ON sp.tenant_id = v.tenant_id AND sp.id = v.specialty_id AND sp.code = ${rule.afterSpecialty}
        JOIN services s ON s.tenant_id = v.tenant_id AND s.code = ${rule.offerService}
        JOIN patients p ON p.tenant_id = v.tenant_id AND p.id = v.patient_id
        WHERE v.tenant_id = ${r.tenantId} AND v.visited_at >= ${daysAgo(r.now, rule.withinDays)} AND v.visited_at <= ${r.now}
          AND NOT ${hadService(sql`s.id`, sql`v.visited_at`)}
          AND ${noFutureBooking(r, sql`a.service_id = s.id`)}
          AND ${base}
        ORDER BY p.id, v.visited_at DESC`,
      );
      return sql`
        SELECT DISTINCT ON (patient_id) patient_id, occurrence, ref_id, ${NO_SLOTS} AS slot_ids
        FROM (${sql.join(branches, sql` UNION ALL `)}) x
        ORDER BY patient_id, rank`;
    }
    case 'gap_fill': {
      const p = r.params as PlaybookParams['gap_fill'];
      const until = sql`(${r.now}::timestamptz + make_interval(days => ${p.horizonDays}))`;
      // Under-booked doctors and their free slots; patients of the same specialty without a booking
      // in it, most recent visitors first; each group of `recipientsPerSlot` patients is offered
      // the next `slotsPerMessage` free slots, so every slot goes to a few people and the first to
      // book gets it.
      return sql`
        WITH load AS (
          SELECT s.doctor_id, count(*) FILTER (WHERE s.status = 'booked')::float8 / count(*) AS occupancy
          FROM slots s WHERE s.tenant_id = ${r.tenantId} AND s.starts_at > ${r.now} AND s.starts_at <= ${until}
            AND s.status <> 'blocked'
          GROUP BY s.doctor_id),
        free AS (
          SELECT d.specialty_id, s.id AS slot_id,
                 row_number() OVER (PARTITION BY d.specialty_id ORDER BY s.starts_at, s.id) - 1 AS n,
                 count(*) OVER (PARTITION BY d.specialty_id) AS total
          FROM slots s
          JOIN load l ON l.doctor_id = s.doctor_id AND l.occupancy < ${p.maxOccupancy}
          JOIN doctors d ON d.tenant_id = s.tenant_id AND d.id = s.doctor_id AND d.active
          WHERE s.tenant_id = ${r.tenantId} AND s.status = 'free' AND s.starts_at > ${r.now} AND s.starts_at <= ${until}),
        spec AS (SELECT DISTINCT specialty_id, total FROM free),
        history AS (
          SELECT DISTINCT ON (v.patient_id) v.patient_id, v.specialty_id, v.visited_at
          FROM visits v JOIN spec ON spec.specialty_id = v.specialty_id
          WHERE v.tenant_id = ${r.tenantId} AND v.visited_at >= ${monthsAgo(r.now, p.historyMonths)}
          ORDER BY v.patient_id, v.visited_at DESC),
        ranked AS (
          SELECT h.patient_id, h.specialty_id, spec.total,
                 row_number() OVER (PARTITION BY h.specialty_id ORDER BY h.visited_at DESC, h.patient_id) - 1 AS rn
          FROM history h JOIN spec ON spec.specialty_id = h.specialty_id
          JOIN patients p ON p.tenant_id = ${r.tenantId} AND p.id = h.patient_id
          WHERE ${base}
            AND ${noFutureBooking(
              r,
              sql`EXISTS (SELECT 1 FROM doctors d2 WHERE d2.tenant_id = a.tenant_id AND d2.id = a.doctor_id AND d2.specialty_id = h.specialty_id)`,
            )}),
        chosen AS (
          SELECT * FROM ranked
          WHERE rn < ceil(total::float8 / ${p.slotsPerMessage}) * ${p.recipientsPerSlot})
        SELECT c.patient_id, ${`gap:${today}`}::text AS occurrence, NULL::uuid AS ref_id,
               (SELECT array_agg(f.slot_id ORDER BY f.n) FROM free f
                WHERE f.specialty_id = c.specialty_id
                  AND f.n >= (c.rn / ${p.recipientsPerSlot}) * ${p.slotsPerMessage}
                  AND f.n < (c.rn / ${p.recipientsPerSlot} + 1) * ${p.slotsPerMessage}) AS slot_ids
        FROM chosen c`;
    }
    case 'new_service': {
      const p = r.params as PlaybookParams['new_service'];
      return sql`
        SELECT p.id AS patient_id, ${`announce:${p.subject}`}::text AS occurrence, NULL::uuid AS ref_id, ${NO_SLOTS} AS slot_ids
        FROM patients p
        WHERE ${base}
          ${p.sex ? sql`AND p.sex = ${p.sex}` : sql``}
          ${p.minAge !== undefined ? sql`AND p.birth_year IS NOT NULL AND ${ageOn(today)} >= ${p.minAge}` : sql``}
          ${p.maxAge !== undefined ? sql`AND p.birth_year IS NOT NULL AND ${ageOn(today)} <= ${p.maxAge}` : sql``}
          AND EXISTS (SELECT 1 FROM visits v JOIN specialties sp ON sp.tenant_id = v.tenant_id AND sp.id = v.specialty_id
                      WHERE v.tenant_id = p.tenant_id AND v.patient_id = p.id
                        AND sp.code = ANY(${[...p.specialties]}::text[])
                        AND v.visited_at >= ${monthsAgo(r.now, p.historyMonths)})`;
    }
    case 'nps': {
      const p = r.params as PlaybookParams['nps'];
      const day = addDays(today, -p.afterDays);
      const from = zonedInstant(day, 0, 0, r.timeZone);
      const to = zonedInstant(addDays(day, 1), 0, 0, r.timeZone);
      return sql`
        SELECT DISTINCT ON (p.id) p.id AS patient_id, 'nps:' || v.id::text AS occurrence, v.id AS ref_id, ${NO_SLOTS} AS slot_ids
        FROM visits v JOIN patients p ON p.tenant_id = v.tenant_id AND p.id = v.patient_id
        WHERE v.tenant_id = ${r.tenantId} AND v.visited_at >= ${from} AND v.visited_at < ${to} AND ${base}
        ORDER BY p.id, v.visited_at DESC`;
    }
    case 'reminder': {
      const p = r.params as PlaybookParams['reminder'];
      return sql`
        SELECT p.id AS patient_id, 'reminder:' || a.id::text AS occurrence, a.id AS ref_id, ${NO_SLOTS} AS slot_ids
        FROM appointments a JOIN patients p ON p.tenant_id = a.tenant_id AND p.id = a.patient_id
        WHERE a.tenant_id = ${r.tenantId} AND a.status = 'booked' AND a.starts_at > ${r.now}
          AND a.starts_at <= (${r.now}::timestamptz + make_interval(hours => ${p.hoursBefore})) AND ${base}`;
    }
  }
}
