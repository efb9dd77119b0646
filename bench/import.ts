// Imports a generated Russian clinic export (semicolon CSV, mixed date and phone formats,
// duplicates and broken values as MIS exports have them) into PostgreSQL and prints rows/s.
//   npx node bench/import.ts [--records 1000000]
// Target (issue 3): 1,000,000 records imported in ≤ 90 s, under 4 GiB.
import { createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../packages/server/src/kernel/index.ts';
import { startCareloop } from '../packages/server/src/main/careloop.ts';
import { testConfig } from '../packages/server/test/support/careloop.ts';
import { RuGenerator } from './ru-generator.ts';
import { arg, clientCpuSeconds, freshDatabase, trackServerCpu } from './support.ts';

const records = arg('records', 1_000_000);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const gen = new RuGenerator(process.env.CARELOOP_SHARED ?? join(repoRoot, '..', 'shared'), 11);
const file = join(mkdtempSync(join(tmpdir(), 'careloop-import-')), 'export.csv');

const t0 = performance.now();
const out = createWriteStream(file);
const cell = (v: string | undefined) =>
  v === undefined ? '' : /[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
out.write(
  '№ карты;ФИО;Фамилия;Имя;Отчество;Дата рождения;Пол;Моб. телефон;E-mail;СНИЛС;Полис ОМС;Город;Адрес\n',
);
let made = 0;
while (made < records) {
  const p = gen.person();
  const rows = [gen.render(p, 'original')];
  if (gen.rand() < 0.15) rows.push(gen.render(gen.corrupt(p), 'duplicate'));
  for (const r of rows) {
    if (made >= records) break;
    made++;
    const line = [
      String(made),
      r.fullName,
      r.lastName,
      r.firstName,
      r.middleName,
      r.birthDate,
      r.sex,
      r.phone,
      r.email,
      r.snils,
      r.omsPolicy,
      r.city,
      r.address,
    ]
      .map(cell)
      .join(';');
    if (!out.write(`${line}\n`)) await new Promise<void>((ok) => out.once('drain', () => ok()));
  }
}
out.end();
await finished(out);
console.log(
  `generated ${made} rows (${(statSync(file).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const url = await freshDatabase('careloop_import_bench');
const careloop = await startCareloop(testConfig({ databaseUrl: url, logLevel: 'silent' }), { migrate: true });
const tenant = await careloop.tenants.create({
  slug: 'bench-import',
  name: 'Bench',
  expectedPatients: records,
});
let peak = 0;
const cpu0 = clientCpuSeconds();
const server = trackServerCpu(url);
const elu0 = performance.eventLoopUtilization();
const started = performance.now();
const report = await careloop.imports.run(
  { tenantId: tenant.id, actor: systemActor('bench'), purpose: 'registry.operations' },
  {
    source: file,
    fileName: 'export.csv',
    sourceName: 'mis',
    onProgress: (rows) => {
      peak = Math.max(peak, process.memoryUsage().rss);
      if (rows % 100_000 === 0)
        process.stderr.write(
          `  ${rows} rows, ${((performance.now() - started) / 1000).toFixed(0)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`,
        );
    },
  },
);
const seconds = (performance.now() - started) / 1000;
console.log(`main thread busy ${(performance.eventLoopUtilization(elu0).active / 1000).toFixed(1)} s`);
const cpu = { client: clientCpuSeconds() - cpu0, server: await server.stop() };
console.log(
  `imported into ${careloop.db.location}: ${JSON.stringify({ rows: report.rows, created: report.created, partial: report.partial, rejected: report.rejected })}`,
);
console.log(
  `${report.rows} rows in ${seconds.toFixed(1)} s: ${Math.round(report.rows / seconds)} rows/s; peak rss ${(peak / 2 ** 20).toFixed(0)} MiB`,
);
console.log(
  `CPU: Careloop ${cpu.client.toFixed(1)} s, PostgreSQL ${cpu.server.toFixed(1)} s (${((1e6 * (cpu.client + cpu.server)) / report.rows).toFixed(0)} µs per row on ${availableParallelism()} cores; load average ${loadavg()[0]!.toFixed(1)})`,
);
console.log(
  `target: 1,000,000 rows in ≤ 90 s under 4 GiB — ${records < 1_000_000 ? 'run with --records 1000000' : seconds <= 90 && peak < 4 * 2 ** 30 ? 'met' : 'NOT met'}`,
);
await careloop.close();
