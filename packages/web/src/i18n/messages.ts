import type { Language } from '@careloop/contracts/vocab';
import { auditMessages } from '../features/audit/messages.ts';
import { authMessages } from '../features/auth/messages.ts';
import { campaignMessages } from '../features/campaigns/messages.ts';
import { kindMessages } from '../features/consents/kind-messages.ts';
import { consentDocMessages } from '../features/consents/messages.ts';
import { contentMessages } from '../features/content/messages.ts';
import { deliverabilityMessages } from '../features/deliverability/messages.ts';
import { duplicateMessages } from '../features/duplicates/messages.ts';
import { homeMessages } from '../features/home/messages.ts';
import { importFieldMessages, importMessages } from '../features/imports/messages.ts';
import { inboundMessages } from '../features/inbound/messages.ts';
import { incidentMessages } from '../features/incidents/messages.ts';
import { patientMessages } from '../features/patients/messages.ts';
import { processorMessages } from '../features/processors/messages.ts';
import { rightsMessages } from '../features/rights/messages.ts';
import { segmentMessages } from '../features/segments/messages.ts';
import { worklistMessages } from '../features/worklist/messages.ts';
import { common } from './common.ts';
import type { Messages } from './define.ts';

/**
 * Every feature's messages, one line each. A screen's keys are prefixed with its
 * feature name ('patients.search.title') so features never collide.
 */
// biome-ignore format: one feature per line keeps parallel additions from conflicting
const ALL = [
  common,
  authMessages,
  homeMessages,
  kindMessages,
  patientMessages,
  importMessages,
  importFieldMessages,
  consentDocMessages,
  auditMessages,
  incidentMessages,
  rightsMessages,
  duplicateMessages,
  worklistMessages,
  inboundMessages,
  processorMessages,
  campaignMessages,
  deliverabilityMessages,
  contentMessages,
  segmentMessages,
] as const;

type KeysOf<T> = T extends Messages<infer K> ? K : never;
export type MessageKey = KeysOf<(typeof ALL)[number]>;

export const MESSAGES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  ru: Object.assign({}, ...ALL.map((m) => m.ru)),
  en: Object.assign({}, ...ALL.map((m) => m.en)),
};
