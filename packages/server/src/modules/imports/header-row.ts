import { normaliseHeader, recogniseHeader } from './headers.ts';
import type { MappingSpec } from './mapping.ts';
import type { SourceRecord } from './rows.ts';

/** `auto`, no header at all, or the line (CSV) or sheet row (XLSX) number that holds it. */
export type HeaderOption = 'auto' | 'none' | number;

/** How many non-empty records at the top of a file may hold the header (title lines above it are common). */
export const HEADER_SEARCH_ROWS = 10;

export interface HeaderChoice {
  /** Index into the sampled records, or null when the file has no header. */
  readonly index: number | null;
  /** Why: `recognised` headers, `labels` (first row of text without recognised names), `none`, or `explicit`. */
  readonly reason: 'recognised' | 'labels' | 'none' | 'explicit';
}

const isEmpty = (r: SourceRecord): boolean => r.cells.every((c) => c === '');

/** A cell that reads like data, not like a column label. */
function looksLikeValue(cell: string): boolean {
  if (cell.includes('@')) return true;
  let digits = 0;
  for (const ch of cell) if (ch >= '0' && ch <= '9') digits++;
  return digits > 0 && digits * 2 >= cell.length;
}

function score(record: SourceRecord, mappingKeys: ReadonlySet<string>): number {
  let n = 0;
  for (const cell of record.cells) {
    if (cell === '') continue;
    if (recogniseHeader(cell) !== undefined || mappingKeys.has(normaliseHeader(cell))) n++;
  }
  return n;
}

/**
 * Finds the header among the first records: the row naming the most known fields (or
 * columns of the explicit mapping), needing two such names, or one when that is all the
 * row holds. Title lines above it become preamble. Failing that, a first row of distinct,
 * non-empty labels that do not look like values (mostly digits, e-mails) is taken as a
 * header of unknown columns; otherwise the file has no header.
 */
export function chooseHeader(
  sample: readonly SourceRecord[],
  option: HeaderOption,
  spec: MappingSpec | undefined,
): HeaderChoice {
  if (option === 'none') return { index: null, reason: 'none' };
  if (typeof option === 'number') {
    const index = sample.findIndex((r) => r.line === option);
    return index < 0 ? { index: null, reason: 'none' } : { index, reason: 'explicit' };
  }
  const mappingKeys = new Set((spec?.entries ?? []).map((e) => normaliseHeader(e.column)));
  let best = -1;
  let bestScore = 0;
  let seen = 0;
  let first = -1;
  for (let i = 0; i < sample.length && seen < HEADER_SEARCH_ROWS; i++) {
    const record = sample[i]!;
    if (isEmpty(record)) continue;
    seen++;
    if (first < 0) first = i;
    const s = score(record, mappingKeys);
    const filled = record.cells.filter((c) => c !== '').length;
    if (s > bestScore && (s >= 2 || s === filled)) {
      best = i;
      bestScore = s;
    }
  }
  if (best >= 0) return { index: best, reason: 'recognised' };
  if (first < 0) return { index: null, reason: 'none' };
  const cells = sample[first]!.cells;
  const labels =
    cells.every((c) => c !== '' && !looksLikeValue(c)) &&
    new Set(cells.map(normaliseHeader)).size === cells.length;
  return labels ? { index: first, reason: 'labels' } : { index: null, reason: 'none' };
}
