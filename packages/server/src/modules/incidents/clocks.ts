import { INCIDENT_NOTICES, type IncidentNotice, type Jurisdiction } from '@careloop/contracts';

/**
 * Breach clocks (R43), pure: from the moment an incident is detected, what must be notified by
 * when under the clinic's jurisdiction, and the КоАП 13.11 tier its scale falls in.
 */

/**
 * The notices (`INCIDENT_NOTICES`): 152-FZ art. 21(3.1) — Roskomnadzor's initial notice within
 * 24 hours (`rkn_initial`) and the investigation's results within 72 (`rkn_results`); GDPR art. 33
 * — the supervisory authority within 72 hours (`gdpr_authority`); HIPAA 45 CFR 164.404–408 — each
 * individual within 60 days (`hipaa_individuals`), HHS within 60 days from 500 affected, else by
 * the year's end plus 60 days (`hipaa_hhs`), the media within 60 days from 500 (`hipaa_media`).
 */
export const NOTICES = INCIDENT_NOTICES;
export type Notice = IncidentNotice;

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
