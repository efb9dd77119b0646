import type { ImportField, RowProblemCode } from '@careloop/contracts';
import { joinSeparator, type ResolvedMapping } from './mapping.ts';

export interface RowProblem {
  readonly rowNo: number;
  readonly code: RowProblemCode;
  /** Says what is wrong without repeating cell values (they may be personal data). */
  readonly message: string;
  /** The column concerned, when it is one column. */
  readonly column?: string;
}

/**
 * One data row of a tabular file. `rowNo` counts data rows in file order from 1, header
 * excluded, and counts every row: empty and broken rows are yielded with `problems`, never
 * skipped, so row numbers match what a person counts below the header. A row with problems
 * must go to quarantine; its `fields` are filled by position as far as the cells go.
 */
export interface ImportRow {
  readonly rowNo: number;
  /** 1-based physical line (CSV) or sheet row (XLSX) where the row starts. */
  readonly line: number;
  /** Mapped values; a field is absent when its cells are empty. */
  readonly fields: Partial<Record<ImportField, string>>;
  /** Column name → cell as read (trimmed). Cells beyond the header are `_extra_1`, `_extra_2`… */
  readonly raw: Record<string, string>;
  readonly problems: readonly RowProblem[];
}

/** A row as a reader produced it, before mapping. */
export interface SourceRecord {
  readonly cells: readonly string[];
  readonly line: number;
  readonly unbalancedQuote?: boolean;
  /** Indices of spreadsheet cells holding an error value. */
  readonly errorCells?: readonly number[];
}

const NO_PROBLEMS: readonly RowProblem[] = Object.freeze([]);

interface FieldPlan {
  readonly field: ImportField;
  readonly indices: readonly number[];
  readonly separator: string;
}

/** Turns source records into rows for one file's columns and mapping. */
export class RowBuilder {
  readonly #names: readonly string[];
  readonly #plan: readonly FieldPlan[];
  readonly #mapped: ReadonlySet<number>;
  readonly #checkDecoding: boolean;

  /** `checkDecoding`: flag cells holding U+FFFD, which the decoders put for undecodable bytes. */
  constructor(names: readonly string[], mapping: ResolvedMapping, checkDecoding: boolean) {
    this.#names = names;
    this.#plan = Object.entries(mapping.fields).map(([field, indices]) => ({
      field: field as ImportField,
      indices: indices ?? [],
      separator: joinSeparator(field as ImportField),
    }));
    this.#mapped = new Set(this.#plan.flatMap((p) => p.indices));
    this.#checkDecoding = checkDecoding;
  }

  build(rowNo: number, record: SourceRecord): ImportRow {
    const { cells } = record;
    const names = this.#names;
    const raw: Record<string, string> = {};
    const width = Math.min(cells.length, names.length);
    let empty = true;
    for (let i = 0; i < width; i++) {
      const cell = cells[i]!;
      raw[names[i]!] = cell;
      if (cell !== '') empty = false;
    }
    for (let i = names.length; i < cells.length; i++) {
      raw[`_extra_${i - names.length + 1}`] = cells[i]!;
      if (cells[i] !== '') empty = false;
    }

    const fields: Partial<Record<ImportField, string>> = {};
    for (const p of this.#plan) {
      if (p.indices.length === 1) {
        const v = cells[p.indices[0]!];
        if (v !== undefined && v !== '') fields[p.field] = v;
        continue;
      }
      let joined = '';
      for (const i of p.indices) {
        const v = cells[i];
        if (v === undefined || v === '') continue;
        joined = joined === '' ? v : joined + p.separator + v;
      }
      if (joined !== '') fields[p.field] = joined;
    }

    let problems: RowProblem[] | undefined;
    const add = (code: RowProblemCode, message: string, column?: string): void => {
      const problem: RowProblem =
        column === undefined ? { rowNo, code, message } : { rowNo, code, message, column };
      if (problems === undefined) problems = [problem];
      else problems.push(problem);
    };
    if (empty) add('empty_row', 'The row is empty.');
    else if (cells.length > names.length) {
      add('too_many_cells', `The row has ${cells.length} cells; the header has ${names.length}.`);
    } else if (cells.length < names.length) {
      add('too_few_cells', `The row has ${cells.length} cells; the header has ${names.length}.`);
    }
    if (record.unbalancedQuote === true) {
      add('unbalanced_quote', 'A quote opens a field and does not close; the line was read with it as text.');
    }
    if (this.#checkDecoding) {
      for (let i = 0; i < cells.length; i++) {
        if (cells[i]!.includes('\uFFFD')) {
          add(
            'invalid_encoding',
            'A cell holds bytes that are not valid in the file encoding.',
            this.#name(i),
          );
        }
      }
    }
    for (const i of record.errorCells ?? []) {
      if (this.#mapped.has(i))
        add('cell_error', 'A mapped cell holds a spreadsheet error value.', this.#name(i));
    }
    return { rowNo, line: record.line, fields, raw, problems: problems ?? NO_PROBLEMS };
  }

  #name(i: number): string {
    return this.#names[i] ?? `_extra_${i - this.#names.length + 1}`;
  }
}
