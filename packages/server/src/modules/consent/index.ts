export { type ConsentDocument, draftDocument, listDocuments, publishDocument } from './documents.ts';
export {
  ADS_KINDS,
  adsKindFor,
  BASE_KINDS,
  type ConsentKind,
  channelOfKind,
  isConsentKind,
  requiresWrittenForm,
} from './kinds.ts';
export {
  addRepresentative,
  type ConsentEvidence,
  type ConsentInput,
  type ConsentOutcome,
  evidenceAad,
  openEvidence,
  recordConsent,
} from './ledger.ts';
export { type LedgerEvent, type ProjectedState, project } from './projection.ts';
export { type ConsentProof, consentProof } from './proof.ts';
export {
  type ConsentEventView,
  type ConsentStateView,
  consentHistory,
  currentConsents,
  expireConsents,
} from './reads.ts';
export { type ConsentStatus, consentSatisfied, requiredKinds, TRACKING_KIND } from './requirements.ts';
export { ConsentService } from './service.ts';
export {
  bodyHash,
  type ConsentTemplate,
  DEFAULT_TEMPLATES,
  missingWrittenElements,
  publicationProblems,
  WRITTEN_CONSENT_ELEMENTS,
  type WrittenConsentElement,
} from './templates.ts';
