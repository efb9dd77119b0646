import {
  type Channel,
  type DataClass,
  type Purpose,
  SEGMENT_PURPOSES,
  type SegmentCondition,
  type SegmentPurpose,
  type SegmentRule,
} from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';
import { requiredKinds } from '../consent/index.ts';
import { classOfColumn, HEALTH_CLASSES, type PatientTable, PURPOSE_CLASSES } from '../policy/index.ts';
import { conditionsOf, parseRule } from './rule.ts';

/** What a caller asks for: a rule, the purpose it serves and, for messages, the channel. */
export interface AudienceInput {
  readonly rule: unknown;
  readonly purpose: Purpose;
  readonly channel?: Channel | null;
}

/**
 * A rule with its privacy consequences worked out: the data classes it reads, whether
 * it is health-based, the purpose it really runs under, and the consents and age floor
 * every member must meet. Only planSegment makes one.
 */
export interface SegmentPlan {
  readonly rule: SegmentRule;
  readonly requestedPurpose: Purpose;
  readonly purpose: SegmentPurpose;
  readonly channel: Channel | null;
  readonly dataClasses: readonly DataClass[];
  /** Reads visit_clinical or clinical data (R6). */
  readonly healthBased: boolean;
  /** Consent kinds every member holds, active, at evaluation time. */
  readonly consentKinds: readonly string[];
  /** Members are 18 or older with a known birth year (R11). */
  readonly adultsOnly: boolean;
}

type Column = readonly [PatientTable, string];

const visitColumns = (c: { specialtyId?: string; serviceId?: string }, windowed: boolean): Column[] => {
  const keyed = c.specialtyId !== undefined || c.serviceId !== undefined;
  if (windowed) {
    const cols: Column[] = [['visits', 'visited_at']];
    if (c.specialtyId) cols.push(['visits', 'specialty_id']);
    if (c.serviceId) cols.push(['visits', 'service_id'], ['visit_services', 'service_id']);
    return cols;
  }
  return keyed
    ? [
        ['patient_visit_facts', 'key'],
        ['patient_visit_facts', 'last_at'],
      ]
    : [['patient_facts', 'last_visit_at']];
};

/** The columns a condition reads: its data classes come from the policy's column table (R31). */
export function columnsRead(c: SegmentCondition): readonly Column[] {
  switch (c.op) {
    case 'sex':
      return [['patient_facts', 'sex']];
    case 'age':
    case 'birthday':
      return [
        ['patient_facts', 'birth_year'],
        ['patient_facts', 'birth_md'],
      ];
    case 'city':
      return [['patient_facts', 'city']];
    case 'home_branch':
      return [['patient_facts', 'home_branch_id']];
    case 'last_visit':
    case 'no_visit':
      return visitColumns(c, false);
    case 'visit_count':
      return visitColumns(c, c.within !== undefined);
    case 'future_appointment':
      return c.withinDays === undefined
        ? [['patient_facts', 'last_booked_at']]
        : [
            ['appointments', 'starts_at'],
            ['appointments', 'status'],
          ];
    case 'no_shows':
      return [
        ['appointments', 'starts_at'],
        ['appointments', 'status'],
      ];
    case 'preferred_channel':
      return [['patient_facts', 'preferred_channel']];
    case 'language':
      return [['patient_facts', 'language']];
    case 'preferred_time':
      return [['patient_facts', 'preferred_time']];
    case 'consent':
    case 'consent_for':
      return [
        ['patient_facts', 'consent_bits'],
        ['consent_state', 'kind'],
        ['consent_state', 'status'],
        ['consent_state', 'expires_at'],
      ];
    case 'messaged':
      return [['patient_facts', 'last_messaged_at']];
  }
}

const MARKETING: ReadonlySet<Purpose> = new Set(['marketing.general', 'marketing.health']);

/**
 * Validates a rule and decides, from the policy's column classes alone, what it may be
 * used for. A health-based rule under a marketing purpose becomes marketing.health with
 * its explicit consent (R6); marketing audiences carry their consents and exclude minors
 * (R11); a rule reading classes its purpose does not allow is refused.
 */
export function planSegment(input: AudienceInput): SegmentPlan {
  const rule = parseRule(input.rule);
  if (!(SEGMENT_PURPOSES as readonly string[]).includes(input.purpose))
    throw new AppError('PURPOSE_NOT_PERMITTED', `segments do not serve the purpose ${input.purpose}`);
  const classes = new Set<DataClass>();
  for (const c of conditionsOf(rule)) {
    for (const [table, column] of columnsRead(c)) {
      const k = classOfColumn(table, column as never);
      if (k !== 'key') classes.add(k);
    }
  }
  const healthBased = [...classes].some((k) => HEALTH_CLASSES.has(k));
  const requested = input.purpose as SegmentPurpose;
  const purpose: SegmentPurpose =
    healthBased && requested === 'marketing.general' ? 'marketing.health' : requested;
  const allowed = PURPOSE_CLASSES[purpose];
  for (const k of classes) {
    if (!allowed.includes(k))
      throw new AppError('PURPOSE_NOT_PERMITTED', `purpose ${purpose} does not allow rules on ${k} data`);
  }
  const channel = input.channel ?? null;
  const marketing = MARKETING.has(purpose);
  return {
    rule,
    requestedPurpose: input.purpose,
    purpose,
    channel,
    dataClasses: [...classes].sort(),
    healthBased,
    consentKinds: marketing ? requiredKinds(purpose, channel ?? undefined) : [],
    adultsOnly: marketing,
  };
}
