import type { Tx } from '../../db/index.ts';
import type { Clock, Scope } from '../../kernel/index.ts';
import { type ConsentEvidence, recordConsent } from '../consent/index.ts';
import type { TenantKeys } from '../crypto/index.ts';

export interface AdvertisingWithdrawal {
  readonly channel: 'sms' | 'messenger';
  /** `stop_keyword` for a STOP, `opt_out` for a wish a person read in free text. */
  readonly reason: 'stop_keyword' | 'opt_out';
  /** Who told us: the provider, or the inbound message a person resolved. */
  readonly source: string;
  readonly evidence?: ConsentEvidence;
}

/**
 * Withdraws advertising on a channel for each patient (R8): a `withdrawn` event for
 * `ads.receive.<channel>` on the consent ledger, under the scope given for that patient (the
 * patient themself for a keyword, the person who read a free-text message), and a marketing
 * suppression of the channel, so nothing advertising is queued or sent there again (R7). Care
 * messages still go out. STOP and the inbound review queue both withdraw through here.
 */
export async function withdrawAdvertising(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scopeFor: (patientId: string) => Scope,
  patientIds: readonly string[],
  w: AdvertisingWithdrawal,
): Promise<void> {
  if (patientIds.length === 0) return;
  for (const patientId of patientIds) {
    await recordConsent(tx, keys, clock, scopeFor(patientId), patientId, {
      kind: `ads.receive.${w.channel}`,
      event: 'withdrawn',
      captureMethod: w.channel === 'sms' ? 'sms_keyword' : 'messenger',
      ...(w.evidence ? { evidence: w.evidence } : {}),
    });
  }
  const now = clock.now();
  await tx
    .insertInto('delivery_suppressions')
    .values(
      patientIds.map((patientId) => ({
        tenant_id: keys.tenantId,
        patient_id: patientId,
        channel: w.channel,
        reason: w.reason,
        scope: 'marketing' as const,
        source: w.source,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}
