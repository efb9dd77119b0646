import { readFile } from 'node:fs/promises';
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
