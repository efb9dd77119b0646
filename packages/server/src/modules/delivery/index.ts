/**
 * Delivery: the transactional outbox, the claim that re-checks consent, suppressions, quiet
 * hours and the contact-pressure budget in one transaction, channel adapters behind one port,
 * retries, reconciliation after a crash, provider webhooks and message history.
 */
export { type EnqueueOptions, type EnqueueResult, enqueueMessages } from './enqueue.ts';
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
