import type { ErrorDetail, ImportField } from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';
import { isImportField, normaliseHeader, recogniseHeader } from './headers.ts';

/** One column of a mapping: the source header and its canonical field, or null to ignore it. */
export interface MappingEntry {
  readonly column: string;
  readonly field: ImportField | null;
}

/**
 * A column mapping as a person states it (`--map`, the import wizard) and as it is saved
 * per source. Several columns may name one field: their non-empty cells are joined in
 * column order (the file's order, not the mapping's) with a space, or with ", " for
 * `address`. With `auto`, columns the mapping does not name are recognised by their header.
 */
export interface MappingSpec {
  readonly version: 1;
  readonly entries: readonly MappingEntry[];
  readonly auto: boolean;
}

/** How a column of a particular file ends up. */
export interface ResolvedColumn {
  readonly index: number;
  readonly name: string;
  readonly field: ImportField | null;
  readonly how: 'explicit' | 'auto' | 'ignored' | 'unmapped';
}

export interface UnmappedColumn {
  readonly index: number;
  readonly name: string;
  /** `unknown_header`: not a header Careloop knows; `field_taken`: its field is already filled by another column. */
  readonly reason: 'unknown_header' | 'field_taken';
  /** For `field_taken`: the field the header names. */
  readonly field?: ImportField;
}

/** A mapping applied to one file's header. */
export interface ResolvedMapping {
  readonly columns: readonly ResolvedColumn[];
  /** Column indices per field, ascending: the order their cells are joined in. */
  readonly fields: Readonly<Partial<Record<ImportField, readonly number[]>>>;
  readonly unmapped: readonly UnmappedColumn[];
}

export const JOIN_SEPARATOR: Readonly<Partial<Record<ImportField, string>>> = { address: ', ' };
export const joinSeparator = (field: ImportField): string => JOIN_SEPARATOR[field] ?? ' ';

const IGNORE = new Set(['-', 'skip', 'ignore']);

function invalid(details: ErrorDetail[]): AppError {
  const message = `The column mapping is not valid: ${details.map((d) => d.issue).join('; ')}.`;
  return new AppError('IMPORT_MAPPING_INVALID', message, details);
}

/**
 * Splits on unquoted `sep`; `"…"` quotes a column name holding `,` or `=` (`""` is a quote).
 * With `keepQuotes` the parts keep their quoting, for a second split.
 */
function splitQuoted(text: string, sep: string, keepQuotes: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (quoted && text[i + 1] === '"') {
        current += keepQuotes ? '""' : '"';
        i++;
      } else {
        quoted = !quoted;
        if (keepQuotes) current += c;
      }
      continue;
    }
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

/**
 * Parses the CLI form `Column=field,Other Column=field`. Quote a column name that holds a
 * comma or `=`: `"Адрес, улица"=address`. The field `-` (or `skip`, `ignore`) ignores a column.
 */
export function parseMapping(text: string, auto = true): MappingSpec {
  const details: ErrorDetail[] = [];
  const entries: MappingEntry[] = [];
  const seen = new Map<string, ImportField | null>();
  for (const part of splitQuoted(text, ',', true)) {
    if (part.trim() === '') continue;
    const eq = splitQuoted(part, '=', false);
    if (eq.length !== 2) {
      details.push({ issue: `"${part.trim()}" is not of the form Column=field` });
      continue;
    }
    const column = eq[0]!.trim();
    const target = eq[1]!.trim();
    if (column === '') {
      details.push({ issue: `"${part.trim()}" names no column` });
      continue;
    }
    if (target === '') {
      details.push({ field: column, issue: `no field for column "${column}" (use - to ignore it)` });
      continue;
    }
    let field: ImportField | null;
    if (IGNORE.has(target.toLowerCase())) field = null;
    else if (isImportField(target)) field = target;
    else {
      details.push({ field: column, issue: `unknown field "${target}" for column "${column}"` });
      continue;
    }
    if (seen.has(column) && seen.get(column) !== field) {
      details.push({ field: column, issue: `column "${column}" is mapped twice` });
      continue;
    }
    if (!seen.has(column)) entries.push({ column, field });
    seen.set(column, field);
  }
  if (details.length > 0) throw invalid(details);
  if (entries.length === 0) throw invalid([{ issue: 'the mapping is empty' }]);
  return { version: 1, entries, auto };
}

/** The CLI form of a mapping (the inverse of `parseMapping`, except for `auto`). */
export function formatMapping(spec: MappingSpec): string {
  const quote = (s: string): string =>
    /[",=]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
  return spec.entries.map((e) => `${quote(e.column)}=${e.field ?? '-'}`).join(',');
}

export const mappingToJson = (spec: MappingSpec): string =>
  JSON.stringify({ version: spec.version, auto: spec.auto, entries: spec.entries });

/** Reads a saved mapping back, checking every entry. */
export function mappingFromJson(json: string | unknown): MappingSpec {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new AppError('IMPORT_MAPPING_INVALID', 'The saved mapping is not JSON.', undefined, { cause });
    }
  }
  const v = value as { version?: unknown; auto?: unknown; entries?: unknown } | null;
  if (v === null || typeof v !== 'object' || v.version !== 1 || !Array.isArray(v.entries)) {
    throw invalid([{ issue: 'a saved mapping needs version 1 and an entries list' }]);
  }
  const details: ErrorDetail[] = [];
  const entries: MappingEntry[] = [];
  for (const raw of v.entries as unknown[]) {
    const e = raw as { column?: unknown; field?: unknown } | null;
    if (e === null || typeof e !== 'object' || typeof e.column !== 'string' || e.column === '') {
      details.push({ issue: 'an entry has no column' });
      continue;
    }
    if (e.field !== null && !(typeof e.field === 'string' && isImportField(e.field))) {
      details.push({ field: e.column, issue: `unknown field "${String(e.field)}" for column "${e.column}"` });
      continue;
    }
    entries.push({ column: e.column, field: e.field });
  }
  if (details.length > 0) throw invalid(details);
  return { version: 1, entries, auto: v.auto !== false };
}

/**
 * Names every column uniquely: an empty header becomes `column_N` (N is 1-based), a repeated
 * one gets ` (2)`, ` (3)`…, so that `raw` keeps every cell and a mapping can point at each.
 */
export function columnNames(headerCells: readonly string[]): string[] {
  const used = new Set<string>();
  return headerCells.map((cell, i) => {
    let name = cell.trim() === '' ? `column_${i + 1}` : cell.trim();
    if (used.has(name)) {
      let k = 2;
      while (used.has(`${name} (${k})`)) k++;
      name = `${name} (${k})`;
    }
    used.add(name);
    return name;
  });
}

/** Finds the column a mapping entry names: exactly, else by normalised header if that is unambiguous. */
function findColumn(names: readonly string[], column: string): number | 'ambiguous' | undefined {
  const exact = names.indexOf(column);
  if (exact >= 0) return exact;
  const key = normaliseHeader(column);
  const hits = names.flatMap((n, i) => (normaliseHeader(n) === key && key !== '' ? [i] : []));
  if (hits.length > 1) return 'ambiguous';
  return hits[0];
}

/**
 * Applies a mapping (or, without one, header recognition alone) to a file's column names.
 * Explicit entries come first; recognition then fills the fields still free. When several
 * columns are recognised as one field, `address` joins them (FEBRL's address_1, address_2),
 * a second phone becomes `phone_alt`, and any other extra column is reported `field_taken`.
 */
export function resolveMapping(names: readonly string[], spec?: MappingSpec): ResolvedMapping {
  const assigned = new Map<number, { field: ImportField | null; how: ResolvedColumn['how'] }>();
  const explicitFields = new Set<ImportField>();
  const details: ErrorDetail[] = [];
  for (const entry of spec?.entries ?? []) {
    const index = findColumn(names, entry.column);
    if (index === undefined) {
      details.push({ field: entry.column, issue: `the file has no column "${entry.column}"` });
    } else if (index === 'ambiguous') {
      details.push({
        field: entry.column,
        issue: `"${entry.column}" matches several columns; use the exact header`,
      });
    } else if (assigned.has(index)) {
      details.push({ field: entry.column, issue: `column "${names[index]}" is mapped twice` });
    } else {
      assigned.set(index, { field: entry.field, how: entry.field === null ? 'ignored' : 'explicit' });
      if (entry.field !== null) explicitFields.add(entry.field);
    }
  }
  if (details.length > 0) throw invalid(details);

  const unmapped: UnmappedColumn[] = [];
  const autoFields = new Set<ImportField>();
  const auto = spec?.auto ?? true;
  names.forEach((name, index) => {
    if (assigned.has(index)) return;
    const recognised = auto ? recogniseHeader(name) : undefined;
    if (recognised === undefined) {
      unmapped.push({ index, name, reason: 'unknown_header' });
      return;
    }
    let field: ImportField | undefined = recognised;
    if (explicitFields.has(field)) field = undefined;
    else if (autoFields.has(field) && field !== 'address') {
      field =
        field === 'phone' && !explicitFields.has('phone_alt') && !autoFields.has('phone_alt')
          ? 'phone_alt'
          : undefined;
    }
    if (field === undefined) {
      unmapped.push({ index, name, reason: 'field_taken', field: recognised });
      return;
    }
    autoFields.add(field);
    assigned.set(index, { field, how: 'auto' });
  });

  const fields: Partial<Record<ImportField, number[]>> = {};
  const columns: ResolvedColumn[] = names.map((name, index) => {
    const a = assigned.get(index);
    if (a === undefined) return { index, name, field: null, how: 'unmapped' };
    if (a.field !== null) fields[a.field] = [...(fields[a.field] ?? []), index];
    return { index, name, field: a.field, how: a.how };
  });
  return { columns, fields, unmapped };
}

/** Freezes a resolved mapping into a spec that reproduces it on the next file from the same source. */
export function toMappingSpec(resolved: ResolvedMapping, auto = false): MappingSpec {
  const entries = resolved.columns
    .filter((c) => c.how !== 'unmapped')
    .map((c): MappingEntry => ({ column: c.name, field: c.field }));
  return { version: 1, entries, auto };
}
