import { http } from '../../api/http.ts';
import type {
  BlockView,
  DraftCheckRequest,
  DraftCheckView,
  DraftCreate,
  PreviewView,
  TemplateDetailView,
  TemplateDraft,
  TemplateSummaryView,
  TemplateVersionView,
} from '../../api/types.ts';

export const listTemplates = (signal?: AbortSignal) =>
  http.get<TemplateSummaryView[]>('/api/content/templates', signal ? { signal } : {});

export const previewTemplate = (
  key: string,
  req: { channel: 'sms' | 'email' | 'messenger'; language: 'ru' | 'en' },
) => http.post<PreviewView>(`/api/content/templates/${encodeURIComponent(key)}/preview`, req);

/** A template with every version, the block versions they pin, and who wrote and approved each. */
export const getTemplate = (id: string, signal?: AbortSignal) =>
  http.get<TemplateDetailView>(`/api/content/templates/${encodeURIComponent(id)}`, signal ? { signal } : {});

/** The latest version of every library block, to add to a draft. */
export const listBlocks = (signal?: AbortSignal) =>
  http.get<BlockView[]>('/api/content/blocks', signal ? { signal } : {});

/** Lint and render an unsaved draft: texts travel in the body, never in the URL (R38). */
export const checkDraft = (req: DraftCheckRequest, signal?: AbortSignal) =>
  http.post<DraftCheckView>('/api/content/drafts/check', req, signal ? { signal } : {});

export const createDraft = (req: DraftCreate) => http.post<TemplateVersionView>('/api/content/drafts', req);

export const saveDraft = (id: string, draft: TemplateDraft) =>
  http.put<TemplateVersionView>(`/api/content/drafts/${encodeURIComponent(id)}`, { draft });

export type WorkflowStep = 'submit' | 'approve' | 'reject' | 'retire';

export const moveVersion = (id: string, version: number, step: WorkflowStep, note?: string) =>
  http.post<TemplateVersionView>(
    `/api/content/templates/${encodeURIComponent(id)}/versions/${version}/${step}`,
    step === 'reject' ? { note } : {},
  );
