import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DedupeResult, ScoredPair } from './dedupe.ts';

const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * The lines of the `row,cluster` file: header, then every row in ascending order with
 * its cluster id (the smallest row of its cluster). Rows sharing a cluster are one person.
 */
export function* clusterCsvLines(result: Pick<DedupeResult, 'clusterOf'>): Generator<string> {
  yield 'row,cluster\n';
  const rows = [...result.clusterOf.keys()].sort((a, b) => a - b);
  for (const row of rows) yield `${row},${result.clusterOf.get(row)}\n`;
}

/** Evidence as `field=level:weight` joined by `;`, the format of the explain file. */
export const evidenceText = (pair: ScoredPair, result?: Pick<DedupeResult, 'explain'>): string =>
  (pair.evidence ?? result?.explain(pair) ?? []).map((e) => `${e.field}=${e.level}:${e.weight}`).join(';');

/**
 * The lines of the explain file: one scored pair per line with its decision and the
 * per-field evidence, strongest pairs first.
 */
export function* pairCsvLines(
  result: Pick<DedupeResult, 'pairs' | 'explain' | 'clusterOf'>,
): Generator<string> {
  yield 'row_a,row_b,cluster_a,cluster_b,probability,weight,decision,held_back,evidence\n';
  for (const p of result.pairs) {
    yield [
      p.rowA,
      p.rowB,
      result.clusterOf.get(p.rowA),
      result.clusterOf.get(p.rowB),
      p.probability,
      p.weight,
      p.decision,
      p.heldBack ? 'yes' : 'no',
      quote(evidenceText(p, result)),
    ]
      .join(',')
      .concat('\n');
  }
}

/** Writes lines to a stream, honouring back-pressure, in chunks of about 64 KiB. */
export const writeLines = async (lines: Iterable<string>, out: Writable): Promise<void> => {
  let buf = '';
  for (const line of lines) {
    buf += line;
    if (buf.length >= 65_536) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  if (buf.length > 0 && !out.write(buf)) await once(out, 'drain');
};

const toFile = async (path: string, lines: Iterable<string>): Promise<void> => {
  const out = createWriteStream(path, { encoding: 'utf8' });
  await writeLines(lines, out);
  out.end();
  await once(out, 'finish');
};

/** Writes CLUSTERS.csv (`row,cluster`) and, when asked, the pair evidence beside it. */
export const writeDedupeCsv = async (
  result: DedupeResult,
  clustersPath: string,
  explainPath?: string,
): Promise<void> => {
  await toFile(clustersPath, clusterCsvLines(result));
  if (explainPath) await toFile(explainPath, pairCsvLines(result));
};
