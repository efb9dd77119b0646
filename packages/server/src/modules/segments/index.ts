export {
  type AudienceSnapshot,
  countSegment,
  listMembers,
  type SegmentCount,
  segmentContext,
  snapshotAudience,
  snapshotMembers,
} from './audience.ts';
export { ageOn, ago, birthdayWindow, type EvalContext } from './calendar.ts';
export { listSpecialties, type SpecialtyOption } from './catalog.ts';
export {
  cellKeyOf,
  cellKeySql,
  KEY_SPACE,
  noiseOf,
  PERTURBATION,
  perturbCount,
  type ShownCount,
  SMALL_COUNT,
} from './cell-key.ts';
export { type CompiledSegment, compileRule, compileSegment, isCompiledSegment } from './compile.ts';
export { evaluateRule, inAudience, type PatientFacts } from './evaluate.ts';
export {
  CONSENT_BITS,
  NEW_PATIENT_FACT_COLUMNS,
  NEW_PATIENT_FACT_TYPES,
  newPatientFacts,
  noteMessaged,
  type RebuildSummary,
  rebuildFacts,
  refreshFacts,
} from './facts.ts';
export { type AudienceInput, columnsRead, planSegment, type SegmentPlan } from './plan.ts';
export { conditionsOf, parseRule } from './rule.ts';
export {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  type Segment,
  type SegmentChange,
  type SegmentInput,
  updateSegment,
} from './saved.ts';
export {
  type AudienceRef,
  type CountView,
  presentCount,
  SegmentService,
  seesPerturbedCounts,
} from './service.ts';
