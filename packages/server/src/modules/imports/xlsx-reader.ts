import { ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { CellValue } from 'exceljs';
import ExcelJS from 'exceljs';
import { AppError } from '../../kernel/index.ts';
import type { SourceRecord } from './rows.ts';
import type { ByteStream } from './source.ts';

/** Which worksheet to read: its name, or its 1-based position; by default the first visible one. */
export type SheetOption = string | number;

export interface SheetInfo {
  readonly name: string;
  /** 1-based position among the workbook's worksheets. */
  readonly position: number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Excel dates carry no time zone; exceljs hands them over as UTC. Midnight means a plain date. */
export function formatExcelDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? date : `${date}T${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** Numbers as Excel shows them: 15 significant digits, no exponent for whole numbers (phones, ids). */
export function formatExcelNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(Number(n.toPrecision(15)));
}

/** A number format that shows a date or time: d, m, y, h or s outside quoted text and [..] sections. */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined) return false;
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return bare.toLowerCase() !== 'general' && /[dmyhs]/i.test(bare);
}

/** Excel's serial day number (1900 system) as a UTC date. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const fromSerial = (serial: number): Date => new Date(EXCEL_EPOCH + Math.round(serial * 86_400_000));

interface Cell {
  readonly text: string;
  readonly error: boolean;
}

function cellText(value: CellValue, numFmt?: string): Cell {
  if (value === null || value === undefined) return { text: '', error: false };
  if (typeof value === 'string') return { text: value.trim(), error: false };
  if (typeof value === 'number') return { text: formatExcelNumber(value), error: false };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', error: false };
  if (value instanceof Date) return { text: formatExcelDate(value), error: false };
  if ('error' in value) return { text: value.error, error: true };
  if ('richText' in value)
    return {
      text: value.richText
        .map((r) => r.text)
        .join('')
        .trim(),
      error: false,
    };
  if ('result' in value || 'formula' in value || 'sharedFormula' in value) {
    // exceljs parses formula results as plain numbers; the cell's format tells a date.
    const result = (value as { result?: CellValue }).result;
    if (typeof result === 'number' && isDateFormat(numFmt)) return cellText(fromSerial(result));
    return cellText(result ?? null);
  }
  if ('text' in value) return cellText((value as { text: CellValue }).text);
  return { text: '', error: false };
}

interface ExcelRow {
  readonly number: number;
  eachCell(
    opt: { includeEmpty: boolean },
    callback: (cell: { value: CellValue; numFmt?: string }, col: number) => void,
  ): void;
}

interface ExcelSheetReader extends AsyncIterable<ExcelRow> {
  readonly name?: string;
  readonly state?: string;
  /** The sheet's XML text, unparsed. */
  readonly iterator: AsyncIterable<unknown>;
}

function corrupt(cause: unknown): AppError {
  return new AppError(
    'IMPORT_FILE_CORRUPT',
    'The XLSX workbook is damaged and cannot be read.',
    [{ issue: 'xlsx' }],
    {
      cause,
    },
  );
}

/** Fails loudly rather than misread: the exceljs version no longer has what a fix here wraps. */
const internalsChanged = (fix: string): AppError =>
  new AppError('INTERNAL', `exceljs internals changed; revisit ${fix} in xlsx-reader.ts`);

/** The undocumented WorkbookReader steps that `adjustReader` wraps. */
interface ReaderInternals {
  _parseRels(entry: TextEntry): unknown;
  _parseWorkbook(entry: TextEntry): unknown;
  _parseSharedStrings(entry: TextEntry): unknown;
  _parseStyles(entry: TextEntry): unknown;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): unknown;
}

interface TextEntry {
  setEncoding(encoding: 'utf8'): unknown;
}

async function* utf8Text(chunks: AsyncIterable<Buffer | string>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  const tail = decoder.decode();
  if (tail !== '') yield tail;
}

/**
 * Adjusts exceljs's streaming reader in two places, both through undocumented steps (checked,
 * so a changed exceljs version fails loudly rather than misreads):
 *
 * - exceljs 4.4 decodes each inflated chunk of XML on its own, so a Cyrillic letter cut by a
 *   chunk border turns into two U+FFFD (exceljs issues #2063, #2084, #2316; fixes proposed in
 *   PRs #1665, #2894, none merged). Russian names in any sizeable workbook get hit. Handing
 *   exceljs text decoded by a streaming decoder instead of bytes avoids it: its parser passes
 *   strings through untouched.
 * - Sheets stored before the shared strings (every streamed workbook, Excel's own often) are
 *   parked in temporary files and read back once the zip is through. The returned `parked()`
 *   says whether that phase has begun.
 */
function adjustReader(reader: object): { parked(): boolean } {
  const r = reader as ReaderInternals;
  const steps = [
    '_parseRels',
    '_parseWorkbook',
    '_parseSharedStrings',
    '_parseStyles',
    '_parseWorksheet',
  ] as const;
  if (steps.some((step) => typeof r[step] !== 'function')) throw internalsChanged('adjustReader');
  for (const step of ['_parseRels', '_parseWorkbook', '_parseSharedStrings', '_parseStyles'] as const) {
    const original = r[step].bind(reader);
    r[step] = (entry: TextEntry) => {
      entry.setEncoding('utf8');
      return original(entry);
    };
  }
  let parked = false;
  const parseWorksheet = r._parseWorksheet.bind(reader);
  r._parseWorksheet = (iterator, sheetNo) => {
    if (iterator instanceof ReadStream) parked = true;
    return parseWorksheet(utf8Text(iterator), sheetNo);
  };
  return { parked: () => parked };
}

/**
 * unzipper's Parse, under exceljs, announces 'end' as soon as its input is written through,
 * even while entries it has already parsed wait unread in its buffer; exceljs then stops
 * iterating the zip and never sees them. Whenever exceljs falls behind (a loaded machine),
 * a workbook lost its last entries, often workbook.xml, and read as damaged. Dropping that
 * early 'end' leaves the stream's own, which comes once the last entry has been read.
 * Installed on the zip stream exceljs pipes the input into; `installed()` checks it was.
 */
export function holdEarlyEnd(input: Readable): { installed(): boolean } {
  let installed = false;
  const pipe = input.pipe.bind(input);
  input.pipe = (<T extends NodeJS.WritableStream>(zip: T, options?: { end?: boolean }): T => {
    const parse = zip as unknown as Readable;
    const emit = parse.emit.bind(parse);
    parse.emit = ((event: string | symbol, ...args: unknown[]) =>
      event === 'end' && parse.readableLength > 0 ? false : emit(event, ...args)) as typeof parse.emit;
    installed = true;
    return pipe(zip, options);
  }) as typeof input.pipe;
  return { installed: () => installed };
}

/**
 * Reads a sheet that is not wanted through, unparsed. exceljs deletes a parked sheet's file
 * as soon as it is asked for the next sheet, without waiting for the file to be opened: a
 * sheet passed over unread let it open a deleted file, an uncatchable ENOENT.
 */
async function pass(sheet: ExcelSheetReader): Promise<void> {
  for await (const _ of sheet.iterator);
}

function wants(option: SheetOption | undefined, sheet: ExcelSheetReader, position: number): boolean {
  if (option === undefined) return sheet.state !== 'hidden' && sheet.state !== 'veryHidden';
  if (typeof option === 'number') return position === option;
  return (sheet.name ?? '').trim().toLowerCase() === option.trim().toLowerCase();
}

/**
 * Streams one worksheet's rows through exceljs's streaming reader, which parses the zip
 * entry by entry with a SAX parser: memory holds the shared-string table (the workbook's
 * distinct texts; Excel always writes one) but not the rows. Rows missing from the sheet
 * XML (Excel stores no empty rows) come out as empty records so numbering stays true.
 * `onSheet` is told the sheet before its first row.
 */
export async function* xlsxRecords(
  bytes: ByteStream,
  sheet: SheetOption | undefined,
  onSheet: (info: SheetInfo) => void,
): AsyncIterable<SourceRecord> {
  const input = Readable.from(bytes.chunks(), { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const phase = adjustReader(reader);
  const early = holdEarlyEnd(input);
  const sheets = (reader as AsyncIterable<ExcelSheetReader>)[Symbol.asyncIterator]();
  let position = 0;
  let found = false;
  let settled = false;
  try {
    let next = await sheets.next();
    if (!early.installed()) throw internalsChanged('holdEarlyEnd');
    for (; !next.done; next = await sheets.next()) {
      position++;
      const worksheet = next.value;
      // Once the sheet is read, the rest of the workbook is still read through (not a `break`),
      // for the same reason as in `pass`.
      if (found || !wants(sheet, worksheet, position)) {
        await pass(worksheet);
        continue;
      }
      found = true;
      onSheet({ name: worksheet.name ?? `Sheet${position}`, position });
      let expected = 1;
      for await (const row of worksheet) {
        for (; expected < row.number; expected++) yield { cells: [], line: expected };
        const cells: string[] = [];
        let errors: number[] | undefined;
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          const { text, error } = cellText(cell.value, cell.numFmt);
          while (cells.length < col - 1) cells.push('');
          cells[col - 1] = text;
          if (error) errors = [...(errors ?? []), col - 1];
        });
        yield errors === undefined
          ? { cells, line: row.number }
          : { cells, line: row.number, errorCells: errors };
        expected = row.number + 1;
      }
    }
    settled = true;
  } catch (e) {
    settled = true;
    if (e instanceof AppError) throw e;
    throw corrupt(e);
  } finally {
    // A caller that breaks off (a preview) would leave the parked files behind until the
    // process exits; reading the remaining ones through lets exceljs delete each.
    if (!settled && phase.parked()) {
      for (let next = await sheets.next(); !next.done; next = await sheets.next()) await pass(next.value);
    }
    input.destroy();
    await bytes.close();
  }
  if (!found) {
    const what = sheet === undefined ? 'no visible worksheet' : `no worksheet "${String(sheet)}"`;
    throw new AppError('BAD_REQUEST', `The workbook has ${what}.`, [{ field: 'sheet', issue: 'not_found' }]);
  }
}
