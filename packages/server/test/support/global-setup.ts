import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedDatabase, ServerDatabase } from '../../src/db/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplate: string;
  }
}

/**
 * Migrates once per run: on PostgreSQL when DATABASE_URL is set, and always into an
 * embedded template that every test file then loads instead of migrating again.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const server = new ServerDatabase(url, 1);
    await server.migrate();
    await server.close();
  }
  const embedded = await EmbeddedDatabase.open({ dataDir: 'memory://' });
  await embedded.migrate();
  const blob = await embedded.dump();
  await embedded.close();
  const dir = await mkdtemp(join(tmpdir(), 'careloop-test-'));
  const file = join(dir, 'template.tar');
  await writeFile(file, Buffer.from(await blob.arrayBuffer()));
  project.provide('embeddedTemplate', file);
}
