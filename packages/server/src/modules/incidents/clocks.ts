import type { Jurisdiction } from '@careloop/contracts';

/**
 * Breach clocks (R43), pure: from the moment an incident is detected, what must be notified by
 * when under the clinic's jurisdiction, and the КоАП 13.11 tier its scale falls in.
 */

export const NOTICES = [
  /** 152-FZ art. 21(3.1)(1): the initial notice to Roskomnadzor within 24 hours. */
  'rkn_initial',
  /** 152-FZ art. 21(3.1)(2): the results of the internal investigation within 72 hours. */
  'rkn_results',
  /** GDPR art. 33: the supervisory authority within 72 hours. */
  'gdpr_authority',
  /** HIPAA 45 CFR 164.404: each individual within 60 days. */
  'hipaa_individuals',
  /** 164.408: HHS within 60 days when 500 or more are affected (else by the year's end + 60 days). */
  'hipaa_hhs',
  /** 164.406: prominent media within 60 days when more than 500 residents of a state are affected. */
  'hipaa_media',
] as const;
export type Notice = (typeof NOTICES)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Deadline {
  readonly notice: Notice;
  readonly due: Date;
}

export function breachDeadlines(detectedAt: Date, jurisdiction: Jurisdiction, affected: number): Deadline[] {
  const at = (ms: number) => new Date(detectedAt.getTime() + ms);
  if (jurisdiction === 'RU')
    return [
      { notice: 'rkn_initial', due: at(24 * HOUR) },
      { notice: 'rkn_results', due: at(72 * HOUR) },
    ];
  if (jurisdiction === 'EU') return [{ notice: 'gdpr_authority', due: at(72 * HOUR) }];
  const endOfYear = Date.UTC(detectedAt.getUTCFullYear(), 11, 31, 23, 59, 59, 999);
  return [
    { notice: 'hipaa_individuals', due: at(60 * DAY) },
    { notice: 'hipaa_hhs', due: affected >= 500 ? at(60 * DAY) : new Date(endOfYear + 60 * DAY) },
    ...(affected >= 500 ? [{ notice: 'hipaa_media' as const, due: at(60 * DAY) }] : []),
  ];
}

/** КоАП 13.11 parts 12–14 grade a leak by the subjects affected: 1,000, 10,000 and 100,000. */
export function koapTier(affected: number): 0 | 1 | 2 | 3 {
  return affected > 100_000 ? 3 : affected > 10_000 ? 2 : affected >= 1_000 ? 1 : 0;
}
