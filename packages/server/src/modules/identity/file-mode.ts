import type { ImportEncoding } from '@careloop/contracts';
import { AppError } from '../../kernel/index.ts';
import { type ImportSource, openTabular, type TabularMeta } from '../imports/index.ts';
import { type DedupeResult, dedupeRecords } from './dedupe.ts';
import { linkRecordFromFields } from './link-fields.ts';
import type { DedupeOptions, LinkRecord } from './record.ts';

export interface DedupeFileOptions extends DedupeOptions {
  /** `Column=field,…`, as for `careloop import`. */
  readonly mapping?: string;
  readonly encoding?: ImportEncoding;
  readonly fileName?: string;
  /** The day birth dates are checked against (default: now). */
  readonly today?: Date;
  readonly onProgress?: (rows: number, bytes: number) => void;
}

export interface DedupeFileResult {
  readonly result: DedupeResult;
  readonly meta: TabularMeta;
  readonly rows: number;
}

/**
 * Stateless file mode: reads a CSV/XLSX with the import readers (encoding, delimiter,
 * header recognition, mapping), normalises each row into a link record and deduplicates
 * them. Nothing is stored. Every data row takes part, empty and broken ones included, so
 * each row of the file gets a cluster.
 */
export async function dedupeFile(
  source: ImportSource,
  options: DedupeFileOptions = {},
): Promise<DedupeFileResult> {
  const reader = await openTabular(source, {
    encoding: options.encoding ?? 'auto',
    ...(options.mapping ? { mapping: options.mapping } : {}),
    ...(options.fileName ? { fileName: options.fileName } : {}),
  });
  if (Object.keys(reader.meta.mapping.fields).length === 0) {
    await reader.close();
    throw new AppError(
      'IMPORT_MAPPING_INVALID',
      'No column was recognised as a patient field; name them with a mapping ("Column=field,…").',
    );
  }
  const today = options.today ?? new Date();
  let rows = 0;
  async function* records(): AsyncGenerator<LinkRecord> {
    for await (const r of reader) {
      rows = r.rowNo;
      if (options.onProgress && (rows & 0x3fff) === 0) options.onProgress(rows, reader.bytesRead);
      yield linkRecordFromFields(r.rowNo, r.fields, today);
    }
  }
  const { mapping: _m, encoding: _e, fileName: _f, today: _t, onProgress, ...linkOptions } = options;
  const result = await dedupeRecords(records(), linkOptions);
  onProgress?.(rows, reader.bytesRead);
  return { result, meta: reader.meta, rows };
}
