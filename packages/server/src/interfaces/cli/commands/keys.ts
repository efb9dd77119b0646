import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.ts';
import { AppError } from '../../../kernel/index.ts';
import { addMasterKeyVersion } from '../../../modules/crypto/index.ts';
import { withCareloop } from '../context.ts';
import { progress, say } from '../output.ts';

export function keysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage encryption keys');
  keys
    .command('rotate')
    .description('Add a new master key version to the key file and re-wrap every tenant key under it')
    .action(async () => {
      const config = loadConfig();
      if (config.masterKey) {
        throw new AppError(
          'CONFIG_INVALID',
          'Master keys come from CARELOOP_MASTER_KEY: prepend a new version (e.g. "2:<base64>,1:<base64>") and run careloop keys rewrap.',
        );
      }
      const version = addMasterKeyVersion(config.keyFile);
      say(`Added master key version ${version} to ${config.keyFile}.`);
      await withCareloop({}, async (careloop) => {
        say(`Re-wrapped ${await careloop.keys.rewrapTenantKeys()} tenant keys under version ${version}.`);
      });
    });
  keys
    .command('rotate-data')
    .description("Give each tenant a new data key and re-wrap every patient's key under it, in batches")
    .option('--tenant <slug>', 'only this tenant')
    .action(async (opts: { tenant?: string }) => {
      await withCareloop({}, async (careloop) => {
        const bar = progress('patient keys re-wrapped');
        const results = await careloop.keys.rotateDataKeys(opts.tenant, (_slug, n) => bar.update(n, n));
        bar.stop();
        for (const r of results) {
          say(
            `${r.slug}: data key version ${r.version}; ${r.rewrapped} patient keys re-wrapped; retired versions: ${r.retired.join(', ') || 'none'}`,
          );
        }
      });
    });
  keys
    .command('rewrap')
    .description('Re-wrap every tenant key under the newest configured master key')
    .action(async () => {
      await withCareloop({}, async (careloop) => {
        say(`Re-wrapped ${await careloop.keys.rewrapTenantKeys()} tenant keys.`);
      });
    });
}
