import { http } from '../../api/http.ts';
import type { PreviewView, TemplateSummaryView } from '../../api/types.ts';

export const listTemplates = (signal?: AbortSignal) =>
  http.get<TemplateSummaryView[]>('/api/content/templates', signal ? { signal } : {});

export const previewTemplate = (
  key: string,
  req: { channel: 'sms' | 'email' | 'messenger'; language: 'ru' | 'en' },
) => http.post<PreviewView>(`/api/content/templates/${encodeURIComponent(key)}/preview`, req);
