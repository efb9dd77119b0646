import type { Command } from 'commander';
import { withCareloop } from '../context.ts';
import { say } from '../output.ts';

export function auditCommand(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit trail');
  audit
    .command('verify')
    .description('Recompute every hash chain and name the first modified, missing or reordered entry')
    .option('--tenant <slug>', 'only this tenant')
    .action(async (opts: { tenant?: string }) => {
      await withCareloop({}, async (careloop) => {
        const results = await careloop.audit.verify(opts.tenant);
        let bad = 0;
        for (const { slug, finding } of results) {
          if (finding.ok) say(`${slug}: intact, ${finding.entries} entries`);
          else {
            bad++;
            say(
              `${slug}: BROKEN at entry ${finding.firstBadSeq} (${finding.problem}); ${finding.entries} entries before it are intact`,
            );
          }
        }
        if (bad > 0) process.exitCode = 1;
      });
    });
}
