/**
 * The content core: blocks and templates as data, personalisation tokens under the purpose's
 * data classes, Russian and English forms of address, SMS segmentation, rendering, the
 * compliance linter and the approval workflow. Pure: storage and the API wrap it.
 */

export { CONTENT_APPROVER_ROLES, CONTENT_AUTHOR_ROLES, CONTENT_READER_ROLES } from './access.ts';
export { ADDRESS_STYLES, type AddressStyle, fullName, nameWithPatronymic, salutation } from './address.ts';
export { moveVersion } from './approval.ts';
export { type ApprovedTemplate, loadApproved, renderApproved } from './approved.ts';
export { CLAIM_KINDS, type ClaimHit, type ClaimKind, classifySentence, detectClaims } from './claims.ts';
export {
  declineFirstName,
  declineName,
  declinePatronymic,
  declineSurname,
  effectiveSex,
  GRAMMATICAL_CASES,
  type GrammaticalCase,
  sexFromPatronymic,
} from './declension.ts';
export {
  checkDraft,
  type DraftBlock,
  type DraftCheck,
  draftBlockId,
  resolveDraft,
  type TemplateDraft,
  type VariantPreview,
} from './draft.ts';
export {
  type BlockInput,
  type BlockUpdate,
  createBlock,
  createDraftTemplate,
  createTemplate,
  saveDraftTemplate,
  type TemplateInput,
  updateTemplate,
  writeBlockVersion,
} from './library.ts';
export {
  type Finding,
  hasErrors,
  LINT_RULES,
  type LintOptions,
  type LintReport,
  type LintRule,
  lintTemplate,
  SAMPLE_VALUES,
} from './lint.ts';
export {
  APPROVAL_STATES,
  type ApprovalState,
  BLOCK_KINDS,
  type BlockKind,
  type BlockRef,
  type BlockText,
  CONTENT_CHANNELS,
  type ContentBlock,
  type ContentChannel,
  contentFingerprint,
  type PersonName,
  PURPOSE_CLASSES,
  type PurposeClass,
  purposeClassOf,
  type ResolvedTemplate,
  type ResolveResult,
  resolveTemplate,
  TEMPLATE_KINDS,
  type TemplateContent,
  type TemplateKind,
  type TemplateVersion,
  type ValueBag,
  type Variant,
} from './model.ts';
export {
  PLAYBOOK_BLOCKS,
  PLAYBOOK_SEND_PURPOSES,
  PLAYBOOK_TEMPLATE_KEYS,
  PLAYBOOK_TEMPLATES,
  type PlaybookTemplateKey,
  type SeededTemplate,
  seedPlaybookContent,
} from './playbooks.ts';
export {
  type RenderError,
  type RenderedMessage,
  type RenderRequest,
  type RenderResult,
  render,
} from './render.ts';
export { storedContentRenderer } from './renderer.ts';
export {
  DEFAULT_SENSITIVE_TERMS,
  defaultSensitiveMatcher,
  SENSITIVE_CATEGORIES,
  type SensitiveCategory,
  type SensitiveHit,
  type SensitiveMatcher,
  type SensitiveTerm,
  sensitiveMatcher,
  termFromText,
} from './sensitive.ts';
export {
  ContentService,
  type Preview,
  type PreviewRequest,
  type TemplateDetail,
  type TemplateSummary,
  type VersionWithNames,
} from './service.ts';
export { SMS_ENCODINGS, SMS_LIMITS, type SmsEncoding, type SmsInfo, smsEncoding, smsInfo } from './sms.ts';
export type { StoredBlock, StoredVersion } from './store.ts';
export {
  checkTokens,
  parseTemplate,
  type Segment,
  TOKEN_NAMES,
  TOKENS,
  type TokenName,
  type TokenProblem,
  tokensIn,
} from './tokens.ts';
export { promotional, warningShare } from './wording.ts';
export {
  isSendable,
  TRANSITION_REFUSALS,
  TRANSITIONS,
  type TransitionRefusal,
  type TransitionRequest,
  type TransitionResult,
  transition,
  type WorkflowActor,
} from './workflow.ts';
