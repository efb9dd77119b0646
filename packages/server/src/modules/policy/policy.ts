import {
  type Action,
  DATA_CLASSES,
  type DataClass,
  PURPOSES,
  type Purpose,
  ROLES,
  type Role,
} from '@careloop/contracts';

/**
 * The policy: pure, deny-by-default decisions over (role, purpose, action, data
 * class). Nothing here is an allow-all fallback: a combination not granted below is
 * denied with a reason. Callers never consult it directly for reads: the stores do.
 */

/** The data classes each purpose may touch at all (DESIGN §2). */
export const PURPOSE_CLASSES: Readonly<Record<Purpose, readonly DataClass[]>> = {
  'care.appointment': ['identity', 'contact', 'demographic', 'preference', 'visit_timing', 'visit_clinical'],
  'care.followup': [
    'identity',
    'contact',
    'demographic',
    'preference',
    'visit_timing',
    'visit_clinical',
    'clinical',
  ],
  'service.feedback': ['identity', 'contact', 'demographic', 'preference', 'visit_timing', 'engagement'],
  // The address it answers on and the language it answers in; no role may message under it.
  'service.notice': ['contact', 'preference'],
  // Offers chosen from who the patient is and when they came, never from what they came for.
  'marketing.general': ['identity', 'contact', 'demographic', 'preference', 'visit_timing', 'engagement'],
  'marketing.health': [
    'identity',
    'contact',
    'demographic',
    'preference',
    'visit_timing',
    'engagement',
    'visit_clinical',
    'clinical',
  ],
  'analytics.aggregate': [
    'demographic',
    'preference',
    'visit_timing',
    'visit_clinical',
    'engagement',
    'financial',
  ],
  'audience.export': ['contact'],
  'registry.operations': ['identity', 'contact', 'demographic', 'preference', 'visit_timing', 'engagement'],
  'subject.rights': [...DATA_CLASSES],
};

/** Which actions each role may take under each purpose. Absent = denied. */
export const ROLE_GRANTS: Readonly<Record<Role, Partial<Record<Purpose, readonly Action[]>>>> = {
  owner: {
    'registry.operations': ['read', 'list', 'write', 'aggregate'],
    'care.appointment': ['read', 'list', 'write', 'message', 'aggregate'],
    'care.followup': ['read', 'list', 'message', 'aggregate'],
    'service.feedback': ['list', 'aggregate', 'segment', 'message'],
    'marketing.general': ['list', 'aggregate', 'segment', 'message'],
    'marketing.health': ['list', 'aggregate', 'segment', 'message'],
    'analytics.aggregate': ['aggregate'],
    'audience.export': ['export'],
    'subject.rights': ['read', 'write', 'export'],
  },
  marketer: {
    'marketing.general': ['list', 'aggregate', 'segment', 'message'],
    'marketing.health': ['aggregate', 'segment', 'message'],
    'service.feedback': ['aggregate', 'segment', 'message'],
    'analytics.aggregate': ['aggregate'],
  },
  front_desk: {
    'registry.operations': ['read', 'list', 'write'],
    'care.appointment': ['read', 'list', 'write', 'message'],
    'service.feedback': ['message'],
    // The call centre works the worklist of marketing calls the patient consented to: names and
    // numbers only (the health classes stay out of reach: no reason is ever stated for them).
    'marketing.general': ['read', 'list'],
    'marketing.health': ['read', 'list'],
  },
  doctor: {
    'registry.operations': ['read', 'list'],
    'care.appointment': ['read', 'list'],
    'care.followup': ['read', 'list', 'write', 'message'],
  },
  analyst: {
    'analytics.aggregate': ['aggregate'],
  },
  auditor: {
    'subject.rights': ['read', 'write', 'export'],
    'analytics.aggregate': ['aggregate'],
  },
};

/** Actions that show an individual patient's data to a person or hand it outside. */
export const INDIVIDUAL_ACTIONS: ReadonlySet<Action> = new Set(['read', 'list', 'export']);

/**
 * Classes a role may see about an individual (R30, R31): marketers never see what a
 * patient came for, front desk never sees clinical records, and so on.
 */
export const ROLE_INDIVIDUAL_CLASSES: Readonly<Record<Role, readonly DataClass[]>> = {
  owner: [...DATA_CLASSES],
  marketer: ['identity', 'demographic', 'preference', 'visit_timing'],
  front_desk: [
    'identity',
    'contact',
    'demographic',
    'preference',
    'visit_timing',
    'visit_clinical',
    'engagement',
  ],
  doctor: [...DATA_CLASSES],
  analyst: [],
  auditor: [...DATA_CLASSES],
};

/** Health-derived classes: reading them about individuals for marketing is elevated access (R30). */
export const HEALTH_CLASSES: ReadonlySet<DataClass> = new Set(['visit_clinical', 'clinical']);

export interface PolicyRequest {
  readonly role: Role;
  readonly purpose: Purpose;
  readonly action: Action;
  readonly dataClass: DataClass;
  /** Whether the actor stated a reason (elevated access, R30). */
  readonly hasReason?: boolean;
}

export type PolicyDecision =
  | { readonly allowed: true; readonly elevated: boolean }
  | {
      readonly allowed: false;
      readonly code: 'PURPOSE_NOT_PERMITTED' | 'ROLE_NOT_PERMITTED' | 'REASON_REQUIRED';
      readonly reason: string;
    };

const deny = (
  code: 'PURPOSE_NOT_PERMITTED' | 'ROLE_NOT_PERMITTED' | 'REASON_REQUIRED',
  reason: string,
): PolicyDecision => ({ allowed: false, code, reason });

export function decide(req: PolicyRequest): PolicyDecision {
  // Unknown vocabulary (from a bad cast or a stale client) is denied, never defaulted.
  if (!ROLES.includes(req.role)) return deny('ROLE_NOT_PERMITTED', `unknown role ${String(req.role)}`);
  if (!PURPOSES.includes(req.purpose))
    return deny('PURPOSE_NOT_PERMITTED', `unknown purpose ${String(req.purpose)}`);
  if (!PURPOSE_CLASSES[req.purpose].includes(req.dataClass)) {
    return deny('PURPOSE_NOT_PERMITTED', `purpose ${req.purpose} does not allow ${req.dataClass} data`);
  }
  const actions = ROLE_GRANTS[req.role][req.purpose];
  if (!actions?.includes(req.action)) {
    return deny('ROLE_NOT_PERMITTED', `role ${req.role} may not ${req.action} under ${req.purpose}`);
  }
  if (INDIVIDUAL_ACTIONS.has(req.action)) {
    if (!ROLE_INDIVIDUAL_CLASSES[req.role].includes(req.dataClass)) {
      return deny(
        'ROLE_NOT_PERMITTED',
        `role ${req.role} may not see ${req.dataClass} data of individual patients`,
      );
    }
    // Listing who is in a health-based audience is elevated access: a reason is required and audited.
    if (req.purpose === 'marketing.health' && HEALTH_CLASSES.has(req.dataClass)) {
      if (!req.hasReason)
        return deny('REASON_REQUIRED', 'listing a health-based audience needs a stated reason');
      return { allowed: true, elevated: true };
    }
  }
  return { allowed: true, elevated: false };
}

/** The classes a request may read: the intersection the stores select columns by. */
export function permittedClasses(req: Omit<PolicyRequest, 'dataClass'>): Set<DataClass> {
  const out = new Set<DataClass>();
  for (const c of DATA_CLASSES) if (decide({ ...req, dataClass: c }).allowed) out.add(c);
  return out;
}
