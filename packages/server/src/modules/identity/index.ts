export { type BlockingRule, type BlockReport, DEFAULT_RULES } from './blocking.ts';
export { type ClusterInput, type Clustering, clusterPairs } from './cluster.ts';
export { clusterCsvLines, evidenceText, pairCsvLines, writeDedupeCsv, writeLines } from './csv.ts';
export { type DedupeResult, type DedupeStats, dedupeRecords, type ScoredPair } from './dedupe.ts';
export type { FieldEvidence } from './explain.ts';
export { type DedupeFileOptions, type DedupeFileResult, dedupeFile } from './file-mode.ts';
export { linkRecordFromFields } from './link-fields.ts';
export { type MergeOutcome, type MergeRequest, mergePatients } from './merge.ts';
export { goldenOf } from './merge-records.ts';
export { linkRecordOfPatient } from './patient-record.ts';
export type { MergeView, ReviewItem, ReviewPage, ReviewSide } from './queue.ts';
export type { DedupeOptions, LinkRecord } from './record.ts';
export type { ResolutionOptions, ResolutionReport } from './resolution.ts';
export { GUARDS, type Guard } from './score.ts';
export { IdentityService } from './service.ts';
export { jaroWinkler, osaDistance } from './similarity.ts';
export {
  chooseGolden,
  DEFAULT_SURVIVORSHIP,
  type GoldenValue,
  type SourceRecord,
  type SurvivorshipRule,
  type Validator,
} from './survivorship.ts';
export type { UnmergeOutcome } from './unmerge.ts';
