/**
 * Synthea FHIR R4 bundles (../shared/bench/synthea-fhir, or CARELOOP_SYNTHEA_DIR): streams every
 * bundle through the FHIR reader, checks that each entry becomes one record or one counted
 * problem (nothing dropped) and that patients, encounters, conditions and practitioners come
 * out as many as the bundle holds, and prints entries per second. Exits non-zero on a mismatch.
 * Run: `npx node bench/synthea.ts`.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type FhirItem, openFhir } from '../packages/server/src/modules/imports/index.ts';
import { rss } from './support.ts';

const dir =
  process.env.CARELOOP_SYNTHEA_DIR ?? resolve(import.meta.dirname, '../../shared/bench/synthea-fhir');
if (!existsSync(dir)) {
  console.error(`Synthea bundles not found at ${dir}; set CARELOOP_SYNTHEA_DIR`);
  process.exit(2);
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const totals = new Map<string, number>();
const mismatches: string[] = [];
let entries = 0;
const started = performance.now();
for (const file of files) {
  const path = join(dir, file);
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as {
    entry: { resource: { resourceType: string } }[];
  };
  const items: FhirItem[] = [];
  for await (const item of await openFhir(path)) items.push(item);
  entries += bundle.entry.length;
  const expected = (t: string) => bundle.entry.filter((e) => e.resource.resourceType === t).length;
  const got = (k: FhirItem['kind']) => items.filter((i) => i.kind === k).length;
  if (items.length !== bundle.entry.length)
    mismatches.push(`${file}: ${items.length} items for ${bundle.entry.length} entries`);
  for (const [kind, type] of [
    ['patient', 'Patient'],
    ['encounter', 'Encounter'],
    ['condition', 'Condition'],
    ['practitioner', 'Practitioner'],
  ] as const) {
    if (got(kind) !== expected(type))
      mismatches.push(`${file}: ${got(kind)} ${kind} for ${expected(type)} ${type}`);
  }
  for (const item of items) totals.set(item.kind, (totals.get(item.kind) ?? 0) + 1);
}
const seconds = (performance.now() - started) / 1000;
console.log(`Synthea: ${files.length} bundles, ${entries} entries in ${seconds.toFixed(2)} s`);
console.log(`  ${(entries / seconds).toFixed(0)} entries/s, RSS ${rss()}`);
console.log(`  by kind: ${[...totals].map(([k, n]) => `${k} ${n}`).join(', ')}`);
if (mismatches.length > 0) {
  console.error(`MISMATCH:\n  ${mismatches.join('\n  ')}`);
  process.exit(1);
}
console.log('  every entry accounted for');
