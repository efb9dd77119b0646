import { http } from '../../api/http.ts';
import type {
  CallOutcomeRequest,
  CallTaskView,
  FreeSlotQuery,
  FreeSlotsView,
  RevealedPhone,
} from '../../api/types.ts';

export type CallOutcomeName = CallOutcomeRequest['outcome'];

/**
 * The outcomes in the order an operator reads them. Kept here rather than imported from
 * the contracts (that would bundle the schema library); the check below fails the build
 * when the contract gains an outcome this list lacks.
 */
export const CALL_OUTCOMES = [
  'booked',
  'call_later',
  'declined',
  'wrong_number',
  'moved_away',
  'do_not_call',
] as const satisfies readonly CallOutcomeName[];
type Missing = Exclude<CallOutcomeName, (typeof CALL_OUTCOMES)[number]>;
export const outcomesComplete: [Missing] extends [never] ? true : Missing = true;

/** The open queue due now, or (mine) the tasks this operator holds. */
export const listTasks = (mine: boolean, signal?: AbortSignal) =>
  http.get<CallTaskView[]>('/api/worklist/tasks', {
    query: { mine: mine || undefined },
    ...(signal ? { signal } : {}),
  });

export const claimTask = (id: string) =>
  http.post<CallTaskView>(`/api/worklist/tasks/${encodeURIComponent(id)}/claim`);

/** The full number comes back in the body only, kept in component memory (R38); audited. */
export const revealPhone = (id: string) =>
  http.post<RevealedPhone>(`/api/worklist/tasks/${encodeURIComponent(id)}/reveal-phone`);

export const recordOutcome = (id: string, body: CallOutcomeRequest) =>
  http.post<CallTaskView>(`/api/worklist/tasks/${encodeURIComponent(id)}/outcome`, body);

/** Free slots to book on the call, for a task this operator holds; the query carries ids and instants only (R38). */
export const listFreeSlots = (id: string, query: FreeSlotQuery, signal?: AbortSignal) =>
  http.get<FreeSlotsView>(`/api/worklist/tasks/${encodeURIComponent(id)}/slots`, {
    query: { ...query },
    ...(signal ? { signal } : {}),
  });
