import { JSONParser } from '@streamparser/json';
import { AppError } from '../../kernel/index.ts';
import { decodeStream } from './encoding.ts';
import { mapResource, RefResolver } from './fhir-map.ts';
import type { FhirItem } from './fhir-types.ts';
import { type DetectedFormat, detectFormat } from './format.ts';
import { type ByteStream, HEAD_BYTES, type ImportSource, openByteStream } from './source.ts';

export interface FhirReaderMeta {
  readonly format: 'fhir-bundle' | 'fhir-ndjson';
}

/** The resources of one FHIR file as records and problems, in file order. Iterate once. */
export interface FhirReader extends AsyncIterable<FhirItem> {
  readonly meta: FhirReaderMeta;
  /** Bytes of the source consumed so far, for a progress bar. */
  readonly bytesRead: number;
  close(): Promise<void>;
}

function corrupt(cause: unknown): AppError {
  return new AppError(
    'IMPORT_FILE_CORRUPT',
    'The FHIR JSON is not valid or is cut short.',
    [{ issue: 'json' }],
    {
      cause,
    },
  );
}

function notBundle(type: string | undefined): AppError {
  return type === undefined
    ? new AppError('UNSUPPORTED_FORMAT', 'JSON without a FHIR "resourceType" is not supported.', [
        { issue: 'json_not_fhir' },
      ])
    : new AppError(
        'UNSUPPORTED_FORMAT',
        `A single FHIR ${type} resource is not supported: import a Bundle or NDJSON.`,
        [{ issue: 'fhir_not_bundle' }],
      );
}

function entryItem(entry: unknown, index: number, refs: RefResolver): FhirItem {
  const e = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
  if (e === undefined) {
    return { kind: 'problem', index, code: 'invalid_resource', message: 'A bundle entry is not an object.' };
  }
  if (e.resource === undefined) {
    return { kind: 'problem', index, code: 'no_resource', message: 'The bundle entry holds no resource.' };
  }
  const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
  return mapResource(e.resource, index, refs, fullUrl);
}

/**
 * Streams a Bundle entry by entry: the JSON parser emits each `entry` element as soon as
 * it is complete and drops it from the tree, so memory holds one entry, not the bundle.
 */
async function* bundleItems(bytes: ByteStream): AsyncIterable<FhirItem> {
  const parser = new JSONParser({ paths: ['$.resourceType', '$.entry.*'], keepStack: false });
  const refs = new RefResolver();
  const queue: FhirItem[] = [];
  let index = 0;
  let rootType: string | undefined;
  parser.onValue = ({ value, stack }) => {
    if (stack.length === 1) {
      rootType = typeof value === 'string' ? value : undefined;
      if (rootType !== 'Bundle') throw notBundle(rootType);
      return;
    }
    queue.push(entryItem(value, ++index, refs));
  };
  try {
    let first = true;
    for await (let chunk of bytes.chunks()) {
      if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      first = false;
      try {
        parser.write(chunk);
      } catch (e) {
        yield* queue.splice(0);
        throw e instanceof AppError ? e : corrupt(e);
      }
      yield* queue.splice(0);
    }
    if (!parser.isEnded) {
      try {
        parser.end();
      } catch (e) {
        throw corrupt(e);
      }
    }
    yield* queue.splice(0);
    if (rootType !== 'Bundle') throw notBundle(rootType);
  } finally {
    await bytes.close();
  }
}

/** NDJSON (FHIR bulk data): one resource per line; a line holding a Bundle gives its entries. */
async function* ndjsonItems(bytes: ByteStream): AsyncIterable<FhirItem> {
  const refs = new RefResolver();
  let lineNo = 0;
  let rest = '';
  function* line(text: string): Iterable<FhirItem> {
    lineNo++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      yield { kind: 'problem', index: lineNo, code: 'invalid_json', message: 'The line is not valid JSON.' };
      return;
    }
    const v = value as { resourceType?: unknown; entry?: unknown };
    if (v !== null && typeof v === 'object' && v.resourceType === 'Bundle' && Array.isArray(v.entry)) {
      for (const entry of v.entry) yield entryItem(entry, lineNo, refs);
      return;
    }
    yield mapResource(value, lineNo, refs);
  }
  try {
    for await (const text of decodeStream(bytes.chunks(), 'utf8')) {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) yield* line(l);
    }
    if (rest !== '') yield* line(rest);
  } finally {
    await bytes.close();
  }
}

/** Wraps an already opened and sniffed FHIR file. */
export function fhirFromBytes(bytes: ByteStream, detected: DetectedFormat): FhirReader {
  if (detected.format !== 'fhir-bundle' && detected.format !== 'fhir-ndjson') {
    throw new AppError('UNSUPPORTED_FORMAT', `This is a ${detected.format} table, not FHIR data.`, [
      { issue: detected.format },
    ]);
  }
  const format = detected.format;
  let iterated = false;
  return {
    meta: { format },
    get bytesRead() {
      return bytes.bytesRead;
    },
    close: () => bytes.close(),
    [Symbol.asyncIterator]: () => {
      if (iterated) throw new Error('A FhirReader can be iterated once');
      iterated = true;
      const items = format === 'fhir-bundle' ? bundleItems(bytes) : ndjsonItems(bytes);
      return items[Symbol.asyncIterator]();
    },
  };
}

/** Opens a FHIR R4 Bundle (JSON) or NDJSON file. */
export async function openFhir(
  source: ImportSource,
  options: { readonly fileName?: string } = {},
): Promise<FhirReader> {
  const bytes = await openByteStream(source, HEAD_BYTES);
  try {
    return fhirFromBytes(bytes, detectFormat(bytes.head, bytes.complete, options.fileName));
  } catch (e) {
    await bytes.close();
    throw e;
  }
}
