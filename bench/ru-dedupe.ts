/**
 * Russian clinic dedupe benchmark: generates records with duplicates and hard negatives
 * (see ru-generator.ts), imports them through the normalisers, deduplicates them and
 * prints pairwise precision, recall and F1, how many hard-negative pairs were wrongly
 * linked, records per second for import and dedupe, and peak memory.
 *   npx node bench/ru-dedupe.ts [--records 20000] [--seed 7]
 *   npx node bench/ru-dedupe.ts --records 1000000
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dedupeRecords, type LinkRecord } from '../packages/server/src/modules/identity/index.ts';
import {
  normaliseBirthDate,
  normaliseEmail,
  normaliseNamePart,
  normaliseOmsPolicy,
  normalisePhone,
  normaliseSex,
  normaliseSnils,
  parseFullName,
} from '../packages/server/src/modules/normalise/index.ts';
import { type RawRow, RuGenerator } from './ru-generator.ts';

const { values } = parseArgs({ options: { records: { type: 'string' }, seed: { type: 'string' } } });
const target = Number(values.records ?? 20_000);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.CARELOOP_SHARED ?? join(repoRoot, '..', 'shared');
const gen = new RuGenerator(shared, Number(values.seed ?? 7));
const today = new Date('2026-11-23T00:00:00Z');

/** Raw rows with ground truth; `related` links a hard negative to the person it resembles. */
function* rows(): Generator<RawRow & { related?: number }> {
  let made = 0;
  while (made < target) {
    const p = gen.person();
    yield gen.render(p, 'original');
    made++;
    const r = gen.rand();
    if (r < 0.15) {
      const dups = 1 + Math.floor(gen.rand() * 3);
      for (let k = 0; k < dups; k++, made++) yield gen.render(gen.corrupt(p), 'duplicate');
    } else if (r < 0.165) {
      yield { ...gen.render(gen.twin(p), 'twin'), related: p.entity };
      made++;
    } else if (r < 0.18) {
      yield { ...gen.render(gen.namesake(p), 'namesake'), related: p.entity };
      made++;
    } else if (r < 0.195 && p.y <= 1980) {
      yield { ...gen.render(gen.child(p), 'child'), related: p.entity };
      made++;
    }
  }
}

const value = <T>(r: { ok: true; value: T } | { ok: false; guess?: T }): T | undefined =>
  r.ok ? r.value : r.guess;

/** The import step: what `careloop import` does to a row before matching. */
const toLinkRecord = (raw: RawRow, row: number): LinkRecord => {
  const name = raw.fullName
    ? value(parseFullName(raw.fullName))
    : {
        lastName: value(normaliseNamePart(raw.lastName, 'last_name')),
        firstName: value(normaliseNamePart(raw.firstName, 'first_name')),
        middleName: value(normaliseNamePart(raw.middleName, 'middle_name')),
      };
  return {
    row,
    lastName: name?.lastName,
    firstName: name?.firstName,
    middleName: name?.middleName,
    birthDate: value(normaliseBirthDate(raw.birthDate, { today })),
    sex: value(normaliseSex(raw.sex)),
    phone: value(normalisePhone(raw.phone))?.e164,
    email: value(normaliseEmail(raw.email))?.key,
    snils: value(normaliseSnils(raw.snils))?.digits,
    omsPolicy: value(normaliseOmsPolicy(raw.omsPolicy)),
    city: raw.city,
    region: raw.region,
    address: raw.address,
  };
};

const t0 = performance.now();
const records: LinkRecord[] = [];
let entity = new Int32Array(1 << 16);
const negatives: { row: number; related: number; kind: string }[] = [];
const firstRowOf = new Map<number, number>();
for (const raw of rows()) {
  const row = records.length + 1;
  if (row >= entity.length) {
    const g = new Int32Array(entity.length * 2);
    g.set(entity);
    entity = g;
  }
  entity[row] = raw.entity;
  if (raw.kind === 'original') firstRowOf.set(raw.entity, row);
  if (raw.related !== undefined) negatives.push({ row, related: raw.related, kind: raw.kind });
  records.push(toLinkRecord(raw, row));
}
const importMs = performance.now() - t0;

const t1 = performance.now();
const result = await dedupeRecords(records, { explain: false });
const dedupeMs = performance.now() - t1;

// Pairwise scores from cluster assignments.
const n = records.length;
const pairsOf = (key: (row: number) => number | string): number => {
  const c = new Map<number | string, number>();
  for (let row = 1; row <= n; row++) c.set(key(row), (c.get(key(row)) ?? 0) + 1);
  let s = 0;
  for (const k of c.values()) s += (k * (k - 1)) / 2;
  return s;
};
const cluster = (row: number): number => result.clusterOf.get(row)!;
const truth = pairsOf((row) => entity[row]!);
const predicted = pairsOf(cluster);
const tp = pairsOf((row) => `${entity[row]}|${cluster(row)}`);
const precision = predicted ? tp / predicted : 1;
const recall = truth ? tp / truth : 1;
const f1 = (2 * precision * recall) / (precision + recall);
const linked = new Map<string, [number, number]>();
for (const neg of negatives) {
  const orig = firstRowOf.get(neg.related);
  const e = linked.get(neg.kind) ?? [0, 0];
  e[1]++;
  if (orig !== undefined && cluster(orig) === cluster(neg.row)) e[0]++;
  linked.set(neg.kind, e);
}
const review = result.pairs.filter((p) => p.decision === 'review').length;
const mem = process.resourceUsage().maxRSS / 1024;

console.log(`Russian clinic dedupe: ${n} records, ${truth} true duplicate pairs`);
console.log(
  `  precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  F1 ${f1.toFixed(4)}  (predicted ${predicted}, tp ${tp})`,
);
console.log(
  `  hard negatives wrongly linked: ${[...linked].map(([k, [l, t]]) => `${k} ${l}/${t}`).join(', ')}; review queue ${review} pairs`,
);
console.log(
  `  candidates ${result.stats.candidatePairs}; stages ms ${JSON.stringify(result.stats.timingsMs)}`,
);
const over = result.stats.blocking.filter((b) => b.oversizedBlocks > 0);
if (over.length > 0) {
  console.log(
    `  oversized blocks (sorted window): ${over.map((b) => `${b.rule} ${b.oversizedBlocks} blocks/${b.recordsInOversizedBlocks} records`).join('; ')}`,
  );
}
console.log(
  `  import ${(importMs / 1000).toFixed(1)} s (${Math.round(n / (importMs / 1000))} records/s, generation included); ` +
    `dedupe ${(dedupeMs / 1000).toFixed(1)} s (${Math.round(n / (dedupeMs / 1000))} records/s); peak RSS ${Math.round(mem)} MiB`,
);
if (process.env.VERBOSE) {
  for (const b of result.stats.blocking) console.log('   ', JSON.stringify(b));
  for (const f of result.stats.model.fields) {
    console.log('   ', f.field, f.levels.map((l) => `${l.level} m=${l.m} u=${l.u} w=${l.weight}`).join('; '));
  }
  console.log('    lambda', result.stats.model.lambda);
}
if (process.env.DEBUG_NEGATIVES) {
  for (const neg of negatives) {
    const orig = firstRowOf.get(neg.related)!;
    if (cluster(orig) !== cluster(neg.row)) continue;
    const ev = result.explain({ rowA: Math.min(orig, neg.row), rowB: Math.max(orig, neg.row) });
    console.log(neg.kind, JSON.stringify(records[orig - 1]), JSON.stringify(records[neg.row - 1]));
    console.log('   ', ev.map((e) => `${e.field}=${e.level}:${e.weight}`).join(' '));
  }
}
