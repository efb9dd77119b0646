/**
 * An RFC 4180 CSV tokenizer for text that arrives in chunks, made for files nobody cleaned.
 *
 * Why not csv-parse: with `skip_records_with_error` it silently discards the rest of the
 * current chunk after some errors (a character after a closing quote when trimming), and an
 * unclosed quote swallows the rest of the file into one record. Here every line comes out
 * as a record, in order, with its line number, and a quote that never closes properly is
 * taken literally and flagged instead of eating the file. A test keeps this tokenizer in
 * agreement with csv-parse on well-formed input.
 *
 * Rules: fields are separated by the delimiter; lines end with LF, CRLF or CR; a field
 * whose first non-blank character is `"` is quoted (`""` is a quote inside it, delimiters
 * and line breaks are data); blanks around fields are trimmed (so FEBRL's `a, b` reads as
 * `a` and `b`); characters after a closing quote keep the field as written.
 */

export interface CsvRecord {
  /** Trimmed cell values. An empty line is one empty cell. */
  readonly cells: string[];
  /** 1-based physical line where the record starts. */
  readonly line: number;
  /** A quote opened a field and did not close before the end of the line it needed. */
  readonly unbalancedQuote: boolean;
  /** The record's source text, kept only for records with an unbalanced quote. */
  readonly text?: string;
}

/** A quoted field longer than this is taken for an unclosed quote. */
export const MAX_QUOTED_CHARS = 32 * 1024;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

const NEED_MORE = null;

interface Parsed {
  readonly record: CsvRecord;
  readonly next: number;
  readonly lines: number;
}

export class CsvTokenizer {
  readonly #delimiter: number;
  readonly #maxQuoted: number;
  #rest = '';
  #line = 1;

  constructor(delimiter: string, maxQuoted = MAX_QUOTED_CHARS) {
    if (delimiter.length !== 1) throw new Error('The delimiter must be one character');
    this.#delimiter = delimiter.charCodeAt(0);
    this.#maxQuoted = maxQuoted;
  }

  /** Feeds text; returns the records completed by it. `final` marks the end of input. */
  push(text: string, final: boolean): CsvRecord[] {
    const buf = this.#rest.length > 0 ? this.#rest + text : text;
    const out: CsvRecord[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const parsed = this.#parse(buf, pos, final);
      if (parsed === NEED_MORE) break;
      out.push(parsed.record);
      this.#line += parsed.lines;
      pos = parsed.next;
    }
    this.#rest = pos < buf.length ? buf.slice(pos) : '';
    return out;
  }

  #isBlank(c: number): boolean {
    return c === SPACE || (c === TAB && this.#delimiter !== TAB);
  }

  /** Index of the quote closing a field whose content starts at `from`, or -1 if not in `buf`. */
  #closingQuote(buf: string, from: number): number {
    let k = buf.indexOf('"', from);
    while (k >= 0 && buf.charCodeAt(k + 1) === QUOTE) k = buf.indexOf('"', k + 2);
    // A quote at the very end may be the first of an escaped pair split by the chunk border.
    return k;
  }

  #parse(buf: string, start: number, final: boolean): Parsed | typeof NEED_MORE {
    const d = this.#delimiter;
    const n = buf.length;
    const cells: string[] = [];
    let lines = 0;
    let unbalanced = false;
    let i = start;
    while (true) {
      let j = i;
      while (j < n && this.#isBlank(buf.charCodeAt(j))) j++;
      let literal = true;
      if (j < n && buf.charCodeAt(j) === QUOTE) {
        const k = this.#closingQuote(buf, j + 1);
        if (k < 0 || (k === n - 1 && !final)) {
          if (!final && n - j < this.#maxQuoted) return NEED_MORE;
          unbalanced = true;
        } else if (k - j > this.#maxQuoted) {
          unbalanced = true;
        } else {
          let m = k + 1;
          while (m < n && this.#isBlank(buf.charCodeAt(m))) m++;
          if (m >= n && !final) return NEED_MORE;
          const after = m < n ? buf.charCodeAt(m) : -1;
          const content = buf.slice(j + 1, k);
          if (after === -1 || after === d || after === LF || after === CR) {
            cells.push(content.includes('"') ? content.replaceAll('""', '"') : content);
            lines += countLineBreaks(content);
            i = m;
            literal = false;
          } else if (content.includes('\n') || content.includes('\r')) {
            // Text after a "closing" quote found lines later: the opening quote never closed.
            unbalanced = true;
          }
        }
      }
      if (literal) {
        let e = i;
        while (e < n) {
          const c = buf.charCodeAt(e);
          if (c === d || c === LF || c === CR) break;
          e++;
        }
        if (e >= n && !final) return NEED_MORE;
        cells.push(buf.slice(i, e).trim());
        i = e;
      }
      if (i >= n) {
        return { record: this.#record(cells, buf, start, i, unbalanced), next: i, lines };
      }
      const c = buf.charCodeAt(i);
      if (c === d) {
        i++;
        continue;
      }
      let next = i + 1;
      if (c === CR) {
        if (next >= n && !final) return NEED_MORE;
        if (buf.charCodeAt(next) === LF) next++;
      }
      return { record: this.#record(cells, buf, start, i, unbalanced), next, lines: lines + 1 };
    }
  }

  #record(cells: string[], buf: string, start: number, end: number, unbalanced: boolean): CsvRecord {
    const line = this.#line;
    return unbalanced
      ? { cells, line, unbalancedQuote: true, text: buf.slice(start, end) }
      : { cells, line, unbalancedQuote: false };
  }
}

function countLineBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/** Tokenizes a stream of decoded text chunks. */
export async function* csvRecords(texts: AsyncIterable<string>, delimiter: string): AsyncIterable<CsvRecord> {
  const tokenizer = new CsvTokenizer(delimiter);
  for await (const text of texts) yield* tokenizer.push(text, false);
  yield* tokenizer.push('', true);
}
