import type { ChannelAdapter, WorklistPort } from '../ports.ts';

export const WORKLIST_PROVIDER = 'worklist';

/**
 * The call-centre channel: "sending" creates a worklist task with the script. The worklist keys
 * tasks by our idempotency key, so creating one twice after a crash is harmless.
 */
export function worklistChannel(port: WorklistPort): ChannelAdapter {
  return {
    channel: 'call',
    provider: WORKLIST_PROVIDER,
    // Tasks stay in Careloop for the clinic's own call centre: no outside party receives them.
    external: false,
    idempotent: true,
    async send(m) {
      if (m.content.channel !== 'call') return { kind: 'failed', retryable: false, error: 'not_call' };
      try {
        const id = await port.createCallTask(null, {
          tenantId: m.tenantId,
          patientId: m.patientId,
          messageId: m.messageId,
          campaignId: m.content.call.campaignId,
          purpose: m.purpose,
          script: m.content.call.script,
          idempotencyKey: m.idempotencyKey,
        });
        return { kind: 'sent', providerMessageId: id };
      } catch (e) {
        return { kind: 'failed', retryable: true, error: (e as Error).name || 'worklist' };
      }
    },
  };
}
