/**
 * FEBRL benchmark: pairwise precision, recall and F1 of `dedupeRecords` on FEBRL3
 * (dedupe of 5,000) and FEBRL4 (4a + 4b concatenated and deduplicated), with and
 * without soc_sec_id. `rec_id` is read only to score, never passed to the linker.
 *   npx node bench/febrl.ts            (data from ../shared/bench/febrl or $CARELOOP_SHARED/bench/febrl)
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { dedupeRecords, type LinkRecord } from '../packages/server/src/modules/identity/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CARELOOP_SHARED ?? join(repoRoot, '..', 'shared');
const dir = join(shared, 'bench', 'febrl');

interface Row {
  readonly entity: string;
  readonly record: LinkRecord;
}

const load = (file: string, firstRow: number, withSsn: boolean): Row[] => {
  const rows = parse(readFileSync(join(dir, file), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  }) as Record<string, string>[];
  return rows.map((r, i) => {
    const v = (k: string): string | undefined => (r[k] ? r[k] : undefined);
    const dob = v('date_of_birth');
    return {
      entity: /^rec-(\d+)-/.exec(r.rec_id ?? '')?.[1] ?? `?${i}`,
      record: {
        row: firstRow + i,
        firstName: v('given_name'),
        lastName: v('surname'),
        streetNumber: v('street_number'),
        address: v('address_1'),
        city: v('suburb'),
        postcode: v('postcode'),
        region: v('state'),
        birthDate: dob,
        nationalId: withSsn ? v('soc_sec_id') : undefined,
        extra: { address_2: v('address_2') ?? '' },
      },
    };
  });
};

const score = (rows: readonly Row[], clusterOf: Map<number, number>) => {
  const key = (x: Row) => clusterOf.get(x.record.row)!;
  const count = (by: (x: Row) => string | number): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of rows) m.set(String(by(x)), (m.get(String(by(x))) ?? 0) + 1);
    return m;
  };
  const pairs = (m: Map<string, number>): number =>
    [...m.values()].reduce((s, c) => s + (c * (c - 1)) / 2, 0);
  const truePairs = pairs(count((x) => x.entity));
  const predicted = pairs(count(key));
  const both = pairs(count((x) => `${x.entity}|${key(x)}`));
  const precision = predicted === 0 ? 1 : both / predicted;
  const recall = truePairs === 0 ? 1 : both / truePairs;
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    truePairs,
    predicted,
    tp: both,
  };
};

const run = async (name: string, rows: Row[]): Promise<void> => {
  const t = performance.now();
  const result = await dedupeRecords(
    rows.map((r) => r.record),
    { extraFields: ['address_2'], explain: false },
  );
  const ms = performance.now() - t;
  const s = score(rows, result.clusterOf);
  console.log(
    `${name.padEnd(28)} P ${s.precision.toFixed(4)}  R ${s.recall.toFixed(4)}  F1 ${s.f1.toFixed(4)}  ` +
      `(true ${s.truePairs}, predicted ${s.predicted}, tp ${s.tp}; ${result.stats.candidatePairs} candidates, ${Math.round(ms)} ms)`,
  );
  if (process.env.VERBOSE) console.log(JSON.stringify(result.stats, null, 1));
};

for (const withSsn of [true, false]) {
  const tag = withSsn ? 'with soc_sec_id' : 'without soc_sec_id';
  await run(`FEBRL3 ${tag}`, load('dataset3.csv', 1, withSsn));
  const a = load('dataset4a.csv', 1, withSsn);
  await run(`FEBRL4 ${tag}`, [...a, ...load('dataset4b.csv', a.length + 1, withSsn)]);
}
