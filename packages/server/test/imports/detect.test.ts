import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, detectEncoding, detectFormat } from '../../src/modules/imports/index.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const NAMES = 'Фамилия;Имя;Отчество\nИванов;Иван;Иванович\nСмирнова;Ольга;Петровна\nЁжиков;Семён;Львович\n';

describe('detectEncoding', () => {
  it('tells Windows-1251 from UTF-8 by validity, then by Russian letter frequencies', () => {
    expect(detectEncoding(iconv.encode(NAMES, 'win1251'))).toEqual({
      encoding: 'cp1251',
      bom: false,
      confidence: 'high',
    });
    expect(detectEncoding(Buffer.from(NAMES))).toEqual({ encoding: 'utf8', bom: false, confidence: 'high' });
    expect(detectEncoding(Buffer.from('id,name\n1,Ivanov\n'))).toEqual({
      encoding: 'utf8',
      bom: false,
      confidence: 'ascii',
    });
  });

  it('trusts byte-order marks', () => {
    expect(detectEncoding(Buffer.from(`\uFEFF${NAMES}`))).toMatchObject({ encoding: 'utf8', bom: true });
    expect(detectEncoding(iconv.encode(NAMES, 'utf16le', { addBOM: true }))).toMatchObject({
      encoding: 'utf16le',
      bom: true,
    });
  });

  it('is only lowly confident about single-byte text that does not read as Russian in Windows-1251', () => {
    // KOI8-R maps Russian letters to other Windows-1251 letters, mostly rare ones.
    expect(detectEncoding(iconv.encode(NAMES.repeat(5), 'koi8-r'))).toMatchObject({
      encoding: 'cp1251',
      confidence: 'low',
    });
    expect(detectEncoding(iconv.encode('Müller;Jürgen;Straße\n', 'latin1'))).toMatchObject({
      confidence: 'low',
    });
  });

  it('takes a UTF-8 file with a stray bad byte for damaged UTF-8, not for Windows-1251', () => {
    const damaged = Buffer.concat([Buffer.from(NAMES.repeat(3)), Buffer.from([0xc0]), Buffer.from(NAMES)]);
    expect(detectEncoding(damaged)).toEqual({ encoding: 'utf8', bom: false, confidence: 'low' });
  });

  it('does not count a multi-byte character cut by the end of the sample as invalid', () => {
    const cut = Buffer.from(NAMES).subarray(0, Buffer.from(NAMES).length - 2);
    expect(detectEncoding(Buffer.concat([cut, Buffer.from([0xd0])]))).toMatchObject({ encoding: 'utf8' });
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter with the most consistent cell count', () => {
    expect(detectDelimiter('a;b;c\n1;2;3\n4;5;6\n').delimiter).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1\t2, 3\t4\n').delimiter).toBe('\t');
    expect(detectDelimiter('a,b\n"x;y",2\n"p;q",3\n').delimiter).toBe(',');
    expect(detectDelimiter('one column\nvalue\n')).toEqual({ delimiter: ',', consistency: 1, columns: 1 });
  });
});

describe('detectFormat', () => {
  it('recognises tables and FHIR by content', () => {
    expect(detectFormat(Buffer.from('ФИО;Телефон\n'), true)).toEqual({ format: 'csv' });
    expect(
      detectFormat(bytes('PK\u0003\u0004\u0014\u0000[Content_Types].xml...xl/workbook.xml'), false),
    ).toEqual({
      format: 'xlsx',
    });
    expect(detectFormat(Buffer.from('{\n  "resourceType": "Bundle",\n  "entry": ['), false)).toEqual({
      format: 'fhir-bundle',
      resourceType: 'Bundle',
    });
    expect(detectFormat(Buffer.from('{"resourceType":"Bundle","entry":[]}'), true)).toMatchObject({
      format: 'fhir-bundle',
    });
    expect(
      detectFormat(
        Buffer.from('{"resourceType":"Patient","id":"1"}\n{"resourceType":"Patient","id":"2"}\n'),
        true,
      ),
    ).toMatchObject({ format: 'fhir-ndjson' });
    // A pretty-printed bundle whose resourceType comes after a nested object.
    expect(
      detectFormat(Buffer.from('{"meta": {"resourceType": "X"},\n "resourceType": "Bundle"}'), true),
    ).toMatchObject({
      format: 'fhir-bundle',
    });
  });

  it.each([
    ['xls', bytes('\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1rest')],
    ['ods', bytes('PK\u0003\u0004mimetypeapplication/vnd.oasis.opendocument.spreadsheet')],
    ['docx', bytes('PK\u0003\u0004[Content_Types].xml word/document.xml')],
    ['zip', bytes('PK\u0003\u0004data/file.csv')],
    ['html', Buffer.from('<html><body><table><tr><td>ФИО</td></tr></table></body></html>')],
    [
      'xml_spreadsheet',
      Buffer.from('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'),
    ],
    ['pdf', Buffer.from('%PDF-1.7 ...')],
    ['gzip', Buffer.from([0x1f, 0x8b, 0x08, 0x00])],
    ['binary', Buffer.from([0x4d, 0x5a, 0x00, 0x00, 0x03])],
    ['json_array', Buffer.from('[{"a":1}]')],
    ['fhir_not_bundle', Buffer.from('{\n "resourceType": "Patient",\n "id": "1"')],
  ])('names an unsupported %s file', (issue, head) => {
    expect(() => detectFormat(head, false)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT', details: [{ issue }] }),
    );
  });

  it('calls an .xlsx that is not a zip corrupt, and an empty file empty', () => {
    expect(() => detectFormat(Buffer.from('garbage'), true, 'patients.xlsx')).toThrow(
      expect.objectContaining({ code: 'IMPORT_FILE_CORRUPT' }),
    );
    expect(() => detectFormat(Buffer.alloc(0), true)).toThrow(
      expect.objectContaining({ code: 'IMPORT_FILE_EMPTY' }),
    );
  });
});
