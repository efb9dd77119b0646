import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { type Database, EmbeddedDatabase, ServerDatabase } from '../../src/db/index.ts';

/** The database a test file runs on: PostgreSQL when DATABASE_URL is set, else a fresh embedded one. */
export async function testDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return new ServerDatabase(url, 4);
  const template = await readFile(inject('embeddedTemplate'));
  return EmbeddedDatabase.open({ dataDir: 'memory://', loadDataDir: new Blob([template]) });
}

/** An embedded database regardless of DATABASE_URL, for embedded-only behaviour. */
export async function embeddedDatabase(): Promise<EmbeddedDatabase> {
  const template = await readFile(inject('embeddedTemplate'));
  return EmbeddedDatabase.open({ dataDir: 'memory://', loadDataDir: new Blob([template]) });
}

/** The whole database as bytes, the way an attacker with a stolen dump would see it (R27). */
export async function databaseDump(db: Database): Promise<Buffer> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--data-only', url], {
      maxBuffer: 1 << 30,
      encoding: 'buffer',
    });
    return stdout;
  }
  if (!(db instanceof EmbeddedDatabase)) throw new Error('unexpected database');
  return Buffer.from(await (await db.dump()).arrayBuffer());
}
