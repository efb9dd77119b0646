import { http } from '../../api/http.ts';
import type {
  InboundDetailView,
  InboundItemView,
  InboundResolveRequest,
  InboundResolveResult,
} from '../../api/types.ts';

/** Open messages, overdue first; the list carries no sender and no text. */
export const listInbound = (signal?: AbortSignal) =>
  http.get<InboundItemView[]>('/api/inbound', signal ? { signal } : {});

/** One message decrypted; the server audits every reading (R41). */
export const readInbound = (id: string, signal?: AbortSignal) =>
  http.get<InboundDetailView>(`/api/inbound/${encodeURIComponent(id)}`, signal ? { signal } : {});

/** The note travels in the body, never in the URL (R38). */
export const resolveInbound = (id: string, body: InboundResolveRequest) =>
  http.post<InboundResolveResult>(`/api/inbound/${encodeURIComponent(id)}/resolve`, body);
