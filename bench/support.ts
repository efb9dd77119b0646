import pg from 'pg';

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
 * CPU seconds spent so far by the PostgreSQL backends serving one database (read from
 * /proc, so the server must be on this machine): with the client's own figure, it shows
 * where a run's work goes whatever else the machine is doing.
 */
export async function serverCpuSeconds(url: string): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const r = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  await client.end();
  let ticks = 0;
  for (const { pid } of r.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The backend ended meanwhile.
    }
  }
  return ticks / 100;
}

/** CPU seconds of this process, all its threads included. */
export const clientCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
