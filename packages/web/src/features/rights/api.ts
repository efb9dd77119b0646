import { http } from '../../api/http.ts';
import type { SubjectRequestView } from '../../api/types.ts';

export type RequestStatus = 'open' | 'completed' | 'rejected';

export const listRequests = (status: RequestStatus, signal?: AbortSignal) =>
  http.get<SubjectRequestView[]>('/api/subject-requests', {
    query: { status },
    ...(signal ? { signal } : {}),
  });

export const extendRequest = (id: string, reason: string) =>
  http.post<SubjectRequestView>(`/api/subject-requests/${encodeURIComponent(id)}/extend`, { reason });
export const rejectRequest = (id: string, reason: string) =>
  http.post<SubjectRequestView>(`/api/subject-requests/${encodeURIComponent(id)}/reject`, { reason });

/** The subject's package; as a readable page (HTML) or JSON. Given a request id, it answers (closes) it. */
export const exportPatient = (patientId: string, requestId: string | undefined, format: 'json' | 'html') =>
  http.post<string>(
    `/api/patients/${encodeURIComponent(patientId)}/export`,
    { ...(requestId ? { requestId } : {}), format },
    format === 'html' ? { text: true, headers: { accept: 'text/html' } } : {},
  );

export const erasePatient = (patientId: string, requestId: string) =>
  http.post<unknown>(`/api/patients/${encodeURIComponent(patientId)}/erase`, { requestId, confirm: true });

/**
 * Hands a file to the browser's download: the blob: URL is opaque (no personal data in
 * it) and revoked at once.
 */
export function download(content: string, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
