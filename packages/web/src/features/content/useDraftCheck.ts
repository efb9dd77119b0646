import type { Purpose } from '@careloop/contracts/vocab';
import { useEffect, useState } from 'react';
import type { DraftCheckView } from '../../api/types.ts';
import { checkDraft } from './api.ts';
import { type Draft, normalise } from './draft.ts';

/** Wait for the author to stop typing before asking the linter. */
const DEBOUNCE_MS = 400;

export interface DraftCheckState {
  /** The latest answer; kept while a newer one is on its way. */
  readonly check: DraftCheckView | null;
  readonly error: unknown;
  /** True until the answer for the current draft has arrived. */
  readonly pending: boolean;
}

/** The compliance linter's findings and sample previews of a draft, live as it changes. */
export function useDraftCheck(sendPurpose: Purpose, draft: Draft): DraftCheckState {
  const [state, setState] = useState<DraftCheckState>({ check: null, error: null, pending: true });
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      // An unnamed draft is still checked: the name is not what the linter reads.
      checkDraft(
        { sendPurpose, draft: { ...normalise(draft), name: draft.name.trim() || '—' } },
        ac.signal,
      ).then(
        (check) => !ac.signal.aborted && setState({ check, error: null, pending: false }),
        (error: unknown) => !ac.signal.aborted && setState((s) => ({ ...s, error, pending: false })),
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [sendPurpose, draft]);
  return state;
}
