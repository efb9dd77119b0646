import { http } from '../../api/http.ts';
import type { ConsentDocumentDraft, ConsentDocumentView } from '../../api/types.ts';

export const listDocuments = (signal?: AbortSignal) =>
  http.get<ConsentDocumentView[]>('/api/consent-documents', signal ? { signal } : {});
export const draftDocument = (body: ConsentDocumentDraft) =>
  http.post<ConsentDocumentView>('/api/consent-documents', body);
export const publishDocument = (id: string) =>
  http.post<ConsentDocumentView>(`/api/consent-documents/${encodeURIComponent(id)}/publish`);
