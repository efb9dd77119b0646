import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { unsealPatient } from '../packages/server/src/modules/patients/index.ts';
import { testConfig } from '../packages/server/test/support/careloop.ts';

/** A fresh PostgreSQL database for a benchmark: dropped and created from the maintenance database. */
export async function freshDatabase(name: string): Promise<string> {
  const base = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

export const rss = (): string => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;

/**
 * CPU seconds spent by the PostgreSQL backends serving one database while a run goes on,
 * read from /proc (the server must be on this machine) every 200 ms and kept per backend,
 * so sessions that end before the run does still count. With the client's own figure it
 * shows where a run's work goes whatever else the machine is doing.
 */
export function trackServerCpu(url: string): { stop(): Promise<number> } {
  const ticks = new Map<number, number>();
  const client = new pg.Client({ connectionString: url });
  const ready = client.connect();
  const sample = async (): Promise<void> => {
    await ready;
    const r = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    for (const { pid } of r.rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks.set(pid, Math.max(ticks.get(pid) ?? 0, Number(f[11]) + Number(f[12])));
      } catch {
        // The backend ended meanwhile; its last sample stands.
      }
    }
  };
  let busy = sample();
  const timer = setInterval(() => {
    busy = busy.then(sample, sample);
  }, 200);
  return {
    async stop() {
      clearInterval(timer);
      await busy.catch(() => undefined);
      await sample();
      await client.end();
      return [...ticks.values()].reduce((a, b) => a + b, 0) / 100;
    },
  };
}

/** CPU seconds of this process, all its threads included. */
export const clientCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Careloop on the 1M-patient demo network that `bench/generate.ts` wrote (DATABASE_URL, or
 * the `careloop_bench` database), and a random sample of its patients with their phones,
 * decrypted once, outside any timing.
 */
export async function openDemoNetwork(sampleSize: number) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/careloop_bench';
  const careloop = await startCareloop(testConfig({ databaseUrl: url, logLevel: 'silent' }), {
    migrate: true,
  });
  const demo = await careloop.demo.find();
  if (!demo) throw new Error('No demo network in this database: run npx node bench/generate.ts first.');
  const t = demo.id;
  const sample = await careloop.db.tenant(t, async (tx) => {
    const keys = await careloop.vault.forTenant(tx, t);
    const rows = await sql<{
      id: string;
      key_version: number;
      key_wrapped: Buffer;
      identity_enc: Buffer;
      contact_enc: Buffer;
    }>`
      SELECT id, key_version, key_wrapped, identity_enc, contact_enc FROM patients TABLESAMPLE SYSTEM (1) LIMIT ${sampleSize}`.execute(
      tx,
    );
    return rows.rows.map((r) => ({
      id: r.id,
      phone: unsealPatient(keys, r, { identity: false, contact: true }).contact!.phone!,
    }));
  });
  return { url, careloop, tenantId: t, sample };
}
