import type { Command } from 'commander';
import { AppError } from '../../../kernel/index.ts';
import { withCareloop } from '../context.ts';
import { say } from '../output.ts';

export function segmentsCommand(program: Command): void {
  const segments = program.command('segments').description('Segments and the per-patient facts they read');
  segments
    .command('rebuild-facts')
    .description(
      'Recompute every per-patient fact from visits, appointments and consents, and the visits-per-month rollup the home screen reads (after a restore)',
    )
    .option('--tenant <slug>', 'only this tenant')
    .action(async (opts: { tenant?: string }) => {
      await withCareloop({ migrate: true }, async (careloop) => {
        const tenants = (await careloop.tenants.list()).filter((t) => !opts.tenant || t.slug === opts.tenant);
        if (opts.tenant && tenants.length === 0) throw new AppError('NOT_FOUND', `No tenant ${opts.tenant}.`);
        for (const t of tenants) {
          const started = performance.now();
          const s = await careloop.segments.rebuildFacts(t.id);
          const v = await careloop.analytics.rebuildVisitStats(t.id);
          say(
            `${t.slug}: facts of ${s.patients} patients, ${s.visitFacts} specialty/service facts, ${v.cells} month × branch visit counts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
          );
        }
      });
    });
}
