import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ImportRow,
  type ImportSource,
  openImport,
  openTabular,
  previewTabular,
  type TabularOptions,
} from '../../src/modules/imports/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'careloop-imports-'));
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function read(source: ImportSource, options: TabularOptions = {}) {
  const reader = await openTabular(source, options);
  const rows: ImportRow[] = [];
  for await (const row of reader) rows.push(row);
  return { meta: reader.meta, rows };
}

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const RUSSIAN_CSV = [
  'ФИО;Дата рождения;Пол;Телефон;СНИЛС;Адрес',
  'Иванов Иван Иванович;01.02.1980;М;+7 916 123-45-67;112-233-445 95;"г. Тверь, ул. Ленина, д. 5"',
  'Петрова Алёна Сергеевна;15.07.1992;Ж;8 (903) 765-43-21;;Москва, Тверская, 1',
  'Сидоров Пётр;3.4.75;;89161112233;123-456-789 64;',
].join('\r\n');

describe('CSV encoding detection', () => {
  it('reads a Windows-1251 file with ; as Cyrillic text', async () => {
    const path = await file('cp1251.csv', iconv.encode(RUSSIAN_CSV, 'win1251'));
    const { meta, rows } = await read(path);
    expect(meta.encoding).toEqual({ encoding: 'cp1251', bom: false, confidence: 'high' });
    expect(meta.delimiter?.delimiter).toBe(';');
    expect(rows).toHaveLength(3);
    expect(rows[0]?.fields).toEqual({
      full_name: 'Иванов Иван Иванович',
      birth_date: '01.02.1980',
      sex: 'М',
      phone: '+7 916 123-45-67',
      snils: '112-233-445 95',
      address: 'г. Тверь, ул. Ленина, д. 5',
    });
    expect(rows[1]?.fields.full_name).toBe('Петрова Алёна Сергеевна');
    expect(rows.every((r) => r.problems.length === 0)).toBe(true);
  });

  it('reads UTF-8 with and without a BOM, the BOM not leaking into the first header', async () => {
    const bom = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(RUSSIAN_CSV)]));
    expect(bom.meta.encoding).toEqual({ encoding: 'utf8', bom: true, confidence: 'certain' });
    expect(bom.meta.columns[0]).toBe('ФИО');
    expect(bom.rows[0]?.fields.full_name).toBe('Иванов Иван Иванович');
    const plain = await read(Buffer.from(RUSSIAN_CSV));
    expect(plain.meta.encoding).toEqual({ encoding: 'utf8', bom: false, confidence: 'high' });
    expect(plain.rows.map((r) => r.fields)).toEqual(bom.rows.map((r) => r.fields));
  });

  it('reads far enough to find Cyrillic behind a long Latin-only start', async () => {
    const latin = Array.from({ length: 3000 }, (_, i) => `${i};Ivanov;+79160000000`).join('\n');
    const text = `id;ФИО;Телефон\n${latin}\n3000;Ёлкина Юлия;+79161111111\n`;
    const { meta, rows } = await read(iconv.encode(text, 'win1251'));
    expect(meta.encoding?.encoding).toBe('cp1251');
    expect(rows.at(-1)?.fields.full_name).toBe('Ёлкина Юлия');
  });

  it('follows an explicit encoding, and flags the cells that do not decode in it', async () => {
    const { meta, rows } = await read(iconv.encode(RUSSIAN_CSV, 'win1251'), { encoding: 'utf8' });
    expect(meta.encoding).toEqual({ encoding: 'utf8', bom: false, confidence: 'certain' });
    // Mis-decoded, the header is unrecognisable too, so every line is data and every one is flagged.
    expect(meta.header).toBeNull();
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.problems.map((p) => p.code)).toContain('invalid_encoding');
    expect(rows[1]?.problems[0]).toMatchObject({ rowNo: 2, code: 'invalid_encoding', column: 'column_1' });
  });

  it('flags a row with a broken byte in an otherwise UTF-8 file and leaves the others clean', async () => {
    const good = Buffer.from(RUSSIAN_CSV);
    const broken = Buffer.concat([
      good,
      Buffer.from('\r\nКузнецов '),
      Buffer.from([0xff]),
      Buffer.from(';;;;;\r\n'),
    ]);
    const { meta, rows } = await read(broken);
    expect(meta.encoding?.encoding).toBe('utf8');
    expect(rows.map((r) => r.problems.map((p) => p.code))).toEqual([[], [], [], ['invalid_encoding']]);
  });

  it('reads the same rows from an upload stream cut into tiny chunks', async () => {
    const bytes = iconv.encode(RUSSIAN_CSV, 'win1251');
    const whole = await read(bytes);
    const streamed = await read(chunked(bytes, 5));
    expect(streamed.rows).toEqual(whole.rows);
    expect(streamed.meta.encoding).toEqual(whole.meta.encoding);
  });
});

describe('CSV delimiter detection', () => {
  it('reads a TSV', async () => {
    const { meta, rows } = await read(
      Buffer.from('Фамилия\tИмя\tТелефон\nИванов\tИван\t+79161234567\nПетров\t\t\n'),
    );
    expect(meta.delimiter?.delimiter).toBe('\t');
    expect(rows.map((r) => r.fields)).toEqual([
      { last_name: 'Иванов', first_name: 'Иван', phone: '+79161234567' },
      { last_name: 'Петров' },
    ]);
  });

  it('is not misled by commas inside quoted fields', async () => {
    const text =
      'name,address,phone\n"Ivanov, Ivan","Tver, Lenina 5, apt 1",1\n"Petrov, Petr","Moscow, Arbat 2",2\n';
    const { meta, rows } = await read(Buffer.from(text));
    expect(meta.delimiter?.delimiter).toBe(',');
    expect(rows[0]?.fields).toEqual({
      full_name: 'Ivanov, Ivan',
      address: 'Tver, Lenina 5, apt 1',
      phone: '1',
    });
  });

  it('prefers ; that splits every line evenly over unquoted commas in addresses', async () => {
    const text =
      'ФИО;Адрес;Телефон\nИванов;Тверь, Ленина, 5;1\nПетров;Москва, Арбат, 2, кв. 7;2\nСидоров;Омск;3\n';
    const { meta } = await read(Buffer.from(text));
    expect(meta.delimiter).toEqual({ delimiter: ';', consistency: 1, columns: 3 });
  });

  it("follows Excel's sep= line and an explicit delimiter", async () => {
    const body = 'а;б;в\n1;2,5;3\n4;5;6\n';
    expect((await read(Buffer.from(body))).meta.delimiter?.delimiter).toBe(';');
    const hinted = await read(Buffer.from(`sep=,\n${body}`));
    expect(hinted.meta.delimiter?.delimiter).toBe(',');
    expect(hinted.meta.header?.line).toBe(2);
    expect(hinted.meta.preambleRows).toBe(1);
    expect(hinted.rows[0]?.raw).toEqual({ 'а;б;в': '1;2', _extra_1: '5;3' });
    const explicit = await read(Buffer.from('a;b,c\n1;2,3\n'), { delimiter: ',', header: 'none' });
    expect(explicit.meta.delimiter).toEqual({ delimiter: ',', consistency: 1, columns: 2 });
    expect(explicit.rows.map((r) => r.raw)).toEqual([
      { column_1: 'a;b', column_2: 'c' },
      { column_1: '1;2', column_2: '3' },
    ]);
  });

  it('reads the UTF-16 "Unicode text" that Excel saves, tab-separated with a BOM', async () => {
    const text = 'ФИО\tТелефон\r\nЁлкина Юлия\t+79161234567\r\n';
    const { meta, rows } = await read(iconv.encode(text, 'utf16le', { addBOM: true }));
    expect(meta.encoding).toEqual({ encoding: 'utf16le', bom: true, confidence: 'certain' });
    expect(meta.delimiter?.delimiter).toBe('\t');
    expect(rows[0]?.fields).toEqual({ full_name: 'Ёлкина Юлия', phone: '+79161234567' });
  });

  it("reads FEBRL's comma-space style with trimmed cells", async () => {
    const text =
      'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id\n' +
      'rec-1-org, lachlan, berry, 69, giblin street, killarney, bittern, 4814, qld, 19990219, 7364009\n';
    const { meta, rows } = await read(Buffer.from(text));
    expect(meta.delimiter?.delimiter).toBe(',');
    expect(rows[0]?.fields).toEqual({
      first_name: 'lachlan',
      last_name: 'berry',
      street_number: '69',
      address: 'giblin street, killarney',
      city: 'bittern',
      postcode: '4814',
      region: 'qld',
      birth_date: '19990219',
      national_id: '7364009',
    });
    expect(rows[0]?.raw.rec_id).toBe('rec-1-org');
    expect(meta.mapping.unmapped.map((u) => u.name)).toEqual(['rec_id']);
  });
});

describe('header rows and row problems', () => {
  it('skips title lines above the header and numbers data rows from 1 below it', async () => {
    const text = 'Выгрузка пациентов за октябрь;;\n;;\nФИО;Телефон;E-mail\nИванов;1;a@b.ru\n';
    const { meta, rows } = await read(Buffer.from(text));
    expect(meta.header).toEqual({ line: 3, reason: 'recognised' });
    expect(meta.preambleRows).toBe(2);
    expect(rows).toEqual([
      {
        rowNo: 1,
        line: 4,
        fields: { full_name: 'Иванов', phone: '1', email: 'a@b.ru' },
        raw: { ФИО: 'Иванов', Телефон: '1', 'E-mail': 'a@b.ru' },
        problems: [],
      },
    ]);
  });

  it('takes a first row of unknown labels as a header, and data as data when there is no header', async () => {
    const labelled = await read(Buffer.from('Колонка А;Колонка Б\nx;y\n'));
    expect(labelled.meta.header?.reason).toBe('labels');
    expect(labelled.meta.mapping.unmapped.map((u) => u.reason)).toEqual(['unknown_header', 'unknown_header']);
    const headerless = await read(
      Buffer.from('Иванов Иван;01.02.1980;+79161234567\nПетров Пётр;02.03.1981;+79031234567\n'),
    );
    expect(headerless.meta.header).toBeNull();
    expect(headerless.meta.columns).toEqual(['column_1', 'column_2', 'column_3']);
    expect(headerless.rows.map((r) => r.rowNo)).toEqual([1, 2]);
    const mapped = await read(Buffer.from('Иванов Иван;01.02.1980\n'), {
      header: 'none',
      mapping: 'column_1=full_name,column_2=birth_date',
    });
    expect(mapped.rows[0]?.fields).toEqual({ full_name: 'Иванов Иван', birth_date: '01.02.1980' });
  });

  it('yields every broken row with its row number, line and reason instead of dropping it', async () => {
    const text = [
      'ФИО;Дата рождения;Телефон',
      'Иванов;01.01.1980;1',
      '',
      'Петров;02.02.1980',
      'Сидоров;03.03.1980;3;лишнее',
      '"Кузнецов',
      'Алексей";04.04.1980;4',
      ';;',
      'Смирнов;"05.05.1980;5',
      'Орлов;06.06.1980;6',
    ].join('\n');
    const { rows } = await read(Buffer.from(text));
    expect(rows.map((r) => [r.rowNo, r.line, r.problems.map((p) => p.code)])).toEqual([
      [1, 2, []],
      [2, 3, ['empty_row']],
      [3, 4, ['too_few_cells']],
      [4, 5, ['too_many_cells']],
      [5, 6, []],
      [6, 8, ['empty_row']],
      [7, 9, ['unbalanced_quote']],
      [8, 10, []],
    ]);
    expect(rows[2]?.problems[0]).toEqual({
      rowNo: 3,
      code: 'too_few_cells',
      message: 'The row has 2 cells; the header has 3.',
    });
    expect(rows[3]?.raw).toEqual({
      ФИО: 'Сидоров',
      'Дата рождения': '03.03.1980',
      Телефон: '3',
      _extra_1: 'лишнее',
    });
    expect(rows[4]?.fields.full_name).toBe('Кузнецов\nАлексей');
    expect(rows[6]?.raw).toEqual({ ФИО: 'Смирнов', 'Дата рождения': '"05.05.1980', Телефон: '5' });
    expect(rows[7]?.fields.full_name).toBe('Орлов');
  });

  it('takes the header from an explicit line number', async () => {
    const text = 'Отчёт\nФИО;Телефон\nИванов;1\n';
    const { meta, rows } = await read(Buffer.from(text), { header: 2 });
    expect(meta.header).toEqual({ line: 2, reason: 'explicit' });
    expect(rows).toHaveLength(1);
    await expect(read(Buffer.from(text), { header: 9 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('gives repeated and empty headers unique names so raw keeps every cell', async () => {
    const { meta, rows } = await read(Buffer.from('Телефон;;Телефон;ФИО\n1;x;2;Иванов\n'));
    expect(meta.columns).toEqual(['Телефон', 'column_2', 'Телефон (2)', 'ФИО']);
    expect(rows[0]?.fields).toEqual({ phone: '1', phone_alt: '2', full_name: 'Иванов' });
    expect(rows[0]?.raw).toEqual({ Телефон: '1', column_2: 'x', 'Телефон (2)': '2', ФИО: 'Иванов' });
  });

  it('joins mapped columns with a space in column order, skipping empty cells', async () => {
    const text = 'Отчество;Фамилия;Имя;Дом;Улица\nИванович;Иванов;Иван;5;Ленина\n;Петрова;Анна;;\n';
    const { rows } = await read(Buffer.from(text), {
      mapping: 'Фамилия=full_name,Имя=full_name,Отчество=full_name,Улица=address,Дом=address',
    });
    expect(rows.map((r) => r.fields)).toEqual([
      { full_name: 'Иванович Иванов Иван', address: '5, Ленина' },
      { full_name: 'Петрова Анна' },
    ]);
  });

  it('fails early with the mapping errors named', async () => {
    await expect(
      read(Buffer.from('ФИО;Телефон\nx;1\n'), { mapping: 'Фамилия=last_name,ФИО=fio' }),
    ).rejects.toMatchObject({
      code: 'IMPORT_MAPPING_INVALID',
      details: [{ field: 'ФИО', issue: 'unknown field "fio" for column "ФИО"' }],
    });
    await expect(
      read(Buffer.from('ФИО;Телефон\nx;1\n'), { mapping: 'Фамилия=last_name' }),
    ).rejects.toMatchObject({
      code: 'IMPORT_MAPPING_INVALID',
      details: [{ field: 'Фамилия', issue: 'the file has no column "Фамилия"' }],
    });
  });
});

describe('preview and whole-file errors', () => {
  it('previews the first rows with what was detected and what stays unmapped', async () => {
    const path = await file(
      'preview.csv',
      iconv.encode(RUSSIAN_CSV.replace('Адрес', 'Примечание'), 'win1251'),
    );
    const preview = await previewTabular(path, { limit: 2 });
    expect(preview.rows.map((r) => r.rowNo)).toEqual([1, 2]);
    expect(preview.meta.encoding?.encoding).toBe('cp1251');
    expect(preview.meta.delimiter?.delimiter).toBe(';');
    expect(preview.meta.mapping.unmapped).toEqual([
      { index: 5, name: 'Примечание', reason: 'unknown_header' },
    ]);
  });

  it('names an empty, binary, FHIR or missing file instead of reading garbage', async () => {
    await expect(openTabular(Buffer.alloc(0))).rejects.toMatchObject({ code: 'IMPORT_FILE_EMPTY' });
    await expect(openTabular(Buffer.from([0x00, 0x01, 0x02, 0x00]))).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      details: [{ issue: 'binary' }],
    });
    await expect(openTabular(Buffer.from('{"resourceType":"Patient","id":"1"}\n'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      details: [{ issue: 'fhir-ndjson' }],
    });
    await expect(openTabular(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports the bytes consumed, for a progress bar', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `Иванов ${i};+7916${String(i).padStart(7, '0')}`);
    const bytes = Buffer.from(`ФИО;Телефон\n${lines.join('\n')}\n`);
    const reader = await openTabular(chunked(bytes, 16 * 1024));
    const progress: number[] = [];
    for await (const row of reader) if (row.rowNo % 5000 === 0) progress.push(reader.bytesRead);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBeLessThan(bytes.length);
    expect(reader.bytesRead).toBe(bytes.length);
  });

  it('opens any format through openImport', async () => {
    const opened = await openImport(Buffer.from(RUSSIAN_CSV));
    expect(opened.kind).toBe('tabular');
    if (opened.kind === 'tabular') {
      let n = 0;
      for await (const _ of opened.reader) n++;
      expect(n).toBe(3);
    }
  });
});
