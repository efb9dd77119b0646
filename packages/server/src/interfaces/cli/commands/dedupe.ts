import { statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { IMPORT_ENCODINGS, type ImportEncoding } from '@careloop/contracts';
import { type Command, InvalidArgumentError } from 'commander';
import { AppError } from '../../../kernel/index.ts';
import { dedupeFile, writeDedupeCsv } from '../../../modules/identity/index.ts';
import { progress, say } from '../output.ts';

const encoding = (v: string): ImportEncoding => {
  if (!(IMPORT_ENCODINGS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`--encoding must be one of ${IMPORT_ENCODINGS.join(', ')}.`);
  return v as ImportEncoding;
};

const probability =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n >= 1)
      throw new InvalidArgumentError(`${name} must be a probability between 0 and 1.`);
    return n;
  };

/** `clusters.csv` → `clusters.pairs.csv`, beside it. */
const pairsPathFor = (out: string): string =>
  join(dirname(out), `${basename(out, extname(out))}.pairs${extname(out) || '.csv'}`);

/** Stateless file mode: no database, no keys; the file is read, linked and forgotten. */
export function dedupeCommand(program: Command): void {
  program
    .command('dedupe')
    .description(
      'Find the rows of one CSV/XLSX file that are the same person (no database): writes row,cluster',
    )
    .argument('<input>', 'CSV (UTF-8 or Windows-1251, "," ";" or tab) or XLSX file')
    .requiredOption(
      '--out <clusters.csv>',
      'where to write row,cluster (row = 1-based data row, header excluded)',
    )
    .option(
      '--map <mapping>',
      'explicit columns, e.g. "ФИО=full_name,Тел.=phone" (several columns may join into one field)',
    )
    .option('--encoding <encoding>', 'auto, utf8 or cp1251', encoding, 'auto' as ImportEncoding)
    .option(
      '--explain [pairs.csv]',
      'also write every scored pair with its decision and per-field evidence (default: <out>.pairs.csv)',
    )
    .option(
      '--match-threshold <p>',
      'probability at which rows link (default 0.9)',
      probability('--match-threshold'),
    )
    .option(
      '--review-threshold <p>',
      'lowest probability reported in --explain (default 0.3)',
      probability('--review-threshold'),
    )
    .action(
      async (
        input: string,
        opts: {
          out: string;
          map?: string;
          encoding: ImportEncoding;
          explain?: string | true;
          matchThreshold?: number;
          reviewThreshold?: number;
        },
      ) => {
        let size: number;
        try {
          const st = statSync(input);
          if (!st.isFile()) throw new Error('not a file');
          size = st.size;
        } catch {
          throw new AppError('VALIDATION_FAILED', `Cannot read ${input}: no such file.`);
        }
        const explainPath =
          opts.explain === undefined
            ? undefined
            : opts.explain === true
              ? pairsPathFor(opts.out)
              : opts.explain;
        const bar = progress(basename(input));
        const started = performance.now();
        const { result, meta, rows } = await dedupeFile(input, {
          fileName: basename(input),
          encoding: opts.encoding,
          explain: false,
          ...(opts.map ? { mapping: opts.map } : {}),
          ...(opts.matchThreshold !== undefined ? { matchThreshold: opts.matchThreshold } : {}),
          ...(opts.reviewThreshold !== undefined ? { reviewThreshold: opts.reviewThreshold } : {}),
          onProgress: (_rows, bytes) => bar.update(Math.min(bytes, size), size),
        });
        bar.stop();
        const mapped = meta.mapping.columns.filter((c) => c.field !== null);
        try {
          await writeDedupeCsv(result, opts.out, explainPath);
        } catch (e) {
          throw new AppError('VALIDATION_FAILED', `Cannot write the output: ${(e as Error).message}`);
        }
        const seconds = (performance.now() - started) / 1000;
        const duplicates = result.clusters.reduce((s, c) => s + c.length - 1, 0);
        say(
          `${basename(input)} (${meta.format}${meta.encoding ? `, ${meta.encoding.encoding}` : ''}): ${rows} rows in ${seconds.toFixed(1)} s — ` +
            `${result.clusters.length} people with several rows, ${duplicates} duplicate rows, ` +
            `${result.pairs.filter((p) => p.decision === 'review').length} pairs for review.`,
        );
        say(`  fields: ${mapped.map((c) => `${c.name}→${c.field}`).join(', ')}`);
        say(`  clusters: ${opts.out}${explainPath ? `; pair evidence: ${explainPath}` : ''}`);
      },
    );
}
