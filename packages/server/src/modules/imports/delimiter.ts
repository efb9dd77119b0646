import { CsvTokenizer } from './csv-tokenizer.ts';

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface DetectedDelimiter {
  readonly delimiter: Delimiter;
  /** Share of the sampled non-empty records that have the most common cell count (0..1). */
  readonly consistency: number;
  /** The most common cell count with this delimiter. */
  readonly columns: number;
}

const SAMPLE_RECORDS = 200;

/** Drops the last, probably cut, line of a head sample unless the sample is the whole file. */
export function completeLines(sample: string, complete: boolean): string {
  if (complete) return sample;
  const cut = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
  return cut < 0 ? sample : sample.slice(0, cut + 1);
}

/** How consistently `delimiter` splits the sample. */
export function scoreDelimiter(sample: string, delimiter: Delimiter): DetectedDelimiter {
  const tokenizer = new CsvTokenizer(delimiter);
  const counts = new Map<number, number>();
  let total = 0;
  for (const record of tokenizer.push(sample, true)) {
    if (total >= SAMPLE_RECORDS) break;
    if (record.cells.length === 1 && record.cells[0] === '') continue;
    total++;
    counts.set(record.cells.length, (counts.get(record.cells.length) ?? 0) + 1);
  }
  let columns = 1;
  let best = 0;
  for (const [n, c] of counts) {
    if (c > best || (c === best && n > columns)) {
      columns = n;
      best = c;
    }
  }
  return { delimiter, consistency: total === 0 ? 0 : best / total, columns };
}

/** Excel's `sep=;` first line, which names the delimiter and is not data. */
export function sepHint(sample: string): Delimiter | undefined {
  const m = /^sep=(.)\r?\n/i.exec(sample);
  const d = m?.[1];
  return d === ',' || d === ';' || d === '\t' ? d : undefined;
}

/**
 * Picks the delimiter that splits the sample into the most consistent number of cells,
 * splitting quote-aware so that commas inside quoted addresses do not count. A delimiter
 * that yields a single column loses to any that yields more; ties in consistency go to the
 * one with more columns, then to `;`, tab, `,` (Russian Excel writes `;`).
 */
export function detectDelimiter(sample: string): DetectedDelimiter {
  const ranked = [';', '\t', ','] as const;
  let best: DetectedDelimiter | undefined;
  for (const d of ranked) {
    const s = scoreDelimiter(sample, d);
    if (s.columns < 2) continue;
    if (
      best === undefined ||
      s.consistency > best.consistency + 0.05 ||
      (Math.abs(s.consistency - best.consistency) <= 0.05 && s.columns > best.columns)
    ) {
      best = s;
    }
  }
  return best ?? { delimiter: ',', consistency: 1, columns: 1 };
}
