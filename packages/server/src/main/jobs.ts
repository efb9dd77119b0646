import type { Careloop } from './careloop.ts';

export interface Job {
  readonly name: string;
  readonly everyMs: number;
  run(careloop: Careloop): Promise<unknown>;
}

/** Recurring housekeeping of a running server: each job a file-sized entry, registered here. */
export const JOBS: readonly Job[] = [
  // Grants past their term stop counting at once; this writes their ledger events (R10).
  { name: 'consent-expiry', everyMs: 5 * 60_000, run: (c) => c.consents.expireAll() },
  // Active recurring campaigns run once per clinic day; a rerun of the same day adds nothing (R25).
  { name: 'campaigns', everyMs: 15 * 60_000, run: (c) => c.campaigns.runDue() },
  // Complaint rates are rolling (R20): an alert clears once the complaints behind it age out.
  { name: 'sending-domains', everyMs: 10 * 60_000, run: (c) => c.delivery.remeasureDomains() },
  // The embedded engine never vacuums by itself.
  {
    name: 'vacuum',
    everyMs: 6 * 3_600_000,
    run: (c) => (c.db.kind === 'embedded' ? c.db.vacuum() : Promise.resolve()),
  },
];

/**
 * Runs the jobs on their intervals, never two runs of one job at once. Failures are
 * logged by job name only and retried on the next tick.
 */
export function startJobs(
  careloop: Careloop,
  log: (msg: string, err?: unknown) => void,
  jobs = JOBS,
): () => void {
  const timers = jobs.map((job) => {
    let running = false;
    const tick = async (): Promise<void> => {
      if (running) return;
      running = true;
      try {
        await job.run(careloop);
      } catch (e) {
        log(`job ${job.name} failed`, e);
      } finally {
        running = false;
      }
    };
    const t = setInterval(() => void tick(), job.everyMs);
    t.unref();
    return t;
  });
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
