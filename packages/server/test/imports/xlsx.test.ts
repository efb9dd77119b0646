import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ImportRow,
  openImport,
  openTabular,
  previewTabular,
  type TabularOptions,
} from '../../src/modules/imports/index.ts';
import { holdEarlyEnd } from '../../src/modules/imports/xlsx-reader.ts';

let dir: string;
let clinic: string;
let big: string;
const BIG_ROWS = 3000;

/** A workbook as a clinic exports it: a hidden helper sheet, a title above the header, typed cells. */
async function writeClinicWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const hidden = wb.addWorksheet('Справочник', { state: 'hidden' });
  hidden.addRow(['служебный лист']);
  const ws = wb.addWorksheet('Пациенты');
  ws.getCell('A1').value = 'Выгрузка пациентов на 01.11.2026';
  ws.getRow(3).values = ['№ карты', 'ФИО', 'Дата рождения', 'Моб. телефон', 'СНИЛС', 'Сумма'];
  ws.getRow(4).values = [
    'К-1',
    'Иванов Иван Иванович',
    new Date(Date.UTC(1980, 1, 1)),
    79161234567,
    '112-233-445 95',
    1500.5,
  ];
  // Row 5 is absent from the sheet XML, as Excel stores no empty rows.
  ws.getRow(6).values = [
    'К-2',
    { richText: [{ text: 'Петрова ' }, { text: 'Анна', font: { bold: true } }] },
    { formula: 'DATE(1990,1,2)', result: new Date(Date.UTC(1990, 0, 2)) },
    { error: '#N/A' },
    '',
    0.1 + 0.2,
  ];
  ws.getCell('C6').numFmt = 'dd.mm.yyyy';
  ws.getRow(7).values = ['К-3', '  Сидоров Пётр  ', null, null, null, null, 'вне таблицы'];
  const doctors = wb.addWorksheet('Врачи');
  doctors.addRow(['ФИО', 'Телефон']);
  doctors.addRow(['Соколова Анна Викторовна', '+74951234567']);
  await wb.xlsx.writeFile(path);
}

/** A larger sheet written with the streaming writer, with an empty row every 100 rows. */
async function writeBigWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('data');
  ws.addRow(['Фамилия', 'Имя', 'Дата рождения']).commit();
  for (let i = 1; i <= BIG_ROWS; i++) {
    const row = ws.getRow(i + 1);
    if (i % 100 !== 0) row.values = [`Фамилия${i}`, `Имя${i % 50}`, `${1 + (i % 28)}.03.1970`];
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'careloop-xlsx-'));
  clinic = join(dir, 'clinic.xlsx');
  big = join(dir, 'big.xlsx');
  await writeClinicWorkbook(clinic);
  await writeBigWorkbook(big);
});

async function read(source: Parameters<typeof openTabular>[0], options: TabularOptions = {}) {
  const reader = await openTabular(source, options);
  const rows: ImportRow[] = [];
  for await (const row of reader) rows.push(row);
  return { meta: reader.meta, rows };
}

describe('XLSX reader', () => {
  it('reads the first visible sheet below its title, with dates, numbers and rich text as text', async () => {
    const { meta, rows } = await read(clinic);
    expect(meta).toMatchObject({
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      sheet: { name: 'Пациенты', position: 2 },
      header: { line: 3, reason: 'recognised' },
      preambleRows: 2,
    });
    expect(meta.mapping.unmapped).toEqual([{ index: 5, name: 'Сумма', reason: 'unknown_header' }]);
    expect(rows.map((r) => [r.rowNo, r.line])).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
      [4, 7],
    ]);
    expect(rows[0]?.fields).toEqual({
      card_no: 'К-1',
      full_name: 'Иванов Иван Иванович',
      birth_date: '1980-02-01',
      phone: '79161234567',
      snils: '112-233-445 95',
    });
    expect(rows[0]?.raw.Сумма).toBe('1500.5');
    expect(rows[0]?.problems).toEqual([]);
  });

  it('yields the missing row as empty, flags error cells and data beyond the header', async () => {
    const { rows } = await read(clinic);
    expect(rows[1]?.problems.map((p) => p.code)).toEqual(['empty_row']);
    expect(rows[2]?.fields).toMatchObject({ full_name: 'Петрова Анна', birth_date: '1990-01-02' });
    expect(rows[2]?.raw.Сумма).toBe('0.3');
    expect(rows[2]?.problems).toEqual([
      {
        rowNo: 3,
        code: 'cell_error',
        message: 'A mapped cell holds a spreadsheet error value.',
        column: 'Моб. телефон',
      },
    ]);
    // Trailing empty cells are not missing cells; a value outside the header is extra.
    expect(rows[3]?.fields).toEqual({ card_no: 'К-3', full_name: 'Сидоров Пётр' });
    expect(rows[3]?.problems.map((p) => p.code)).toEqual(['too_many_cells']);
    expect(rows[3]?.raw._extra_1).toBe('вне таблицы');
  });

  it('reads another sheet by name or position, and names a sheet that is not there', async () => {
    const byName = await read(clinic, { sheet: 'врачи' });
    expect(byName.meta.sheet).toEqual({ name: 'Врачи', position: 3 });
    expect(byName.rows.map((r) => r.fields)).toEqual([
      { full_name: 'Соколова Анна Викторовна', phone: '+74951234567' },
    ]);
    const byPosition = await read(clinic, { sheet: 3 });
    expect(byPosition.rows).toEqual(byName.rows);
    await expect(read(clinic, { sheet: 'Нет такого' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: [{ field: 'sheet', issue: 'not_found' }],
    });
  });

  it('streams a larger sheet from an upload stream, row by row, keeping every row number', async () => {
    const opened = await openImport(createReadStream(big, { highWaterMark: 4096 }), { fileName: 'big.xlsx' });
    expect(opened.kind).toBe('tabular');
    if (opened.kind !== 'tabular') return;
    let count = 0;
    let empty = 0;
    for await (const row of opened.reader) {
      count++;
      expect(row.rowNo).toBe(count);
      if (row.problems.some((p) => p.code === 'empty_row')) {
        empty++;
        expect(row.rowNo % 100).toBe(0);
      } else {
        expect(row.fields.last_name).toBe(`Фамилия${row.rowNo}`);
      }
    }
    // The last row is empty, and a sheet does not store trailing empty rows: nothing to count.
    expect(count).toBe(BIG_ROWS - 1);
    expect(empty).toBe(BIG_ROWS / 100 - 1);
  });

  it('stops early without reading the rest when the caller breaks off', async () => {
    const reader = await openTabular(big);
    const seen: number[] = [];
    for await (const row of reader) {
      seen.push(row.rowNo);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('leaves no temporary file behind: sheets passed over, read, or broken off in a preview', async () => {
    // exceljs parks sheets stored before the shared strings in tmp-<pid>-* files.
    const parked = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`)).sort();
    for (let i = 0; i < 20; i++) {
      // The hidden sheet is passed over; the doctors' sheet after the chosen one too.
      expect((await read(clinic)).rows).toHaveLength(4);
      const preview = await previewTabular(clinic, { limit: 2 });
      expect(preview.rows.map((r) => r.rowNo)).toEqual([1, 2]);
      expect((await previewTabular(big, { limit: 3 })).rows).toHaveLength(3);
    }
    // exceljs deletes a file asynchronously once it has moved on. Each test file has its own
    // process, so the files of the tests above count too (one broke off early).
    await expect.poll(parked).toEqual([]);
  });

  it('still reads the zip entries unzipper has parsed when it announces the end early', async () => {
    // How exceljs walks the zip's entries; it stops at the first 'end' it hears.
    const iterateStream = createRequire(import.meta.url)('exceljs/lib/utils/iterate-stream.js') as (
      s: PassThrough,
    ) => AsyncGenerator<string>;
    const input = new PassThrough();
    const zip = new PassThrough({ objectMode: true });
    expect(holdEarlyEnd(input).installed()).toBe(false);
    input.pipe(zip);
    const entries = iterateStream(zip);
    zip.write('xl/worksheets/sheet1.xml');
    const seen = [(await entries.next()).value];
    // While exceljs works on the first entry, unzipper parses the rest and, its input
    // written through, says 'end' (unzipper's Parse does so on 'finish'), then ends for real.
    zip.write('xl/styles.xml');
    zip.write('xl/workbook.xml');
    zip.emit('end');
    zip.end();
    for await (const entry of entries) seen.push(entry);
    expect(seen).toEqual(['xl/worksheets/sheet1.xml', 'xl/styles.xml', 'xl/workbook.xml']);
  });

  it('reports a cut-off or damaged workbook as corrupt', async () => {
    const bytes = await readFile(clinic);
    await expect(read(bytes.subarray(0, Math.floor(bytes.length / 2)))).rejects.toMatchObject({
      code: 'IMPORT_FILE_CORRUPT',
    });
    const damaged = Buffer.from(bytes);
    damaged.fill(0x41, 200, bytes.length - 200);
    await expect(read(damaged, { fileName: 'clinic.xlsx' })).rejects.toMatchObject({
      code: 'IMPORT_FILE_CORRUPT',
    });
  });
});
