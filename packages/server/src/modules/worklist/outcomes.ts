import type { Channel } from '@careloop/contracts';

/**
 * What each call outcome does to the patient, as data: so that nobody is called or messaged again
 * against their wish. Pure; the service applies it in the transaction that records the outcome.
 */

export const CALL_OUTCOMES = [
  'booked',
  'declined',
  'call_later',
  'moved_away',
  'wrong_number',
  'do_not_call',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface Suppression {
  readonly channel: Channel;
  readonly reason: 'do_not_call' | 'wrong_number' | 'opt_out';
  /** `marketing`: no advertising on the channel; `all`: nothing at all (a dead number). */
  readonly scope: 'marketing' | 'all';
}

export interface OutcomeEffects {
  /** The task is finished (call_later reopens it at the agreed time instead). */
  readonly closes: boolean;
  /** Withdraws this consent kind through the ledger (R8). */
  readonly withdraw?: 'ads.receive.call';
  readonly suppress: readonly Suppression[];
  /** Keeps the patient out of marketing: for `days`, or until lifted when null. */
  readonly hold?: { readonly reason: 'moved_away' | 'declined'; readonly days: number | null };
  /** Other open call tasks of the patient are cancelled. */
  readonly cancelOtherTasks: boolean;
  readonly reschedule: boolean;
  /** Counts as a conversion for the campaign (a booked appointment). */
  readonly conversion: boolean;
}

export interface WorklistPolicy {
  /** Days a patient who declined is left alone by marketing. */
  readonly declineCooldownDays: number;
}

export const DEFAULT_WORKLIST_POLICY: WorklistPolicy = { declineCooldownDays: 90 };

const none: Omit<OutcomeEffects, 'closes'> = {
  suppress: [],
  cancelOtherTasks: false,
  reschedule: false,
  conversion: false,
};

export function effectsOf(
  outcome: CallOutcome,
  policy: WorklistPolicy = DEFAULT_WORKLIST_POLICY,
): OutcomeEffects {
  switch (outcome) {
    case 'booked':
      return { ...none, closes: true, conversion: true };
    case 'declined':
      return { ...none, closes: true, hold: { reason: 'declined', days: policy.declineCooldownDays } };
    case 'call_later':
      return { ...none, closes: false, reschedule: true };
    case 'moved_away':
      return {
        ...none,
        closes: true,
        hold: { reason: 'moved_away', days: null },
        suppress: (['email', 'sms', 'messenger', 'call'] as const).map((channel) => ({
          channel,
          reason: 'opt_out' as const,
          scope: 'marketing' as const,
        })),
        cancelOtherTasks: true,
      };
    case 'wrong_number':
      // The number reaches someone else: nothing at all may go to it, care messages included.
      return {
        ...none,
        closes: true,
        suppress: (['sms', 'call'] as const).map((channel) => ({
          channel,
          reason: 'wrong_number' as const,
          scope: 'all' as const,
        })),
        cancelOtherTasks: true,
      };
    case 'do_not_call':
      return {
        ...none,
        closes: true,
        withdraw: 'ads.receive.call',
        suppress: [{ channel: 'call', reason: 'do_not_call', scope: 'marketing' }],
        cancelOtherTasks: true,
      };
  }
}
