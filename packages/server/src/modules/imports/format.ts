import type { ImportFormat } from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';

export interface DetectedFormat {
  readonly format: ImportFormat;
  /** For FHIR JSON: the top-level resourceType when the head shows it. */
  readonly resourceType?: string;
}

const startsWith = (head: Uint8Array, sig: readonly number[]): boolean => sig.every((b, i) => head[i] === b);

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const GZIP = [0x1f, 0x8b];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function unsupported(issue: string, message: string): AppError {
  return new AppError('UNSUPPORTED_FORMAT', message, [{ issue }]);
}

/** Zip entry names sit in plain text in the local headers, so the head shows what the archive holds. */
function detectZip(text: string, fileName: string | undefined): DetectedFormat {
  if (text.includes('xl/') || text.includes('spreadsheetml')) return { format: 'xlsx' };
  // Entry names beyond a cut-short head: let the workbook reader judge the file.
  if (fileName !== undefined && /\.xlsx$/i.test(fileName)) return { format: 'xlsx' };
  if (text.includes('opendocument.spreadsheet')) {
    throw unsupported(
      'ods',
      'OpenDocument spreadsheets (.ods) are not supported: save the sheet as XLSX or CSV.',
    );
  }
  if (text.includes('word/'))
    throw unsupported('docx', 'Word documents are not supported: export a table as CSV.');
  throw unsupported(
    'zip',
    'A zip archive that is not an XLSX workbook: unpack it and import the files inside.',
  );
}

/**
 * Finds the first top-level `"resourceType"` value in a JSON head by tracking nesting and
 * strings, without parsing the (possibly huge, possibly cut) rest.
 */
export function topLevelResourceType(text: string): string | undefined {
  let depth = 0;
  let i = 0;
  let lastKey: string | undefined;
  let expectingValue = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        s += text[j] ?? '';
        j++;
      }
      if (j >= text.length) return undefined;
      if (depth === 1) {
        if (expectingValue) {
          if (lastKey === 'resourceType') return s;
          expectingValue = false;
        } else lastKey = s;
      }
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      expectingValue = false;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ':' && depth === 1) expectingValue = true;
    else if (c === ',' && depth === 1) expectingValue = false;
    i++;
  }
  return undefined;
}

function firstLine(text: string): { line: string; rest: string } {
  const nl = text.indexOf('\n');
  return nl < 0 ? { line: text, rest: '' } : { line: text.slice(0, nl), rest: text.slice(nl + 1) };
}

function detectJson(text: string, complete: boolean): DetectedFormat {
  const { line, rest } = firstLine(text);
  let first: unknown;
  try {
    first = JSON.parse(line);
  } catch {
    first = undefined;
  }
  if (first !== undefined && (complete || text.includes('\n'))) {
    const type = (first as { resourceType?: unknown }).resourceType;
    if (typeof type !== 'string') {
      throw unsupported('json_not_fhir', 'JSON without a FHIR "resourceType" is not supported.');
    }
    const moreLines = rest.trim().length > 0;
    if (type === 'Bundle' && !moreLines) return { format: 'fhir-bundle', resourceType: type };
    return { format: 'fhir-ndjson', resourceType: type };
  }
  const type = topLevelResourceType(text);
  if (type === 'Bundle') return { format: 'fhir-bundle', resourceType: type };
  if (type !== undefined) {
    throw unsupported(
      'fhir_not_bundle',
      `A single FHIR ${type} resource is not supported: import a Bundle or NDJSON (one resource per line).`,
    );
  }
  if (complete) throw unsupported('json_not_fhir', 'JSON without a FHIR "resourceType" is not supported.');
  // The head may end before a late "resourceType"; the bundle reader checks it at the end.
  return { format: 'fhir-bundle' };
}

/**
 * Tells the format from the first bytes (the file name only breaks ties), or throws a typed
 * error naming what the file is when it is not something Careloop reads.
 */
export function detectFormat(head: Uint8Array, complete: boolean, fileName?: string): DetectedFormat {
  if (head.length === 0) throw new AppError('IMPORT_FILE_EMPTY');
  const latin = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  if (startsWith(head, ZIP)) return detectZip(latin, fileName);
  if (startsWith(head, OLE2)) {
    throw unsupported(
      'xls',
      'Excel 97–2003 workbooks (.xls) and password-protected workbooks are not supported: save as XLSX or CSV.',
    );
  }
  if (startsWith(head, GZIP))
    throw unsupported('gzip', 'Compressed files are not supported: unpack it first.');
  if (startsWith(head, PDF))
    throw unsupported('pdf', 'PDF files are not supported: export the table as CSV.');
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (!utf16 && head.subarray(0, 8192).includes(0)) {
    throw unsupported('binary', 'This is a binary file, not a table or FHIR data.');
  }
  const body = startsWith(head, UTF8_BOM) ? latin.slice(3) : latin;
  const trimmed = body.trimStart();
  if (!utf16 && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    if (trimmed.startsWith('[')) {
      throw unsupported('json_array', 'A JSON array is not supported: import a FHIR Bundle or NDJSON.');
    }
    return detectJson(Buffer.from(trimmed, 'latin1').toString('utf8'), complete);
  }
  const lower = trimmed.slice(0, 2048).toLowerCase();
  if (lower.startsWith('<')) {
    if (lower.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
      throw unsupported(
        'xml_spreadsheet',
        'Excel XML Spreadsheet 2003 files are not supported: save as XLSX.',
      );
    }
    if (lower.includes('<html') || lower.includes('<table') || lower.includes('<!doctype')) {
      throw unsupported(
        'html',
        'This is an HTML page (often a report saved with an .xls name): open it in Excel and save as XLSX or CSV.',
      );
    }
    throw unsupported('xml', 'XML files are not supported: export the table as CSV or XLSX.');
  }
  if (fileName !== undefined && /\.xlsx$/i.test(fileName)) {
    throw new AppError('IMPORT_FILE_CORRUPT', 'The file is named .xlsx but is not a zip archive.', [
      { issue: 'xlsx_not_zip' },
    ]);
  }
  return { format: 'csv' };
}
