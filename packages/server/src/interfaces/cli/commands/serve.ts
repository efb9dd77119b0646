import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.ts';
import { type Careloop, startCareloop } from '../../../main/careloop.ts';
import { startDeliveryWorker } from '../../../main/delivery-channels.ts';
import { startJobs } from '../../../main/jobs.ts';
import { DEMO_CREDENTIALS } from '../../../modules/demo/index.ts';
import { buildApp } from '../../http/app.ts';
import { progress, say, warn } from '../output.ts';

export const DEMO_PATIENTS = 5_000;

/** Creates the demo clinic on an empty database and prints its sign-in details. */
export async function ensureDemo(careloop: Careloop): Promise<void> {
  let demo = await careloop.demo.find();
  if (!demo) {
    const existing = await careloop.tenants.list();
    if (existing.length > 0) {
      warn('this database already holds a clinic; the demo clinic is only created on an empty database.');
      return;
    }
    say(`Creating the demo clinic (${DEMO_PATIENTS} synthetic patients)…`);
    const bar = progress('demo patients');
    const summary = await careloop.demo.generate({
      patients: DEMO_PATIENTS,
      asOf: careloop.clock.now(),
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.stop();
    say(
      `Demo clinic ready: ${summary.patients} patients, ${summary.visits} visits, ${summary.appointments} upcoming appointments.`,
    );
    demo = await careloop.demo.find();
  }
  if (!demo) return;
  say('');
  say('DEMO ACCOUNTS — synthetic data only, never use these for a real clinic:');
  for (const c of DEMO_CREDENTIALS) say(`  ${c.role.padEnd(11)} ${c.email.padEnd(36)} ${c.password}`);
  say('');
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the Careloop server (API, dashboard, jobs). Applies pending migrations first.')
    .option('--demo', 'on an empty database, create the demo clinic and print its demo accounts')
    .option('--no-migrate', 'refuse to start on an out-of-date schema instead of migrating it')
    .action(async (opts: { demo?: boolean; migrate: boolean }) => {
      const config = loadConfig();
      const careloop = await startCareloop(config, { migrate: opts.migrate, createKeys: true, notice: warn });
      try {
        if (opts.demo) await ensureDemo(careloop);
        else if ((await careloop.tenants.list()).length === 0) {
          warn(
            'no clinic yet. Create its owner: npx careloop user create --tenant <slug> --email <e-mail> --role owner',
          );
        }
        const app = await buildApp(careloop);
        const stopJobs = startJobs(careloop, (msg, err) => app.log.error({ err }, msg));
        const stopDelivery = startDeliveryWorker(careloop, (err) =>
          app.log.error({ err }, 'delivery pass failed'),
        );
        const stop = async (): Promise<void> => {
          stopJobs();
          await stopDelivery();
          await app.close();
          await careloop.close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await app.listen({ port: config.port, host: config.host });
        say(
          `Careloop is running at ${config.publicUrl} (API reference: ${config.publicUrl}/docs) on ${careloop.db.location}.`,
        );
      } catch (e) {
        await careloop.close();
        throw e;
      }
    });
}
