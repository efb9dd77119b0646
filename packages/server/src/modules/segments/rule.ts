import {
  CHANNELS,
  type ErrorDetail,
  LANGUAGES,
  type Period,
  PURPOSES,
  SEGMENT_CONDITION_OPS,
  SEGMENT_RULE_LIMITS,
  SEXES,
  type SegmentCondition,
  type SegmentRule,
  TIMES_OF_DAY,
} from '@careloop/contracts';
import { AppError, isUuid } from '../../kernel/index.ts';
import { isConsentKind } from '../consent/index.ts';

/**
 * Parsing of rule trees from untrusted JSON: every problem is reported with the
 * path of the offending node, and nothing but the known shape survives (unknown
 * fields are errors, not silently dropped), so a stored rule means exactly what
 * the evaluator and the compiler read.
 */

const { maxDepth: MAX_DEPTH, maxNodes: MAX_NODES, maxGroupRules: MAX_GROUP_RULES } = SEGMENT_RULE_LIMITS;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Issues {
  readonly list: ErrorDetail[] = [];
  add(field: string, issue: string): undefined {
    if (this.list.length < 50) this.list.push({ field, issue });
    return undefined;
  }
}

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  and: ['rules'],
  or: ['rules'],
  not: ['rule'],
  sex: ['is'],
  age: ['min', 'max', 'on'],
  birthday: ['withinDays'],
  city: ['in'],
  home_branch: ['in'],
  last_visit: ['minAgo', 'maxAgo', 'specialtyId', 'serviceId'],
  no_visit: ['within', 'specialtyId', 'serviceId'],
  visit_count: ['within', 'min', 'max', 'specialtyId', 'serviceId'],
  future_appointment: ['withinDays'],
  no_shows: ['within', 'min'],
  preferred_channel: ['in'],
  language: ['in'],
  preferred_time: ['in'],
  consent: ['kind'],
  consent_for: ['purpose', 'channel'],
  messaged: ['withinDays'],
};

const int = (
  iss: Issues,
  path: string,
  v: unknown,
  min: number,
  max: number,
  optional = false,
): undefined => {
  if (v === undefined) {
    if (!optional) iss.add(path, 'is required');
    return;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    iss.add(path, `must be a whole number from ${min} to ${max}`);
};

const period = (iss: Issues, path: string, v: unknown, optional = false): undefined => {
  if (v === undefined) {
    if (!optional) iss.add(path, 'is required');
    return;
  }
  if (!isObj(v)) return iss.add(path, 'must be a period like {"n": 12, "unit": "months"}');
  for (const k of Object.keys(v)) if (k !== 'n' && k !== 'unit') iss.add(`${path}.${k}`, 'is not allowed');
  if (v.unit !== 'days' && v.unit !== 'months') iss.add(`${path}.unit`, 'must be "days" or "months"');
  int(iss, `${path}.n`, v.n, 0, v.unit === 'months' ? 1200 : 36_600);
};

const oneOf = (iss: Issues, path: string, v: unknown, allowed: readonly string[]): undefined => {
  if (typeof v !== 'string' || !allowed.includes(v)) iss.add(path, `must be one of ${allowed.join(', ')}`);
};

const list = (iss: Issues, path: string, v: unknown, item: (p: string, x: unknown) => void): undefined => {
  if (!Array.isArray(v) || v.length === 0 || v.length > 200)
    return iss.add(path, 'must be a list of 1 to 200 values');
  for (const [i, x] of v.entries()) item(`${path}[${i}]`, x);
};

const uuid =
  (iss: Issues) =>
  (p: string, x: unknown): undefined => {
    if (typeof x !== 'string' || !isUuid(x)) iss.add(p, 'must be an id');
  };

const visitKey = (iss: Issues, path: string, v: Obj): undefined => {
  if (v.specialtyId !== undefined) uuid(iss)(`${path}.specialtyId`, v.specialtyId);
  if (v.serviceId !== undefined) uuid(iss)(`${path}.serviceId`, v.serviceId);
  if (v.specialtyId !== undefined && v.serviceId !== undefined)
    iss.add(path, 'name a specialty or a service, not both');
};

const months = (p: Period): number => (p.unit === 'months' ? p.n * 31 : p.n);

function checkCondition(iss: Issues, path: string, v: Obj): undefined {
  switch (v.op) {
    case 'sex':
      return oneOf(iss, `${path}.is`, v.is, SEXES);
    case 'age':
      int(iss, `${path}.min`, v.min, 0, 150, true);
      int(iss, `${path}.max`, v.max, 0, 150, true);
      if (v.min === undefined && v.max === undefined) iss.add(path, 'give min, max or both');
      if (typeof v.min === 'number' && typeof v.max === 'number' && v.min > v.max)
        iss.add(path, 'min must not exceed max');
      if (v.on !== undefined && (typeof v.on !== 'string' || !isIsoDate(v.on)))
        iss.add(`${path}.on`, 'must be a date like 2026-11-23');
      return;
    case 'birthday':
      return int(iss, `${path}.withinDays`, v.withinDays, 0, 366);
    case 'city':
      return list(iss, `${path}.in`, v.in, (p, x) => {
        if (typeof x !== 'string' || x.trim() === '' || x.length > 100) iss.add(p, 'must be a city name');
      });
    case 'home_branch':
      return list(iss, `${path}.in`, v.in, uuid(iss));
    case 'last_visit':
      visitKey(iss, path, v);
      period(iss, `${path}.minAgo`, v.minAgo, true);
      period(iss, `${path}.maxAgo`, v.maxAgo, true);
      if (isObj(v.minAgo) && isObj(v.maxAgo) && v.minAgo.unit === v.maxAgo.unit) {
        if (Number(v.minAgo.n) > Number(v.maxAgo.n)) iss.add(path, 'minAgo must not exceed maxAgo');
      } else if (isObj(v.minAgo) && isObj(v.maxAgo)) {
        if (months(v.minAgo as unknown as Period) > months(v.maxAgo as unknown as Period) + 3)
          iss.add(path, 'minAgo must not exceed maxAgo');
      }
      return;
    case 'no_visit':
      visitKey(iss, path, v);
      return period(iss, `${path}.within`, v.within);
    case 'visit_count':
      visitKey(iss, path, v);
      period(iss, `${path}.within`, v.within, true);
      int(iss, `${path}.min`, v.min, 0, 100_000, true);
      int(iss, `${path}.max`, v.max, 0, 100_000, true);
      if (v.min === undefined && v.max === undefined) iss.add(path, 'give min, max or both');
      if (typeof v.min === 'number' && typeof v.max === 'number' && v.min > v.max)
        iss.add(path, 'min must not exceed max');
      return;
    case 'future_appointment':
      return int(iss, `${path}.withinDays`, v.withinDays, 0, 3660, true);
    case 'no_shows':
      period(iss, `${path}.within`, v.within);
      return int(iss, `${path}.min`, v.min, 1, 1000);
    case 'preferred_channel':
      return list(iss, `${path}.in`, v.in, (p, x) => oneOf(iss, p, x, CHANNELS));
    case 'language':
      return list(iss, `${path}.in`, v.in, (p, x) => oneOf(iss, p, x, LANGUAGES));
    case 'preferred_time':
      return list(iss, `${path}.in`, v.in, (p, x) => oneOf(iss, p, x, TIMES_OF_DAY));
    case 'consent':
      if (typeof v.kind !== 'string' || !isConsentKind(v.kind))
        iss.add(`${path}.kind`, 'is not a consent kind');
      return;
    case 'consent_for':
      oneOf(iss, `${path}.purpose`, v.purpose, PURPOSES);
      if (v.purpose === 'audience.export')
        iss.add(`${path}.purpose`, 'audience exports are not segment filters');
      if (v.channel !== undefined) oneOf(iss, `${path}.channel`, v.channel, CHANNELS);
      return;
    case 'messaged':
      return int(iss, `${path}.withinDays`, v.withinDays, 0, 3660);
  }
}

export const isIsoDate = (s: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

function check(iss: Issues, path: string, v: unknown, depth: number, nodes: { n: number }): undefined {
  if (++nodes.n > MAX_NODES) return iss.add(path, `a rule may have at most ${MAX_NODES} nodes`);
  if (depth > MAX_DEPTH) return iss.add(path, `groups may nest at most ${MAX_DEPTH} deep`);
  if (!isObj(v)) return iss.add(path, 'must be a rule object with an "op"');
  const op = v.op;
  if (typeof op !== 'string' || !(op in FIELDS))
    return iss.add(`${path}.op`, `must be and, or, not or one of ${SEGMENT_CONDITION_OPS.join(', ')}`);
  for (const k of Object.keys(v))
    if (k !== 'op' && !FIELDS[op]!.includes(k)) iss.add(`${path}.${k}`, 'is not allowed');
  if (op === 'and' || op === 'or') {
    if (!Array.isArray(v.rules)) return iss.add(`${path}.rules`, 'must be a list of rules');
    if (v.rules.length > MAX_GROUP_RULES)
      return iss.add(`${path}.rules`, `a group may hold at most ${MAX_GROUP_RULES} rules`);
    for (const [i, r] of v.rules.entries()) check(iss, `${path}.rules[${i}]`, r, depth + 1, nodes);
    return;
  }
  if (op === 'not') return check(iss, `${path}.rule`, v.rule, depth + 1, nodes);
  checkCondition(iss, path, v);
}

/** Validates untrusted JSON as a rule; throws SEGMENT_RULE_INVALID naming every problem by path. */
export function parseRule(input: unknown): SegmentRule {
  const iss = new Issues();
  check(iss, 'rule', input, 0, { n: 0 });
  if (iss.list.length > 0) throw new AppError('SEGMENT_RULE_INVALID', undefined, iss.list);
  return structuredClone(input) as SegmentRule;
}

/** Every condition of a rule, depth first. */
export function conditionsOf(rule: SegmentRule): SegmentCondition[] {
  switch (rule.op) {
    case 'and':
    case 'or':
      return rule.rules.flatMap(conditionsOf);
    case 'not':
      return conditionsOf(rule.rule);
    default:
      return [rule];
  }
}
