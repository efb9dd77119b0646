/**
 * Builds the dashboard into packages/web/dist when its sources changed since the last
 * build (or dist is missing). Run by `npm start` (prestart) and by the test suite's
 * global set-up; `--force` always builds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const CONTRACTS = join(WEB, '..', 'contracts');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.source-hash');

const INPUTS = [
  join(WEB, 'index.html'),
  join(WEB, 'vite.config.ts'),
  join(WEB, 'package.json'),
  join(WEB, 'src'),
  join(CONTRACTS, 'src'),
];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => files(join(path, e.name)));
}

/** A digest of every input file's path and content: independent of checkout times. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(files)) {
    h.update(relative(WEB, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

export function isFresh(): boolean {
  return (
    existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sourceHash()
  );
}

/** Builds unless fresh; returns whether it built. */
export async function ensureWebBuilt(opts: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!opts.force && isFresh()) return false;
  const hash = sourceHash();
  const { build } = await import('vite');
  await build({
    configFile: join(WEB, 'vite.config.ts'),
    root: WEB,
    logLevel: opts.quiet ? 'warn' : 'info',
  });
  writeFileSync(STAMP, hash);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  const built = await ensureWebBuilt({ force });
  if (!built) console.log('Dashboard is up to date (packages/web/dist).');
}
