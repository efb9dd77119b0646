import { constants } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { AppError } from '../kernel/index.ts';
import type { Database } from './database.ts';
import { EmbeddedDatabase } from './embedded.ts';
import { redactUrl, ServerDatabase } from './server.ts';

export interface StorageOptions {
  /** PostgreSQL server; when absent, the embedded engine in dataDir is used. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  readonly poolSize?: number;
}

/** Opens the configured database and proves it is reachable; failures name the problem. */
export async function openDatabase(opts: StorageOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const db = new ServerDatabase(opts.databaseUrl, opts.poolSize);
    try {
      await db.ping();
    } catch (e) {
      await db.close().catch(() => undefined);
      throw new AppError(
        'DATABASE_UNAVAILABLE',
        `Cannot reach the PostgreSQL server in DATABASE_URL (${redactUrl(opts.databaseUrl)}): ${(e as Error).message}`,
        undefined,
        { cause: e },
      );
    }
    return db;
  }
  const dir = resolve(opts.dataDir);
  await ensureWritable(dir);
  const release = await lockDataDir(dir);
  try {
    return await EmbeddedDatabase.open({ dataDir: join(dir, 'pg'), release });
  } catch (e) {
    await release();
    throw e;
  }
}

async function ensureWritable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = join(dir, `.write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (e) {
    throw new AppError(
      'DATA_DIR_UNAVAILABLE',
      `CARELOOP_DATA_DIR ${dir} is not a writable directory: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
}

/** Two processes on one embedded data directory lose each other's writes, so only one may open it. */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  try {
    const release = await lockfile.lock(dir, {
      lockfilePath: join(dir, 'careloop.lock'),
      stale: 15_000,
      update: 5_000,
      onCompromised: (err) => {
        throw new AppError('DATA_DIR_UNAVAILABLE', `Lost the lock on ${dir}: ${err.message}`);
      },
    });
    return release;
  } catch (e) {
    if (e instanceof AppError) throw e;
    const busy = (e as NodeJS.ErrnoException).code === 'ELOCKED';
    throw new AppError(
      'DATA_DIR_UNAVAILABLE',
      busy
        ? `CARELOOP_DATA_DIR ${dir} is in use by another Careloop process; stop it or choose another directory.`
        : `Cannot lock CARELOOP_DATA_DIR ${dir}: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
}
