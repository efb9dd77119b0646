/**
 * Import reader benchmark: generates a Russian clinic export (Windows-1251, `;`, 1,000,000
 * rows by default) and a smaller XLSX in a temp dir, reads every row through the public
 * readers, and prints rows/s and memory. Memory is sampled while reading to show it stays
 * flat; with `--expose-gc` it also prints the heap after a full GC at each checkpoint, which
 * shows what is really retained. Run:
 * `npx node --expose-gc bench/import-read.ts [--rows N] [--xlsx-rows N] [--fhir-entries N] [--utf8]`.
 * The FHIR part writes one Bundle of patients, encounters and observations and streams it.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { openFhir, openTabular } from '../packages/server/src/modules/imports/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CSV_ROWS = option('--rows', 1_000_000);
const XLSX_ROWS = option('--xlsx-rows', 100_000);
const FHIR_ENTRIES = option('--fhir-entries', 300_000);
const UTF8 = args.includes('--utf8');

let seed = 20261123;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const SURNAMES = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
];
const MALE = [
  'Александр',
  'Сергей',
  'Дмитрий',
  'Андрей',
  'Алексей',
  'Максим',
  'Евгений',
  'Иван',
  'Михаил',
  'Артём',
];
const FEMALE = [
  'Елена',
  'Ольга',
  'Наталья',
  'Екатерина',
  'Анна',
  'Татьяна',
  'Мария',
  'Ирина',
  'Юлия',
  'Алёна',
];
const FATHERS = [
  'Александров',
  'Сергеев',
  'Иванов',
  'Петров',
  'Андреев',
  'Николаев',
  'Владимиров',
  'Михайлов',
];
const STREETS = ['ул. Ленина', 'пр. Мира', 'ул. Гагарина', 'ул. Советская', 'Тверская ул.', 'ул. Пушкина'];
const CITIES = ['Москва', 'Тверь', 'Казань', 'Самара', 'Омск', 'Пермь', 'Екатеринбург'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function person(i: number): string[] {
  const male = random() < 0.45;
  const surname = pick(SURNAMES) + (male ? '' : 'а');
  const name = pick(male ? MALE : FEMALE);
  const patronymic = pick(FATHERS) + (male ? 'ич' : 'на');
  const birth = `${pad(1 + Math.floor(random() * 28))}.${pad(1 + Math.floor(random() * 12))}.${1930 + Math.floor(random() * 90)}`;
  const phone = `+7 9${pad(Math.floor(random() * 100))} ${pad(Math.floor(random() * 1000), 3)}-${pad(Math.floor(random() * 100))}-${pad(Math.floor(random() * 100))}`;
  const email = random() < 0.4 ? `user${i}@example.ru` : '';
  // Addresses carry the delimiter now and then, so some fields are quoted.
  const address = `"г. ${pick(CITIES)}; ${pick(STREETS)}, д. ${1 + Math.floor(random() * 200)}"`;
  const snils = `${pad(Math.floor(random() * 1000), 3)}-${pad(Math.floor(random() * 1000), 3)}-${pad(Math.floor(random() * 1000), 3)} ${pad(Math.floor(random() * 100))}`;
  return [
    `К-${i}`,
    `${surname} ${name} ${patronymic}`,
    birth,
    male ? 'М' : 'Ж',
    phone,
    email,
    address,
    snils,
  ];
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const encode = (s: string): Buffer => (UTF8 ? Buffer.from(s) : iconv.encode(s, 'win1251'));
  out.write(encode('№ карты;ФИО;Дата рождения;Пол;Моб. телефон;E-mail;Адрес;СНИЛС\r\n'));
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    const cells = person(i);
    // One row in a thousand is broken the way exports break: a cell short.
    batch += `${(i % 1000 === 0 ? cells.slice(0, 7) : cells).join(';')}\r\n`;
    if (i % 5000 === 0 || i === rows) {
      if (!out.write(encode(batch))) await once(out, 'drain');
      batch = '';
    }
  }
  out.end();
  await once(out, 'finish');
}

async function writeXlsx(path: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const ws = wb.addWorksheet('Пациенты');
  ws.addRow(['№ карты', 'ФИО', 'Дата рождения', 'Пол', 'Моб. телефон', 'E-mail', 'Адрес', 'СНИЛС']).commit();
  for (let i = 1; i <= rows; i++) ws.addRow(person(i)).commit();
  ws.commit();
  await wb.commit();
}

/** One pretty-printed FHIR Bundle: patient, encounter and observation entries in turn. */
async function writeBundle(path: string, entries: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('{\n  "resourceType": "Bundle",\n  "type": "collection",\n  "entry": [\n');
  let batch = '';
  for (let i = 0; i < entries; i++) {
    const p = Math.floor(i / 3);
    const [card, name, birth, sex, phone] = person(p);
    const [family, given, middle] = (name ?? '').split(' ');
    const d = (birth ?? '').split('.');
    let resource: object;
    if (i % 3 === 0) {
      resource = {
        resourceType: 'Patient',
        id: `p${p}`,
        identifier: [{ system: 'urn:oid:1.2.643.100.3', value: card }],
        name: [{ use: 'official', family, given: [given, middle] }],
        gender: sex === 'М' ? 'male' : 'female',
        birthDate: `${d[2]}-${d[1]}-${d[0]}`,
        telecom: [{ system: 'phone', use: 'mobile', value: phone }],
      };
    } else if (i % 3 === 1) {
      resource = {
        resourceType: 'Encounter',
        id: `e${p}`,
        status: 'finished',
        subject: { reference: `Patient/p${p}` },
        participant: [{ individual: { reference: 'Practitioner/d1' } }],
        period: { start: '2026-10-01T09:00:00+03:00', end: '2026-10-01T09:30:00+03:00' },
        type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185349003', display: 'Check up' }] }],
      };
    } else {
      resource = {
        resourceType: 'Observation',
        id: `o${p}`,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }] },
        subject: { reference: `Patient/p${p}` },
        valueQuantity: { value: 170 + (p % 20), unit: 'cm' },
      };
    }
    batch += `${i === 0 ? '' : ',\n'}    ${JSON.stringify({ fullUrl: `urn:uuid:${i}`, resource }, null, 1).replaceAll('\n', '\n    ')}`;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.write(`${batch}\n  ]\n}\n`);
  out.end();
  await once(out, 'finish');
}

interface Result {
  readonly rows: number;
  readonly problems: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  readonly rssAt: readonly string[];
}

const mib = (bytes: number): number => Math.round(bytes / 1024 / 1024);

async function readAll(path: string, expected: number): Promise<Result> {
  const checkpoint = Math.max(1, Math.round(expected / 4));
  global.gc?.();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const rssAt: string[] = [];
  const started = performance.now();
  const reader = path.endsWith('.json') ? await openFhir(path) : await openTabular(path);
  let rows = 0;
  let problems = 0;
  for await (const item of reader) {
    rows++;
    if ('problems' in item ? item.problems.length > 0 : item.kind === 'problem') problems++;
    if (rows % checkpoint === 0) {
      sample();
      let point = `${rows / 1000}k:${mib(process.memoryUsage().rss)}`;
      if (global.gc !== undefined) {
        global.gc();
        point += `/${mib(process.memoryUsage().heapUsed)}`;
      }
      rssAt.push(point);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  return { rows, problems, seconds, peakRssMiB: mib(peakRss), peakHeapMiB: mib(peakHeap), rssAt };
}

function report(label: string, bytes: number, r: Result): void {
  const rate = Math.round(r.rows / r.seconds);
  console.log(
    `${label}: ${r.rows.toLocaleString('en')} rows (${r.problems} with problems), ${mib(bytes)} MiB, ` +
      `${r.seconds.toFixed(1)} s, ${rate.toLocaleString('en')} rows/s, ${(bytes / 1024 / 1024 / r.seconds).toFixed(1)} MiB/s; ` +
      `peak RSS ${r.peakRssMiB} MiB, peak heap ${r.peakHeapMiB} MiB` +
      (r.rssAt.length > 0
        ? `; by rows read, RSS${global.gc === undefined ? '' : '/heap after GC'} MiB ${r.rssAt.join(' ')}`
        : ''),
  );
}

const dir = await mkdtemp(join(tmpdir(), 'careloop-bench-'));
try {
  console.log(`node ${process.version}, baseline RSS ${mib(process.memoryUsage().rss)} MiB`);
  if (CSV_ROWS > 0) {
    const csv = join(dir, 'patients.csv');
    const t = performance.now();
    await writeCsv(csv, CSV_ROWS);
    const size = (await stat(csv)).size;
    console.log(
      `generated ${UTF8 ? 'UTF-8' : 'Windows-1251'} CSV in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    report(`CSV (${UTF8 ? 'utf8' : 'cp1251'}, ;)`, size, await readAll(csv, CSV_ROWS));
    await rm(csv);
  }
  if (XLSX_ROWS > 0) {
    const xlsx = join(dir, 'patients.xlsx');
    const t = performance.now();
    await writeXlsx(xlsx, XLSX_ROWS);
    console.log(`generated XLSX in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    report('XLSX', (await stat(xlsx)).size, await readAll(xlsx, XLSX_ROWS));
  }
  if (FHIR_ENTRIES > 0) {
    const json = join(dir, 'bundle.json');
    const t = performance.now();
    await writeBundle(json, FHIR_ENTRIES);
    console.log(`generated FHIR bundle in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const label = 'FHIR bundle (entries; observations count as problems)';
    report(label, (await stat(json)).size, await readAll(json, FHIR_ENTRIES));
    await rm(json);
  }
  console.log(
    `process peak RSS (whole run, generation included) ${mib(process.resourceUsage().maxRSS * 1024)} MiB`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
