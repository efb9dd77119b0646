import type { SegmentCondition, SegmentRule } from '@careloop/contracts';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { requiredKinds } from '../consent/index.ts';
import { ago, birthdayWindow, daysAfter, type EvalContext, UNKNOWN_MD, yearMd } from './calendar.ts';
import { CONSENT_BITS } from './facts.ts';
import { type AudienceInput, planSegment, type SegmentPlan } from './plan.ts';

/**
 * The rule compiler: a plan becomes a WHERE clause over `patient_facts AS f` (one row
 * per active patient), with facts tables and indexed raw tables in correlated
 * subqueries. Every fragment is two-valued (never NULL), so NOT means what the
 * evaluator means. Instants are computed here (calendar.ts) and bound as parameters.
 */

type Bool = RawBuilder<SqlBool>;

const TRUE: Bool = sql<SqlBool>`TRUE`;
const FALSE: Bool = sql<SqlBool>`FALSE`;

const all = (parts: readonly Bool[]): Bool =>
  parts.length === 0 ? TRUE : sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
const any = (parts: readonly Bool[]): Bool =>
  parts.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;

const PATIENT = sql`v.tenant_id = f.tenant_id AND v.patient_id = f.patient_id`;

/** Age on a day ≥ min: birth (year, month-day) on or before (day - min years). */
function ageAtLeast(min: number, day: string): Bool {
  const { year, md } = yearMd(day);
  const y = year - min;
  return sql<SqlBool>`(f.birth_year IS NOT NULL AND f.birth_year <= ${y} AND (f.birth_year < ${y} OR coalesce(f.birth_md, ${UNKNOWN_MD}) <= ${md}))`;
}

/** Age on a day ≤ max: born after (day - (max + 1) years). */
function ageAtMost(max: number, day: string): Bool {
  const { year, md } = yearMd(day);
  const y = year - max - 1;
  return sql<SqlBool>`(f.birth_year IS NOT NULL AND f.birth_year >= ${y} AND (f.birth_year > ${y} OR coalesce(f.birth_md, ${UNKNOWN_MD}) > ${md}))`;
}

/** Every consent_bits value holding all the bits of a mask (the facts only ever set known bits). */
function withBits(mask: number): number[] {
  const known = Object.values(CONSENT_BITS).reduce((m, b) => m | b, 0);
  const values: number[] = [];
  for (let v = 0; v <= known; v++) if ((v & known) === v && (v & mask) === mask) values.push(v);
  return values;
}

/**
 * The facts' bits of some consent kinds, corrected by the ledger: a bit says a grant of the kind
 * is in consent_state, so it counts unless that grant's term has passed (the expiry job has not
 * marked it yet). Written as an equality list rather than `consent_bits & mask`, so the planner
 * estimates it from the column's statistics and an index can seek on it; the lapse check is a
 * top-level NOT EXISTS, so the planner joins it as a set (a partial index of granted consents
 * with a term holds the few candidates) instead of charging a subquery to every patient.
 */
function bitsActive(kinds: readonly string[], at: Date): Bool {
  const mask = kinds.reduce((m, k) => m | CONSENT_BITS[k]!, 0);
  return sql<SqlBool>`(f.consent_bits = ANY (${withBits(mask)}::int[]) AND NOT EXISTS (SELECT 1 FROM consent_state cs WHERE cs.tenant_id = f.tenant_id AND cs.patient_id = f.patient_id AND cs.status = 'granted' AND cs.expires_at <= ${at} AND cs.kind = ANY (${[...kinds]}::text[])))`;
}

/** An active consent of one kind with no bit in the facts, read from the ledger state. */
const ledgerActive = (kind: string, at: Date): Bool =>
  sql<SqlBool>`EXISTS (SELECT 1 FROM consent_state cs WHERE cs.tenant_id = f.tenant_id AND cs.patient_id = f.patient_id AND cs.kind = ${kind} AND cs.status = 'granted' AND (cs.expires_at IS NULL OR cs.expires_at > ${at}))`;

/** All of several consents: one bit test for those the facts carry, the ledger for the rest. */
function consentsActive(kinds: readonly string[], at: Date): Bool {
  const bitted = kinds.filter((k) => CONSENT_BITS[k] !== undefined);
  const other = kinds.filter((k) => CONSENT_BITS[k] === undefined);
  return all([
    ...(bitted.length > 0 ? [bitsActive(bitted, at)] : []),
    ...other.map((k) => ledgerActive(k, at)),
  ]);
}

const keyOf = (c: { specialtyId?: string; serviceId?: string }) =>
  c.specialtyId !== undefined
    ? { dim: 'specialty', key: c.specialtyId }
    : c.serviceId !== undefined
      ? { dim: 'service', key: c.serviceId }
      : null;

/** Visits of one patient since an instant, optionally of one specialty or service, counted from raw visits. */
function visitsSince(c: { specialtyId?: string; serviceId?: string }, from: Date): RawBuilder<number> {
  const key =
    c.specialtyId !== undefined
      ? sql` AND v.specialty_id = ${c.specialtyId}`
      : c.serviceId !== undefined
        ? sql` AND (v.service_id = ${c.serviceId} OR EXISTS (SELECT 1 FROM visit_services s WHERE s.tenant_id = v.tenant_id AND s.visit_id = v.id AND s.service_id = ${c.serviceId}))`
        : sql``;
  return sql<number>`(SELECT count(*) FROM visits v WHERE ${PATIENT} AND v.visited_at >= ${from}${key})`;
}

const between = (n: RawBuilder<number>, min?: number, max?: number): Bool =>
  all([
    ...(min !== undefined ? [sql<SqlBool>`${n} >= ${min}`] : []),
    ...(max !== undefined ? [sql<SqlBool>`${n} <= ${max}`] : []),
  ]);

function condition(c: SegmentCondition, ctx: EvalContext): Bool {
  const { at } = ctx;
  switch (c.op) {
    case 'sex':
      return sql<SqlBool>`(f.sex IS NOT NULL AND f.sex = ${c.is})`;
    case 'age': {
      const day = c.on ?? ctx.today;
      return all([
        ...(c.min !== undefined ? [ageAtLeast(c.min, day)] : []),
        ...(c.max !== undefined ? [ageAtMost(c.max, day)] : []),
      ]);
    }
    case 'birthday':
      return sql<SqlBool>`(f.birth_md IS NOT NULL AND f.birth_md = ANY (${birthdayWindow(ctx.today, c.withinDays)}::smallint[]))`;
    case 'city':
      return sql<SqlBool>`(f.city IS NOT NULL AND f.city = ANY (${[...c.in]}::text[]))`;
    case 'home_branch':
      return sql<SqlBool>`(f.home_branch_id IS NOT NULL AND f.home_branch_id = ANY (${[...c.in]}::uuid[]))`;
    case 'last_visit': {
      const k = keyOf(c);
      const hi = c.minAgo ? ago(at, c.minAgo) : null;
      const lo = c.maxAgo ? ago(at, c.maxAgo) : null;
      if (!k) {
        return all([
          sql<SqlBool>`f.last_visit_at IS NOT NULL`,
          ...(hi ? [sql<SqlBool>`f.last_visit_at <= ${hi}`] : []),
          ...(lo ? [sql<SqlBool>`f.last_visit_at >= ${lo}`] : []),
        ]);
      }
      return sql<SqlBool>`EXISTS (SELECT 1 FROM patient_visit_facts v WHERE ${PATIENT} AND v.dim = ${k.dim} AND v.key = ${k.key}${hi ? sql` AND v.last_at <= ${hi}` : sql``}${lo ? sql` AND v.last_at >= ${lo}` : sql``})`;
    }
    case 'no_visit': {
      const k = keyOf(c);
      const from = ago(at, c.within);
      if (!k) return sql<SqlBool>`(f.last_visit_at IS NULL OR f.last_visit_at < ${from})`;
      return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM patient_visit_facts v WHERE ${PATIENT} AND v.dim = ${k.dim} AND v.key = ${k.key} AND v.last_at >= ${from})`;
    }
    case 'visit_count': {
      if (c.within !== undefined) return between(visitsSince(c, ago(at, c.within)), c.min, c.max);
      const k = keyOf(c);
      const n = k
        ? sql<number>`coalesce((SELECT v.visits FROM patient_visit_facts v WHERE ${PATIENT} AND v.dim = ${k.dim} AND v.key = ${k.key}), 0)`
        : sql<number>`f.visit_count`;
      return between(n, c.min, c.max);
    }
    case 'future_appointment':
      if (c.withinDays === undefined)
        return sql<SqlBool>`(f.last_booked_at IS NOT NULL AND f.last_booked_at > ${at})`;
      return sql<SqlBool>`EXISTS (SELECT 1 FROM appointments v WHERE ${PATIENT} AND v.status = 'booked' AND v.starts_at > ${at} AND v.starts_at <= ${daysAfter(at, c.withinDays)})`;
    case 'no_shows':
      return sql<SqlBool>`(SELECT count(*) FROM appointments v WHERE ${PATIENT} AND v.status = 'no_show' AND v.starts_at >= ${ago(at, c.within)}) >= ${c.min}`;
    case 'preferred_channel':
      return sql<SqlBool>`(f.preferred_channel IS NOT NULL AND f.preferred_channel = ANY (${[...c.in]}::text[]))`;
    case 'language':
      return sql<SqlBool>`f.language = ANY (${[...c.in]}::text[])`;
    case 'preferred_time':
      return sql<SqlBool>`(f.preferred_time IS NOT NULL AND f.preferred_time = ANY (${[...c.in]}::text[]))`;
    case 'consent':
      return consentsActive([c.kind], at);
    case 'consent_for':
      return consentsActive(requiredKinds(c.purpose, c.channel), at);
    case 'messaged':
      return sql<SqlBool>`(f.last_messaged_at IS NOT NULL AND f.last_messaged_at >= ${daysAfter(at, -c.withinDays)})`;
  }
}

/** The SQL of a bare rule over `patient_facts AS f` (no guards: use compileSegment for audiences). */
export function compileRule(rule: SegmentRule, ctx: EvalContext): Expression<SqlBool> {
  const walk = (r: SegmentRule): Bool => {
    switch (r.op) {
      case 'and':
        return all(r.rules.map(walk));
      case 'or':
        return any(r.rules.map(walk));
      case 'not':
        return sql<SqlBool>`NOT ${walk(r.rule)}`;
      default:
        return condition(r, ctx);
    }
  };
  return walk(rule);
}

const brand: unique symbol = Symbol('CompiledSegment');

/**
 * An audience ready to run. Only compileSegment makes one, and it always puts the
 * plan's guards (consents, age floor) in front of the rule: there is no way to get
 * the rule's SQL for an audience without them (R6, R11).
 */
export interface CompiledSegment {
  readonly [brand]: true;
  readonly plan: SegmentPlan;
  readonly ctx: EvalContext;
  /** The WHERE clause over `patient_facts AS f`. */
  readonly where: Expression<SqlBool>;
}

export function compileSegment(input: AudienceInput | SegmentPlan, ctx: EvalContext): CompiledSegment {
  // A plan handed in is re-planned from its rule and requested purpose: guards are never taken on trust.
  const plan =
    'requestedPurpose' in input
      ? planSegment({ rule: input.rule, purpose: input.requestedPurpose, channel: input.channel })
      : planSegment(input);
  const guards: Bool[] = [];
  if (plan.adultsOnly) guards.push(ageAtLeast(18, ctx.today));
  guards.push(consentsActive(plan.consentKinds, ctx.at));
  const where = sql<SqlBool>`(${all(guards)} AND ${compileRule(plan.rule, ctx)})`;
  return { [brand]: true, plan, ctx, where };
}

export const isCompiledSegment = (x: unknown): x is CompiledSegment =>
  typeof x === 'object' && x !== null && (x as CompiledSegment)[brand] === true;
