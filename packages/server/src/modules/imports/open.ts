import { type FhirReader, fhirFromBytes } from './fhir-reader.ts';
import { type DetectedFormat, detectFormat } from './format.ts';
import type { ImportSource } from './source.ts';
import { openTabularBytes, type TabularOptions, type TabularReader, tabularFromBytes } from './tabular.ts';

export type ImportReader =
  | { readonly kind: 'tabular'; readonly reader: TabularReader }
  | { readonly kind: 'fhir'; readonly reader: FhirReader };

/**
 * Opens any supported file (CSV/TSV, XLSX, FHIR Bundle, FHIR NDJSON), telling the format
 * from its content; tabular options are ignored for FHIR. Throws `UNSUPPORTED_FORMAT`,
 * `IMPORT_FILE_EMPTY` or `IMPORT_FILE_CORRUPT` with the problem named.
 */
export async function openImport(source: ImportSource, options: TabularOptions = {}): Promise<ImportReader> {
  const bytes = await openTabularBytes(source);
  let detected: DetectedFormat;
  try {
    detected = detectFormat(bytes.head, bytes.complete, options.fileName);
    if (detected.format === 'fhir-bundle' || detected.format === 'fhir-ndjson') {
      return { kind: 'fhir', reader: fhirFromBytes(bytes, detected) };
    }
  } catch (e) {
    await bytes.close();
    throw e;
  }
  return { kind: 'tabular', reader: await tabularFromBytes(bytes, detected, options) };
}
