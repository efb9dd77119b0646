import { type Command, InvalidArgumentError } from 'commander';
import { AppError } from '../../../kernel/index.ts';
import { withCareloop } from '../context.ts';
import { progress, say } from '../output.ts';

export const positiveInt =
  (name: string, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return n;
  };

const isoDate = (value: string): Date => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('--as-of must be a date like 2026-11-23.');
  }
  return new Date(`${value}T00:00:00Z`);
};

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Generate the deterministic demo clinic network (synthetic patients, visits, schedules, consents)',
    )
    .option('--patients <n>', 'number of patients', positiveInt('--patients', 10_000_000), 5_000)
    .option('--seed <n>', 'random seed', positiveInt('--seed'), 20261123)
    .option('--as-of <date>', 'the day the demo is generated for (default: today)', isoDate)
    .option('--batch-size <n>', 'patients per bulk-load batch', positiveInt('--batch-size', 200_000), 20_000)
    .action(async (opts: { patients: number; seed: number; asOf?: Date; batchSize: number }) => {
      await withCareloop({ migrate: true, createKeys: true }, async (careloop) => {
        if (await careloop.demo.find()) {
          throw new AppError('ALREADY_EXISTS', 'The demo clinic already exists in this database.');
        }
        const started = performance.now();
        const bar = progress('demo patients');
        const s = await careloop.demo.generate({
          patients: opts.patients,
          seed: opts.seed,
          asOf: opts.asOf ?? careloop.clock.now(),
          batchSize: opts.batchSize,
          onProgress: (d, t) => bar.update(d, t),
        });
        bar.stop();
        const seconds = (performance.now() - started) / 1000;
        say(
          `Demo clinic: ${s.patients} patients (${s.plantedDuplicates} planted duplicates, ${s.twins} twins), ${s.visits} visits, ${s.consentEvents} consent events, ${s.slots} slots, ${s.appointments} appointments in ${seconds.toFixed(1)} s.`,
        );
      });
    });
}
