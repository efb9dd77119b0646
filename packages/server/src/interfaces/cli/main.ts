import { Command, CommanderError } from 'commander';
import { isAppError } from '../../kernel/index.ts';
import { auditCommand } from './commands/audit.ts';
import { dedupeCommand } from './commands/dedupe.ts';
import { demoCommand } from './commands/demo.ts';
import { importCommand } from './commands/import.ts';
import { keysCommand } from './commands/keys.ts';
import { migrateCommand } from './commands/migrate.ts';
import { segmentsCommand } from './commands/segments.ts';
import { serveCommand } from './commands/serve.ts';
import { userCommand } from './commands/user.ts';
import { warn } from './output.ts';

/** Every command, registered from one table. */
const COMMANDS = [
  serveCommand,
  migrateCommand,
  demoCommand,
  userCommand,
  importCommand,
  keysCommand,
  auditCommand,
  segmentsCommand,
  dedupeCommand,
];

export function program(): Command {
  const p = new Command('careloop')
    .description('Careloop: consent-first patient relationship platform for clinics')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  p.addHelpText(
    'after',
    '\nConfiguration comes from the environment (PORT, HOST, CARELOOP_DATA_DIR, DATABASE_URL, …) or careloop.config.json; see README.',
  );
  for (const register of COMMANDS) register(p);
  return p;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await program().parseAsync(argv as string[]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit cleanly; usage errors were already printed by commander.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    warn(isAppError(e) ? e.message : `unexpected failure: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  }
}
