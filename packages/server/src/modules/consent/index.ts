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
  bodyHash,
  type ConsentTemplate,
  DEFAULT_TEMPLATES,
  missingWrittenElements,
  publicationProblems,
  WRITTEN_CONSENT_ELEMENTS,
  type WrittenConsentElement,
} from './templates.ts';
