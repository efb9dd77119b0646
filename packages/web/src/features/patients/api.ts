import { http } from '../../api/http.ts';
import type {
  ConsentDocumentView,
  ConsentOutcome,
  ConsentRequest,
  LinkView,
  MessageHistoryItemView,
  PatientCard,
  PatientConsents,
  PatientSearch,
  PatientSummary,
} from '../../api/types.ts';

export const REVEALABLE = ['phone', 'email', 'snils', 'omsPolicy', 'nationalId'] as const;
export type Revealable = (typeof REVEALABLE)[number];

/** Terms travel in the POST body, never in the URL (R38). */
export const searchPatients = (terms: PatientSearch) =>
  http.post<PatientSummary[]>('/api/patients/search', terms);

/** The card; revealing an identifier states a reason, sent in a header (audited, R30/R31). */
export const getCard = (
  id: string,
  reveal: readonly Revealable[] = [],
  reason?: string,
  signal?: AbortSignal,
) =>
  http.get<PatientCard>(`/api/patients/${encodeURIComponent(id)}`, {
    query: { reveal: reveal.length ? reveal.join(',') : undefined },
    ...(reason ? { headers: { 'x-access-reason': encodeURIComponent(reason) } } : {}),
    ...(signal ? { signal } : {}),
  });

export const getConsents = (id: string, signal?: AbortSignal) =>
  http.get<PatientConsents>(`/api/patients/${encodeURIComponent(id)}/consents`, signal ? { signal } : {});

export const recordConsent = (id: string, body: ConsentRequest) =>
  http.post<ConsentOutcome>(`/api/patients/${encodeURIComponent(id)}/consents`, body);

export const publishedDocuments = (signal?: AbortSignal) =>
  http.get<ConsentDocumentView[]>('/api/consent-documents', {
    query: { status: 'published' },
    ...(signal ? { signal } : {}),
  });

export const preferenceLink = (id: string) =>
  http.post<LinkView>(`/api/patients/${encodeURIComponent(id)}/links`, { purpose: 'preferences' });

/** What went out to the patient or why not (R56); no message content. */
export const getMessages = (id: string, signal?: AbortSignal) =>
  http.get<MessageHistoryItemView[]>(
    `/api/patients/${encodeURIComponent(id)}/messages`,
    signal ? { signal } : {},
  );
