import {
  type CAMPAIGN_CHANNELS,
  PLAYBOOK_KEYS,
  type PlaybookParamSchemas,
  type Purpose,
} from '@careloop/contracts';
import type { Static } from 'typebox';

/**
 * The playbook catalogue: ready campaigns a clinic switches on and tunes. Pure data.
 * Each playbook names its purpose (which decides the consents its audience needs),
 * the approved template it sends, its channel policy, its default schedule and its
 * parameters with defaults. The audience itself is built from the parameters by
 * `audience.ts`, always under the purpose's consent filter.
 */

export { PLAYBOOK_KEYS };
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export type PlaybookKey = (typeof PLAYBOOK_KEYS)[number];

/** Each playbook's parameters: the API schemas are the single source. */
export type PlaybookParams = { [K in PlaybookKey]: Static<(typeof PlaybookParamSchemas)[K]> };
export type ScreeningRule = PlaybookParams['screening']['rules'][number];
export type FollowUpRule = PlaybookParams['cross_sell']['rules'][number];

export type ParamsOf<K extends PlaybookKey> = PlaybookParams[K];

export interface Playbook<K extends PlaybookKey = PlaybookKey> {
  readonly key: K;
  readonly purpose: Purpose;
  /** Chosen from visit_clinical data: the purpose is marketing.health and its consent is forced (R6). */
  readonly healthBased: boolean;
  readonly templateKey: string;
  readonly channels: readonly CampaignChannel[];
  readonly defaultChannel: CampaignChannel;
  readonly schedule: 'once' | 'daily';
  readonly defaults: ParamsOf<K>;
  /** Per-patient occurrence: what makes a second message to the same patient a duplicate (R25). */
  readonly occurrence: string;
  readonly nameRu: string;
  readonly nameEn: string;
}

/** Screening rule table seeded for a new clinic; each clinic edits its own copy in the campaign. */
export const DEFAULT_SCREENING_RULES: ScreeningRule[] = [
  { service: 'mammography', sex: 'female', minAge: 40, intervalMonths: 12 },
  { service: 'ecg', minAge: 40, intervalMonths: 12 },
  { service: 'lab.psa', sex: 'male', minAge: 50, intervalMonths: 12 },
  { service: 'lab.hba1c', minAge: 45, intervalMonths: 36 },
  { service: 'eye.exam', minAge: 40, intervalMonths: 24 },
];

export const DEFAULT_FOLLOW_UPS: FollowUpRule[] = [
  { afterSpecialty: 'cardiology', offerService: 'ecg', withinDays: 30 },
  { afterSpecialty: 'endocrinology', offerService: 'lab.hba1c', withinDays: 60 },
  { afterSpecialty: 'gastroenterology', offerService: 'us.abdomen', withinDays: 30 },
];

const ADS: readonly CampaignChannel[] = ['sms', 'email', 'messenger', 'call', 'preferred'];

export const PLAYBOOKS: { readonly [K in PlaybookKey]: Playbook<K> } = {
  recall: {
    key: 'recall',
    purpose: 'marketing.general',
    healthBased: false,
    templateKey: 'recall',
    channels: ADS,
    defaultChannel: 'sms',
    schedule: 'daily',
    defaults: { minMonths: 3, maxMonths: 6 },
    occurrence: 'recall:<last visit day>',
    nameRu: 'Возврат пациентов (3–6 месяцев без визита)',
    nameEn: 'Recall (3–6 months since the last visit)',
  },
  birthday: {
    key: 'birthday',
    purpose: 'marketing.general',
    healthBased: false,
    templateKey: 'birthday',
    channels: ADS,
    defaultChannel: 'sms',
    schedule: 'daily',
    defaults: { withinDays: 3, offer: 'birthday-10' },
    occurrence: 'birthday:<year>',
    nameRu: 'Поздравление с днём рождения',
    nameEn: 'Birthday greeting with an offer',
  },
  screening: {
    key: 'screening',
    purpose: 'marketing.health',
    healthBased: true,
    templateKey: 'screening.mammography',
    channels: ADS,
    defaultChannel: 'email',
    schedule: 'daily',
    defaults: { rules: DEFAULT_SCREENING_RULES },
    occurrence: 'screening:<service>:<year>',
    nameRu: 'Скрининг по возрасту и полу',
    nameEn: 'Age and sex screening',
  },
  cross_sell: {
    key: 'cross_sell',
    purpose: 'marketing.health',
    healthBased: true,
    templateKey: 'cross_sell.ecg',
    channels: ADS,
    defaultChannel: 'email',
    schedule: 'daily',
    defaults: { rules: DEFAULT_FOLLOW_UPS },
    occurrence: 'cross_sell:<visit>',
    nameRu: 'Дополнительная услуга после приёма специалиста',
    nameEn: 'Follow-up service after a specialist visit',
  },
  gap_fill: {
    key: 'gap_fill',
    purpose: 'marketing.health',
    healthBased: true,
    templateKey: 'schedule_gap',
    channels: ADS,
    defaultChannel: 'sms',
    schedule: 'daily',
    defaults: {
      horizonDays: 14,
      maxOccupancy: 0.5,
      slotsPerMessage: 3,
      recipientsPerSlot: 3,
      historyMonths: 24,
      offerHours: 48,
    },
    occurrence: 'gap:<day>',
    nameRu: 'Заполнение свободных окон в расписании',
    nameEn: 'Schedule gap filling',
  },
  new_service: {
    key: 'new_service',
    purpose: 'marketing.health',
    healthBased: true,
    templateKey: 'announcement',
    channels: ADS,
    defaultChannel: 'email',
    schedule: 'once',
    defaults: { specialties: ['cardiology'], historyMonths: 24, subject: 'new-service' },
    occurrence: 'announce:<subject>',
    nameRu: 'Анонс новой услуги или врача',
    nameEn: 'New service or doctor announcement',
  },
  nps: {
    key: 'nps',
    purpose: 'service.feedback',
    healthBased: false,
    templateKey: 'feedback.nps',
    channels: ['email', 'sms', 'messenger', 'preferred'],
    defaultChannel: 'email',
    schedule: 'daily',
    defaults: { afterDays: 1, surveyDays: 14 },
    occurrence: 'nps:<visit>',
    nameRu: 'Опрос после визита (NPS/CSAT)',
    nameEn: 'Post-visit survey (NPS/CSAT)',
  },
  reminder: {
    key: 'reminder',
    purpose: 'care.appointment',
    healthBased: false,
    templateKey: 'reminder.appointment',
    channels: ['sms', 'email', 'messenger', 'call', 'preferred'],
    defaultChannel: 'sms',
    schedule: 'daily',
    defaults: { hoursBefore: 36 },
    occurrence: 'reminder:<appointment>',
    nameRu: 'Напоминание о записи',
    nameEn: 'Appointment reminder',
  },
};

export const isPlaybookKey = (k: string): k is PlaybookKey =>
  (PLAYBOOK_KEYS as readonly string[]).includes(k);

export const playbook = <K extends PlaybookKey>(key: K): Playbook<K> => PLAYBOOKS[key];
