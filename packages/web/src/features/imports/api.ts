import { http } from '../../api/http.ts';
import type {
  ImportBatchView,
  ImportPreviewView,
  ImportReportView,
  QuarantineFixResult,
  QuarantineItemView,
} from '../../api/types.ts';

/** The file goes as the request body; its name in a header (percent-encoded). */
const fileHeaders = (file: File) => ({
  'content-type': /\.csv$|\.txt$|\.tsv$/i.test(file.name) ? 'text/csv' : 'application/octet-stream',
  'x-file-name': encodeURIComponent(file.name),
});

/** Text files are previewed from their first megabyte: the preview shows the first rows only. */
export const PREVIEW_BYTES = 1024 * 1024;
export const isSliceable = (file: File) => /\.(csv|txt|tsv)$/i.test(file.name) && file.size > PREVIEW_BYTES;

export const previewImport = (file: File, mapping?: string) =>
  http.upload<ImportPreviewView>(
    '/api/imports/preview',
    isSliceable(file) ? file.slice(0, PREVIEW_BYTES) : file,
    { headers: fileHeaders(file), query: { mapping } },
  );

export const runImport = (file: File, source: string, mapping?: string) =>
  http.upload<ImportReportView>('/api/imports', file, {
    headers: fileHeaders(file),
    query: { source, mapping, saveMapping: mapping ? true : undefined },
  });

export const listBatches = (signal?: AbortSignal) =>
  http.get<ImportBatchView[]>('/api/imports', signal ? { signal } : {});

export const listQuarantine = (
  batchId: string,
  status: 'open' | 'fixed' | 'dismissed',
  signal?: AbortSignal,
) =>
  http.get<QuarantineItemView[]>('/api/imports/quarantine', {
    query: { batchId, status, limit: 500 },
    ...(signal ? { signal } : {}),
  });

export const fixRow = (id: string, fields: Record<string, string>) =>
  http.post<QuarantineFixResult>(`/api/imports/quarantine/${encodeURIComponent(id)}/fix`, { fields });

export const dismissRow = (id: string, reason: string) =>
  http.post<{ ok: true }>(`/api/imports/quarantine/${encodeURIComponent(id)}/dismiss`, { reason });

/** The `Column=field,…` form the API takes; names holding a comma or `=` are quoted. */
export function formatMapping(columns: readonly { name: string; field: string | null }[]): string {
  const q = (s: string) => (/[,="]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return columns.map((c) => `${q(c.name)}=${c.field ?? '-'}`).join(',');
}

/**
 * Column → field mappings of the imports run in this page session (memory only), so the
 * quarantine's fix form can start from the row as mapped. A fix sends the whole row.
 */
const mappings = new Map<string, readonly { name: string; field: string | null }[]>();
export const rememberMapping = (
  batchId: string,
  columns: readonly { name: string; field: string | null }[],
) => mappings.set(batchId, columns);
export const mappingOf = (batchId: string) => mappings.get(batchId);

/** Fields a person may need to fill when the mapping is not known. */
export const CORE_FIELDS = [
  'last_name',
  'first_name',
  'middle_name',
  'birth_date',
  'phone',
  'email',
] as const;
