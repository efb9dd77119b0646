import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.ts';
import { openDatabase } from '../../../main/storage.ts';
import { say } from '../output.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations and exit')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(config);
      try {
        const applied = await db.migrate();
        say(
          applied.length > 0
            ? `Applied ${applied.length} migrations:\n  ${applied.join('\n  ')}`
            : 'The schema is up to date.',
        );
      } finally {
        await db.close();
      }
    });
}
