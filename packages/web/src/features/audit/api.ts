import { http } from '../../api/http.ts';
import type { AuditEntryView } from '../../api/types.ts';

export interface AuditFilter {
  readonly action?: string;
  readonly outcome?: 'allowed' | 'denied' | 'done' | 'failed';
  /** An opaque patient or object id: never a name (R38). */
  readonly subjectId?: string;
  readonly before?: number;
}

export const listAudit = (f: AuditFilter, signal?: AbortSignal) =>
  http.get<AuditEntryView[]>('/api/audit', { query: { ...f, limit: 100 }, ...(signal ? { signal } : {}) });

export const verifyAudit = () =>
  http.get<{ ok: boolean; entries: number; firstBadSeq?: number; problem?: string }>('/api/audit/verify');
