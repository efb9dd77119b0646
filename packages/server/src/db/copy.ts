/** Values a bulk load can carry, written in PostgreSQL's COPY text format. */
export type CopyValue = string | number | boolean | Date | Buffer | null | undefined;

const escapeText = (s: string): string =>
  s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

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
