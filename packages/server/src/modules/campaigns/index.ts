/**
 * Campaigns: the playbook catalogue, campaigns tuned from it, launches that snapshot the
 * audience with a held-out control group and queue the treatment arm in one transaction,
 * slot offers and surveys behind signed links, and attribution against the control group.
 */
export { type ArmResult, type CampaignResults, campaignResults } from './attribution.ts';
export { type AudienceRequest, audienceSql } from './audience.ts';
export { controlSql, controlThreshold, isControl } from './control.ts';
export { type LaunchResult, runOccurrence, type TemplateResolver } from './launch.ts';
export type { BookingOutcome, OfferedSlot, OfferView, SurveyView } from './links.ts';
export {
  DEFAULT_FOLLOW_UPS,
  DEFAULT_SCREENING_RULES,
  type FollowUpRule,
  isPlaybookKey,
  PLAYBOOK_KEYS,
  PLAYBOOKS,
  type Playbook,
  type PlaybookKey,
  type PlaybookParams,
  playbook,
  type ScreeningRule,
} from './playbooks.ts';
export { type AudiencePreview, CampaignService, PLAYBOOK_CLASSES } from './service.ts';
export { type Comparison, compareArms, csat, normalCdf, nps } from './stats.ts';
export type { Campaign, CampaignRun, CampaignStatus } from './store.ts';
