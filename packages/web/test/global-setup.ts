import { ensureWebBuilt } from '../scripts/build.ts';

/** Builds the dashboard once per test run when its sources changed; the browser tests serve dist/. */
export default async function setup(): Promise<void> {
  await ensureWebBuilt({ quiet: true });
}
