import type { Channel, Language, Purpose } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import type { RenderedMessage, RenderResult, ValueBag } from '../content/index.ts';
import type { ContentRef } from './model.ts';

/** What a channel adapter is handed: one rendered message to one address. */
export interface OutboundMessage {
  readonly messageId: string;
  readonly tenantId: string;
  readonly patientId: string;
  readonly purpose: Purpose;
  readonly channel: Channel;
  /** Hex of the deterministic key (R51): sent as the provider's Idempotency-Key where supported. */
  readonly idempotencyKey: string;
  /** E-mail address, phone number (E.164), messenger id; the patient id for a call task. */
  readonly to: string;
  readonly content: RenderedMessage | CallTask;
  /** RFC 8058 one-click unsubscribe for advertising e-mail (R18). */
  readonly unsubscribeUrl?: string;
}

/** A call-centre task: the script to read; outcomes are recorded by the worklist. */
export interface CallTask {
  readonly channel: 'call';
  readonly call: { readonly script: string; readonly campaignId: string | null };
}

/** Result of one provider call (results for expected outcomes, throws only for bugs). */
export type SendOutcome =
  | { readonly kind: 'sent'; readonly providerMessageId?: string }
  | { readonly kind: 'failed'; readonly retryable: boolean; readonly error: string }
  /** The provider may or may not have accepted it (a timeout after the request went out, R52). */
  | { readonly kind: 'unknown'; readonly error: string };

/** What a provider says about a message found in `sending` after a crash (R52). */
export type LookupResult = 'accepted' | 'not_found' | 'unknown';

/** One port for every channel: SMTP, SMS gateway, messenger bot, call-centre worklist. */
export interface ChannelAdapter {
  readonly channel: Channel;
  /** Provider name, kept on the message for receipts and reconciliation. */
  readonly provider: string;
  /**
   * True when the provider is an outside party that receives patients' data: it must be on the
   * tenant's processor register before anything is sent through it (R58). Only Careloop's own
   * call-centre worklist is not.
   */
  readonly external: boolean;
  /** The domain e-mail goes out from: its complaint rate can pause advertising on it (R20). */
  readonly sendingDomain?: string;
  /** True when the provider deduplicates by our idempotency key: resending after a crash is safe. */
  readonly idempotent: boolean;
  send(message: OutboundMessage): Promise<SendOutcome>;
  /** Asks the provider whether it accepted a message (by our key or its id); absent → human review. */
  lookup?(message: {
    readonly messageId: string;
    readonly idempotencyKey: string;
    readonly providerMessageId: string | null;
  }): Promise<LookupResult>;
  close?(): Promise<void>;
}

/** Everything a renderer needs for one recipient. */
export interface RenderInput {
  readonly tenantId: string;
  readonly content: ContentRef;
  readonly channel: 'email' | 'sms' | 'messenger';
  readonly language: Language;
  readonly purpose: Purpose;
  readonly values: ValueBag;
}

/**
 * Renders approved content (implemented by the content library over its storage). It must refuse
 * anything not approved: delivery never sends a draft.
 */
export interface MessageRenderer {
  render(tx: Tx, input: RenderInput): Promise<RenderResult>;
}

/** Creates call-centre tasks (implemented by the worklist module); returns the task id. */
export interface WorklistPort {
  createCallTask(
    tx: Tx | null,
    task: {
      readonly tenantId: string;
      readonly patientId: string;
      readonly messageId: string;
      readonly campaignId: string | null;
      readonly purpose: Purpose;
      readonly script: string;
      readonly idempotencyKey: string;
    },
  ): Promise<string>;
}
