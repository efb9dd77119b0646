import type { ImportEncoding } from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';
import { CsvTokenizer } from './csv-tokenizer.ts';
import {
  completeLines,
  type Delimiter,
  type DetectedDelimiter,
  detectDelimiter,
  scoreDelimiter,
  sepHint,
} from './delimiter.ts';
import {
  chooseEncoding,
  type DetectedEncoding,
  decodeSample,
  decodeStream,
  type TextEncoding,
} from './encoding.ts';
import { type DetectedFormat, detectFormat } from './format.ts';
import { chooseHeader, HEADER_SEARCH_ROWS, type HeaderChoice, type HeaderOption } from './header-row.ts';
import {
  columnNames,
  type MappingSpec,
  parseMapping,
  type ResolvedMapping,
  resolveMapping,
} from './mapping.ts';
import { type ImportRow, RowBuilder, type SourceRecord } from './rows.ts';
import { type ByteStream, HEAD_BYTES, type ImportSource, openByteStream } from './source.ts';
import { type SheetInfo, type SheetOption, xlsxRecords } from './xlsx-reader.ts';

export interface TabularOptions {
  /** Text encoding of a CSV; `auto` (default) sniffs UTF-8 (with or without BOM) or Windows-1251. */
  readonly encoding?: ImportEncoding;
  /** CSV delimiter; `auto` (default) picks among `,` `;` and tab. */
  readonly delimiter?: Delimiter | 'auto';
  /** Where the header is; `auto` (default) looks for it in the first rows. */
  readonly header?: HeaderOption;
  /** An explicit mapping, as a spec or in the CLI form `Column=field,…`. */
  readonly mapping?: MappingSpec | string;
  /** XLSX worksheet, by name or 1-based position; the first visible one by default. */
  readonly sheet?: SheetOption;
  /** The original file name, a hint when the content alone is ambiguous. */
  readonly fileName?: string;
}

export interface TabularMeta {
  readonly format: 'csv' | 'xlsx';
  /** CSV only. */
  readonly encoding: DetectedEncoding | null;
  /** CSV only. */
  readonly delimiter: DetectedDelimiter | null;
  /** XLSX only. */
  readonly sheet: SheetInfo | null;
  /** The header's line (CSV) or sheet row (XLSX) and why it was chosen; null when there is none. */
  readonly header: { readonly line: number; readonly reason: HeaderChoice['reason'] } | null;
  /** Lines above the header (titles, blank lines) that are not data. */
  readonly preambleRows: number;
  /** Column names: the header's, made unique, or `column_1`… without a header. */
  readonly columns: readonly string[];
  readonly mapping: ResolvedMapping;
}

/** The rows of one tabular file, after its header. Iterate once; `close()` if you stop early without iterating. */
export interface TabularReader extends AsyncIterable<ImportRow> {
  readonly meta: TabularMeta;
  /** Bytes of the source consumed so far (read-ahead included), for a progress bar. */
  readonly bytesRead: number;
  close(): Promise<void>;
}

/** Reads ahead this far through a plain-ASCII start to find the bytes that tell the encoding. */
const SNIFF_NON_ASCII_BYTES = 1024 * 1024;
/** Records buffered while looking for the header. */
const MAX_SAMPLE = 200;
/** A numbered header must lie within this many records. */
const MAX_HEADER_LINE = 10_000;

type Batches = AsyncIterator<readonly SourceRecord[]>;

async function* csvBatches(bytes: ByteStream, encoding: TextEncoding, delimiter: string) {
  const tokenizer = new CsvTokenizer(delimiter);
  for await (const text of decodeStream(bytes.chunks(), encoding)) {
    const batch = tokenizer.push(text, false);
    if (batch.length > 0) yield batch;
  }
  const last = tokenizer.push('', true);
  if (last.length > 0) yield last;
}

async function* xlsxBatches(records: AsyncIterable<SourceRecord>) {
  for await (const record of records) yield [record];
}

/** Spreadsheets store no trailing empty cells: pad to the header, drop empty cells beyond it. */
function squareXlsx(record: SourceRecord, width: number): SourceRecord {
  const cells = record.cells.slice();
  while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
  while (cells.length < width) cells.push('');
  return { ...record, cells };
}

function mostCommonWidth(sample: readonly SourceRecord[]): number {
  const counts = new Map<number, number>();
  for (const r of sample)
    if (r.cells.some((c) => c !== '')) counts.set(r.cells.length, (counts.get(r.cells.length) ?? 0) + 1);
  let width = 1;
  let best = 0;
  for (const [w, c] of counts) if (c > best || (c === best && w > width)) [width, best] = [w, c];
  return width;
}

/** Reads the first records, far enough to find the header; they are replayed as rows afterwards. */
async function readSample(
  batches: Batches,
  header: HeaderOption,
): Promise<{ readonly sample: SourceRecord[]; readonly ended: boolean }> {
  const sample: SourceRecord[] = [];
  let nonEmpty = 0;
  const wantMore = (): boolean =>
    typeof header === 'number'
      ? (sample.at(-1)?.line ?? 0) < header && sample.length < MAX_HEADER_LINE
      : nonEmpty < HEADER_SEARCH_ROWS && sample.length < MAX_SAMPLE;
  while (wantMore()) {
    const next = await batches.next();
    if (next.done) return { sample, ended: true };
    for (const r of next.value) {
      sample.push(r);
      if (r.cells.some((c) => c !== '')) nonEmpty++;
    }
  }
  return { sample, ended: false };
}

function notTabular(detected: DetectedFormat): AppError {
  return new AppError(
    'UNSUPPORTED_FORMAT',
    `This is FHIR data (${detected.format}), not a table: read it as FHIR.`,
    [{ issue: detected.format }],
  );
}

/**
 * Opens a CSV/TSV or XLSX file: sniffs format, encoding and delimiter, finds the header,
 * resolves the mapping, and returns a reader whose rows stream with flat memory.
 */
export async function openTabular(
  source: ImportSource,
  options: TabularOptions = {},
): Promise<TabularReader> {
  const spec = typeof options.mapping === 'string' ? parseMapping(options.mapping) : options.mapping;
  const bytes = await openTabularBytes(source);
  let detected: DetectedFormat;
  try {
    detected = detectFormat(bytes.head, bytes.complete, options.fileName);
  } catch (e) {
    await bytes.close();
    throw e;
  }
  return tabularFromBytes(bytes, detected, { ...options, ...(spec === undefined ? {} : { mapping: spec }) });
}

/** Opens a source reading far enough ahead for the encoding sniffer. */
export const openTabularBytes = (source: ImportSource): Promise<ByteStream> =>
  openByteStream(source, HEAD_BYTES, SNIFF_NON_ASCII_BYTES);

/** Reads an already opened and sniffed table; closes the bytes on failure. */
export async function tabularFromBytes(
  bytes: ByteStream,
  detected: DetectedFormat,
  options: TabularOptions,
): Promise<TabularReader> {
  const spec = typeof options.mapping === 'string' ? parseMapping(options.mapping) : options.mapping;
  let batches: Batches | undefined;
  try {
    if (detected.format !== 'csv' && detected.format !== 'xlsx') throw notTabular(detected);
    const format = detected.format;
    let encoding: DetectedEncoding | null = null;
    let delimiter: DetectedDelimiter | null = null;
    let sheet: SheetInfo | null = null;
    if (format === 'csv') {
      encoding = chooseEncoding(bytes.head, options.encoding ?? 'auto');
      const text = completeLines(decodeSample(bytes.head, encoding.encoding), bytes.complete);
      const chosen =
        options.delimiter === undefined || options.delimiter === 'auto' ? sepHint(text) : options.delimiter;
      delimiter = chosen === undefined ? detectDelimiter(text) : scoreDelimiter(text, chosen);
      batches = csvBatches(bytes, encoding.encoding, delimiter.delimiter)[Symbol.asyncIterator]();
    } else {
      const records = xlsxRecords(bytes, options.sheet, (info) => {
        sheet = info;
      });
      batches = xlsxBatches(records)[Symbol.asyncIterator]();
    }

    const header = options.header ?? 'auto';
    const { sample, ended } = await readSample(batches, header);
    if (sample.length === 0) throw new AppError('IMPORT_FILE_EMPTY');

    // Excel's `sep=;` line is a hint, not the header: search below it.
    const hint = format === 'csv' && sample[0]?.line === 1 && /^sep=/i.test(sample[0].cells[0] ?? '') ? 1 : 0;
    const found = chooseHeader(sample.slice(hint), header, spec);
    const choice = found.index === null ? found : { ...found, index: found.index + hint };
    if (typeof header === 'number' && choice.index === null) {
      throw new AppError('BAD_REQUEST', `The file has no line ${header} to take as the header.`, [
        { field: 'header', issue: 'not_found' },
      ]);
    }
    const headerRecord = choice.index === null ? undefined : sample[choice.index]!;
    let headerCells =
      headerRecord?.cells ?? Array.from({ length: mostCommonWidth(sample.slice(hint)) }, () => '');
    if (format === 'xlsx' && headerRecord !== undefined) {
      headerCells = squareXlsx(headerRecord, 0).cells;
    }
    const columns = columnNames(headerCells);
    const mapping = resolveMapping(columns, spec);
    const builder = new RowBuilder(columns, mapping, format === 'csv');
    const first = choice.index === null ? hint : choice.index + 1;
    const meta: TabularMeta = {
      format,
      encoding,
      delimiter,
      sheet,
      header: headerRecord === undefined ? null : { line: headerRecord.line, reason: choice.reason },
      preambleRows: choice.index ?? hint,
      columns,
      mapping,
    };
    const shape =
      format === 'xlsx'
        ? (r: SourceRecord) => squareXlsx(r, columns.length)
        : (r: SourceRecord): SourceRecord => r;
    const rest = batches;
    let iterated = false;
    return {
      meta,
      get bytesRead() {
        return bytes.bytesRead;
      },
      close: async () => {
        await rest.return?.();
      },
      [Symbol.asyncIterator]: () => {
        if (iterated) throw new Error('A TabularReader can be iterated once');
        iterated = true;
        return (async function* () {
          let rowNo = 0;
          try {
            for (let i = first; i < sample.length; i++) yield builder.build(++rowNo, shape(sample[i]!));
            sample.length = 0;
            if (ended) return;
            while (true) {
              const next = await rest.next();
              if (next.done) return;
              for (const r of next.value) yield builder.build(++rowNo, shape(r));
            }
          } finally {
            await rest.return?.();
          }
        })();
      },
    };
  } catch (e) {
    await batches?.return?.();
    await bytes.close();
    throw e;
  }
}

export interface TabularPreview {
  readonly meta: TabularMeta;
  /** The first rows, problems included. */
  readonly rows: readonly ImportRow[];
}

/** What an import wizard shows before committing: detection results, the mapping, and the first rows. */
export async function previewTabular(
  source: ImportSource,
  options: TabularOptions & { readonly limit?: number } = {},
): Promise<TabularPreview> {
  const reader = await openTabular(source, options);
  const limit = options.limit ?? 20;
  const rows: ImportRow[] = [];
  if (limit > 0) {
    for await (const row of reader) {
      rows.push(row);
      if (rows.length >= limit) break;
    }
  }
  await reader.close();
  return { meta: reader.meta, rows };
}
