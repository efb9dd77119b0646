import { http } from '../../api/http.ts';
import type { MergeOutcomeView, MergeView, ReviewPageView, UnmergeOutcomeView } from '../../api/types.ts';

/** Identifiers the review queue can show in full; the server drops what the role may not read. */
export const PAIR_REVEALABLE = ['phone', 'email', 'snils', 'omsPolicy'] as const;
export type PairRevealable = (typeof PAIR_REVEALABLE)[number];

export const PAGE_SIZE = 20;

/**
 * The queue, strongest pairs first, a page at a time: `cursor` is the previous page's `next`
 * (none for the first page). Only the opaque cursor and field names travel in the URL (R38).
 */
export const reviewQueue = (
  page: { cursor: string | null; reveal: readonly PairRevealable[] },
  signal?: AbortSignal,
) =>
  http.get<ReviewPageView>('/api/identity/candidates', {
    query: {
      limit: PAGE_SIZE,
      cursor: page.cursor ?? undefined,
      reveal: page.reveal.length ? page.reveal.join(',') : undefined,
    },
    ...(signal ? { signal } : {}),
  });

export const mergePair = (candidateId: string, survivorId: string) =>
  http.post<MergeOutcomeView>(`/api/identity/candidates/${encodeURIComponent(candidateId)}/merge`, {
    survivorId,
  });

export const rejectPair = (candidateId: string) =>
  http.post<{ ok: true }>(`/api/identity/candidates/${encodeURIComponent(candidateId)}/reject`);

export const listMerges = (page: { before: string | null }, signal?: AbortSignal) =>
  http.get<MergeView[]>('/api/identity/merges', {
    query: { limit: PAGE_SIZE, ...(page.before ? { before: page.before } : {}) },
    ...(signal ? { signal } : {}),
  });

export const unmerge = (mergeId: string) =>
  http.post<UnmergeOutcomeView>(`/api/identity/merges/${encodeURIComponent(mergeId)}/unmerge`);
