import type {
  AppointmentStatus,
  Channel,
  Language,
  PatientStatus,
  SegmentCondition,
  SegmentRule,
  Sex,
  TimeOfDay,
} from '@careloop/contracts';
import { type ConsentStatus, requiredKinds } from '../consent/index.ts';
import { ageOn, ago, birthdayWindow, daysAfter, type EvalContext } from './calendar.ts';
import type { SegmentPlan } from './plan.ts';

/** Everything a rule can ask about one patient, as plain data (the evaluator's input). */
export interface PatientFacts {
  readonly id: string;
  readonly status: PatientStatus;
  readonly sex: Sex | null;
  readonly birthYear: number | null;
  readonly birthMd: number | null;
  readonly city: string | null;
  readonly homeBranchId: string | null;
  readonly language: Language;
  readonly preferredChannel: Channel | null;
  readonly preferredTime: TimeOfDay | null;
  readonly visits: readonly {
    readonly at: Date;
    readonly specialtyId: string | null;
    /** The visit's main service and every service line. */
    readonly serviceIds: readonly string[];
  }[];
  readonly appointments: readonly { readonly startsAt: Date; readonly status: AppointmentStatus }[];
  readonly consents: readonly ConsentStatus[];
  readonly lastMessagedAt: Date | null;
}

const matchesKey = (
  v: PatientFacts['visits'][number],
  c: { specialtyId?: string; serviceId?: string },
): boolean =>
  (c.specialtyId === undefined || v.specialtyId === c.specialtyId) &&
  (c.serviceId === undefined || v.serviceIds.includes(c.serviceId));

const consentActive = (f: PatientFacts, kind: string, at: Date): boolean =>
  f.consents.some(
    (c) => c.kind === kind && c.status === 'granted' && (c.expiresAt === null || c.expiresAt > at),
  );

function condition(c: SegmentCondition, f: PatientFacts, ctx: EvalContext): boolean {
  const { at } = ctx;
  switch (c.op) {
    case 'sex':
      return f.sex === c.is;
    case 'age': {
      const age = ageOn(f.birthYear, f.birthMd, c.on ?? ctx.today);
      return age !== null && (c.min === undefined || age >= c.min) && (c.max === undefined || age <= c.max);
    }
    case 'birthday':
      return f.birthMd !== null && birthdayWindow(ctx.today, c.withinDays).includes(f.birthMd);
    case 'city':
      return f.city !== null && c.in.includes(f.city);
    case 'home_branch':
      return f.homeBranchId !== null && c.in.includes(f.homeBranchId);
    case 'last_visit': {
      const times = f.visits.filter((v) => matchesKey(v, c)).map((v) => v.at.getTime());
      if (times.length === 0) return false;
      const last = Math.max(...times);
      return (
        (c.minAgo === undefined || last <= ago(at, c.minAgo).getTime()) &&
        (c.maxAgo === undefined || last >= ago(at, c.maxAgo).getTime())
      );
    }
    case 'no_visit': {
      const from = ago(at, c.within).getTime();
      return !f.visits.some((v) => matchesKey(v, c) && v.at.getTime() >= from);
    }
    case 'visit_count': {
      const from = c.within === undefined ? null : ago(at, c.within).getTime();
      const n = f.visits.filter((v) => matchesKey(v, c) && (from === null || v.at.getTime() >= from)).length;
      return (c.min === undefined || n >= c.min) && (c.max === undefined || n <= c.max);
    }
    case 'future_appointment': {
      const until = c.withinDays === undefined ? null : daysAfter(at, c.withinDays).getTime();
      return f.appointments.some(
        (a) =>
          a.status === 'booked' &&
          a.startsAt.getTime() > at.getTime() &&
          (until === null || a.startsAt.getTime() <= until),
      );
    }
    case 'no_shows': {
      const from = ago(at, c.within).getTime();
      return (
        f.appointments.filter((a) => a.status === 'no_show' && a.startsAt.getTime() >= from).length >= c.min
      );
    }
    case 'preferred_channel':
      return f.preferredChannel !== null && c.in.includes(f.preferredChannel);
    case 'language':
      return c.in.includes(f.language);
    case 'preferred_time':
      return f.preferredTime !== null && c.in.includes(f.preferredTime);
    case 'consent':
      return consentActive(f, c.kind, at);
    case 'consent_for':
      return requiredKinds(c.purpose, c.channel).every((k) => consentActive(f, k, at));
    case 'messaged':
      return (
        f.lastMessagedAt !== null && f.lastMessagedAt.getTime() >= daysAfter(at, -c.withinDays).getTime()
      );
  }
}

/** Whether a patient satisfies a rule at a moment: the reference the SQL compiler must agree with. */
export function evaluateRule(rule: SegmentRule, f: PatientFacts, ctx: EvalContext): boolean {
  switch (rule.op) {
    case 'and':
      return rule.rules.every((r) => evaluateRule(r, f, ctx));
    case 'or':
      return rule.rules.some((r) => evaluateRule(r, f, ctx));
    case 'not':
      return !evaluateRule(rule.rule, f, ctx);
    default:
      return condition(rule, f, ctx);
  }
}

/** Whether a patient belongs to a planned audience: the rule plus the guards the plan imposes. */
export function inAudience(plan: SegmentPlan, f: PatientFacts, ctx: EvalContext): boolean {
  if (f.status !== 'active') return false;
  if (!plan.consentKinds.every((k) => consentActive(f, k, ctx.at))) return false;
  if (plan.adultsOnly) {
    const age = ageOn(f.birthYear, f.birthMd, ctx.today);
    if (age === null || age < 18) return false;
  }
  return evaluateRule(plan.rule, f, ctx);
}
