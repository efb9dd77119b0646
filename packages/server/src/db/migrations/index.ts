import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-23T1200_foundation.ts';
import * as auditLog from './2026-11-23T1300_audit_log.ts';
import * as consentLedger from './2026-11-23T1400_consent_ledger.ts';
import * as subjectRights from './2026-11-23T1500_subject_rights.ts';
import * as imports from './2026-11-23T1600_imports.ts';
import * as identity from './2026-11-24T0800_identity.ts';
import * as segments from './2026-11-24T0900_segments.ts';
import * as delivery from './2026-11-24T1000_delivery.ts';
import * as content from './2026-11-24T1100_content.ts';
import * as worklist from './2026-11-24T1150_worklist.ts';
import * as campaigns from './2026-11-24T1200_campaigns.ts';
import * as segmentCountIndexes from './2026-12-02T1900_segment_count_indexes.ts';
import * as visitMonthStats from './2026-12-02T1930_visit_month_stats.ts';
import * as freeSlotsByBranch from './2026-12-02T1940_free_slots_by_branch.ts';
import * as inboundReview from './2026-12-02T2100_inbound_review.ts';
import * as recordKeys from './2026-12-03T0900_record_keys.ts';
import * as importIndexes from './2026-12-03T1700_import_indexes.ts';
import * as lookupProbe from './2026-12-04T1900_lookup_probe.ts';
import * as processors from './2026-12-04T2200_processors.ts';
import * as sendingDomains from './2026-12-04T2300_sending_domains.ts';
import * as incidents from './2026-12-04T2330_incidents.ts';

/** Every migration, by its frozen, date-based name. Append only. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T1200_foundation': foundation,
  '2026-11-23T1300_audit_log': auditLog,
  '2026-11-23T1400_consent_ledger': consentLedger,
  '2026-11-23T1500_subject_rights': subjectRights,
  '2026-11-23T1600_imports': imports,
  '2026-11-24T0800_identity': identity,
  '2026-11-24T0900_segments': segments,
  '2026-11-24T1000_delivery': delivery,
  '2026-11-24T1100_content': content,
  '2026-11-24T1150_worklist': worklist,
  '2026-11-24T1200_campaigns': campaigns,
  '2026-12-02T1900_segment_count_indexes': segmentCountIndexes,
  '2026-12-02T1930_visit_month_stats': visitMonthStats,
  '2026-12-02T1940_free_slots_by_branch': freeSlotsByBranch,
  '2026-12-02T2100_inbound_review': inboundReview,
  '2026-12-03T0900_record_keys': recordKeys,
  '2026-12-03T1700_import_indexes': importIndexes,
  '2026-12-04T1900_lookup_probe': lookupProbe,
  '2026-12-04T2200_processors': processors,
  '2026-12-04T2300_sending_domains': sendingDomains,
  '2026-12-04T2330_incidents': incidents,
};
