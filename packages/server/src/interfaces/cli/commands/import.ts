import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { IMPORT_ENCODINGS, type ImportEncoding } from '@careloop/contracts';
import { type Command, InvalidArgumentError } from 'commander';
import { AppError, systemActor } from '../../../kernel/index.ts';
import { withCareloop } from '../context.ts';
import { progress, say } from '../output.ts';

const encoding = (v: string): ImportEncoding => {
  if (!(IMPORT_ENCODINGS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`--encoding must be one of ${IMPORT_ENCODINGS.join(', ')}.`);
  return v as ImportEncoding;
};

export function importCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import patients from clinic-system exports: CSV (UTF-8 or Windows-1251), XLSX, FHIR R4 bundles or NDJSON',
    )
    .argument('<files...>', 'files to import, in order')
    .requiredOption('--tenant <slug>', 'tenant (clinic network) to import into')
    .option(
      '--source <name>',
      'the system the files come from; its saved column mapping is reused',
      'default',
    )
    .option(
      '--map <mapping>',
      'explicit columns, e.g. "ФИО=full_name,Тел.=phone" (several columns may join into one field)',
    )
    .option('--encoding <encoding>', 'auto, utf8 or cp1251', encoding, 'auto' as ImportEncoding)
    .option('--save-mapping', 'keep the mapping used for the next file from this source')
    .option('--no-resolve', 'do not look for duplicates of the imported patients afterwards')
    .action(
      async (
        files: string[],
        opts: {
          tenant: string;
          source: string;
          map?: string;
          encoding: ImportEncoding;
          saveMapping?: boolean;
          resolve: boolean;
        },
      ) => {
        for (const f of files) {
          try {
            if (!statSync(f).isFile()) throw new Error('not a file');
          } catch {
            throw new AppError('VALIDATION_FAILED', `Cannot read ${f}: no such file.`);
          }
        }
        await withCareloop({ migrate: true }, async (careloop) => {
          const tenant = (await careloop.tenants.list()).find((t) => t.slug === opts.tenant);
          if (!tenant) throw new AppError('NOT_FOUND', `No tenant with slug ${opts.tenant}.`);
          const scope = {
            tenantId: tenant.id,
            actor: systemActor('cli-import'),
            purpose: 'registry.operations' as const,
          };
          for (const file of files) {
            const size = statSync(file).size;
            const bar = progress(basename(file));
            const started = performance.now();
            const r = await careloop.imports.run(scope, {
              source: file,
              fileName: basename(file),
              sourceName: opts.source,
              encoding: opts.encoding,
              ...(opts.map ? { mapping: opts.map } : {}),
              ...(opts.saveMapping ? { saveMapping: true } : {}),
              resolveIdentities: opts.resolve,
              onProgress: (_rows, bytes) => bar.update(Math.min(bytes, size), size),
            });
            bar.stop();
            const seconds = (performance.now() - started) / 1000;
            say(
              `${basename(file)} (${r.format}${r.encoding ? `, ${r.encoding}` : ''}${r.delimiter ? `, "${r.delimiter === '\t' ? '\\t' : r.delimiter}"` : ''}): ` +
                `${r.rows} rows in ${seconds.toFixed(1)} s — ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ` +
                `${r.partial} imported with issues, ${r.rejected} rejected; ${r.quarantined} rows to review in the quarantine (batch ${r.batchId}).`,
            );
            if (r.visits || r.conditions)
              say(
                `  ${r.visits} visits, ${r.conditions} clinical records; ${r.skippedResources} resources not imported.`,
              );
            if (r.identity)
              say(
                `  duplicates: ${r.identity.merged} merged automatically, ${r.identity.queued} pairs for review (${r.identity.mode} run).`,
              );
            const unmapped = r.columns.filter((c) => c.field === null).map((c) => c.name);
            if (unmapped.length > 0) say(`  columns not imported: ${unmapped.join(', ')}`);
          }
        });
      },
    );
}
