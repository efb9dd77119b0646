/**
 * Delivery: the transactional outbox, the claim that re-checks consent, suppressions, quiet
 * hours and the contact-pressure budget in one transaction, channel adapters behind one port,
 * retries, reconciliation after a crash, provider webhooks, the review queue of what patients
 * write back (R8), and message history.
 */
export { type HttpGatewaySettings, httpChannel } from './channels/http.ts';
export { composeMail, type MailParts } from './channels/mime.ts';
export {
  type MailTransport,
  messageIdHeader,
  type SmtpSettings,
  smtpChannel,
  smtpProviderName,
} from './channels/smtp.ts';
export { WORKLIST_PROVIDER, worklistChannel } from './channels/worklist.ts';
export {
  COMPLAINT_ALERT_RATE,
  COMPLAINT_PAUSE_RATE,
  COMPLAINT_WINDOW_MS,
  complaintRate,
  type DomainState,
  nextDomainState,
  senderDomain,
} from './complaints.ts';
export { type Decision, decideChannel, type PatientFacts, quietUntil } from './decide.ts';
export { type DomainHealth, measureDomain } from './domains.ts';
export { type EnqueueOptions, type EnqueueResult, enqueueMessages } from './enqueue.ts';
export {
  INBOUND_DUE_WORKING_DAYS,
  type InboundDetail,
  type InboundItem,
  type InboundResolution,
} from './inbound.ts';
export {
  BUDGETED_PURPOSES,
  type ContentRef,
  DEFAULT_POLICY,
  type DeliveryPolicy,
  idempotencyKey,
  MESSAGING_PURPOSES,
  OUTBOX_STATES,
  type OutboxItem,
  type OutboxState,
  policyFrom,
  REPLY_PURPOSES,
  type RenderContext,
  type RequestedChannel,
  SKIP_REASONS,
  type SkipReason,
} from './model.ts';
export type {
  CallTask,
  ChannelAdapter,
  LookupResult,
  MessageRenderer,
  OutboundMessage,
  RenderInput,
  SendOutcome,
  WorklistPort,
} from './ports.ts';
export { currentPressure, type PressureRow, spend, weekStartOf } from './pressure.ts';
export {
  type CampaignStats,
  type Correspondence,
  correspondenceOf,
  type MessageHistoryItem,
} from './reads.ts';
export { catalogueRenderer } from './renderer.ts';
export { backoffMs } from './resilience.ts';
export {
  checkSenderAuth,
  dnsTxtLookup,
  judgeDkim,
  judgeDmarc,
  judgeSpf,
  type RecordCheck,
  type SenderAuth,
  type TxtLookup,
} from './sender-auth.ts';
export { DeliveryService } from './service.ts';
export {
  type InboundMessage,
  isStopKeyword,
  RECEIPT_STATUSES,
  type Receipt,
  type ReceiptStatus,
  STOP_CONFIRMATION_TEMPLATE,
  STOP_CONFIRMATION_WINDOW_MS,
  STOP_KEYWORDS,
} from './webhooks.ts';
export { looksLikeWithdrawal } from './withdrawal-phrases.ts';
export { DeliveryWorker, type PassResult, type WorkerOptions } from './worker.ts';
