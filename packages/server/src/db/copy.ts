/** Values a bulk load can carry, written in PostgreSQL's COPY text format. */
export type CopyValue = string | number | boolean | Date | Buffer | null | undefined;

const SPECIAL = /[\\\t\n\r]/;
const escapeText = (s: string): string =>
  SPECIAL.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : s;

export const copyField = (v: CopyValue): string => {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('COPY cannot carry a non-finite number');
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  // bytea in hex form; the backslash itself is escaped in the text format.
  return `\\\\x${v.toString('hex')}`;
};

export const copyLine = (row: readonly CopyValue[]): string => `${row.map(copyField).join('\t')}\n`;

/**
 * Accumulates COPY text straight into large buffers, so that millions of rows never
 * become one giant string. The buffers own their memory and can be transferred
 * between threads without copying.
 */
export class CopyWriter {
  static readonly CHUNK = 1 << 20;
  readonly #chunks: Buffer[] = [];
  #current = Buffer.allocUnsafeSlow(CopyWriter.CHUNK);
  #pos = 0;
  #rows = 0;

  /** Appends one line; the caller ends it with a newline. */
  line(text: string): void {
    if (this.#pos + text.length * 3 > this.#current.length) {
      this.#chunks.push(this.#current.subarray(0, this.#pos));
      this.#current = Buffer.allocUnsafeSlow(Math.max(CopyWriter.CHUNK, text.length * 3));
      this.#pos = 0;
    }
    this.#pos += this.#current.write(text, this.#pos, 'utf8');
    this.#rows++;
  }

  values(row: readonly CopyValue[]): void {
    this.line(copyLine(row));
  }

  finish(): { chunks: Buffer[]; rows: number } {
    if (this.#pos > 0) this.#chunks.push(this.#current.subarray(0, this.#pos));
    return { chunks: this.#chunks, rows: this.#rows };
  }
}

/**
 * Some rows of a rendered buffer (COPY text lines or binary tuples) by their byte ranges:
 * consecutive ranges stay one slice, so taking every row of a chunk passes its buffer
 * through whole. `rows` counts the ranges taken.
 */
export class LineSelection {
  readonly #source: Uint8Array;
  readonly #chunks: Uint8Array[] = [];
  #start = -1;
  #end = -1;
  #rows = 0;

  constructor(source: Uint8Array) {
    this.#source = source;
  }

  /** Takes the bytes in [start, end) (a row may render several lines or tuples, or none). */
  take(start: number, end: number): void {
    if (end === start) return;
    if (start !== this.#end) {
      this.#flush();
      this.#start = start;
    }
    this.#end = end;
    this.#rows++;
  }

  #flush(): void {
    if (this.#start >= 0 && this.#end > this.#start)
      this.#chunks.push(this.#source.subarray(this.#start, this.#end));
  }

  finish(): { chunks: Uint8Array[]; rows: number } {
    this.#flush();
    this.#start = -1;
    this.#end = -1;
    return { chunks: this.#chunks, rows: this.#rows };
  }
}
