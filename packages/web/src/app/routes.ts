import { auditScreens } from '../features/audit/index.ts';
import { campaignScreens } from '../features/campaigns/index.ts';
import { consentScreens } from '../features/consents/index.ts';
import { contentScreens } from '../features/content/index.ts';
import { deliverabilityScreens } from '../features/deliverability/index.ts';
import { duplicateScreens } from '../features/duplicates/index.ts';
import { homeScreens } from '../features/home/index.ts';
import { importScreens } from '../features/imports/index.ts';
import { inboundScreens } from '../features/inbound/index.ts';
import { incidentScreens } from '../features/incidents/index.ts';
import { patientScreens } from '../features/patients/index.ts';
import { processorScreens } from '../features/processors/index.ts';
import { rightsScreens } from '../features/rights/index.ts';
import { segmentScreens } from '../features/segments/index.ts';
import { worklistScreens } from '../features/worklist/index.ts';
import type { Screen } from './router.tsx';

/**
 * Every screen of the dashboard, in navigation order: one line per feature.
 * A feature exports its screens from its index.ts (see packages/web/README.md).
 */
// biome-ignore format: one feature per line keeps parallel additions from conflicting
export const SCREENS: readonly Screen[] = [
  ...homeScreens,
  ...patientScreens,
  ...importScreens,
  ...consentScreens,
  ...rightsScreens,
  ...auditScreens,
  ...incidentScreens,
  ...duplicateScreens,
  ...worklistScreens,
  ...inboundScreens,
  ...processorScreens,
  ...campaignScreens,
  ...deliverabilityScreens,
  ...contentScreens,
  ...segmentScreens,
];
