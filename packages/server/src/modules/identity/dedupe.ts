import { type BlockingRule, type BlockReport, candidatePairs, DEFAULT_RULES } from './blocking.ts';
import { clusterPairs } from './cluster.ts';
import { buildComparisons } from './comparisons.ts';
import { Encoded } from './encode.ts';
import { explainPattern, type FieldEvidence } from './explain.ts';
import { estimateU, type LinkageModel, patternOf } from './model.ts';
import type { DedupeOptions, LinkRecord } from './record.ts';
import { scorePairs } from './score.ts';
import { trainModel } from './training.ts';

export interface ScoredPair {
  readonly rowA: number;
  readonly rowB: number;
  /** log2 odds of a match, prior included. */
  readonly weight: number;
  readonly probability: number;
  /** `match`: merge automatically; `review`: queue for a person. */
  readonly decision: 'match' | 'review';
  /** Above the match threshold but not merged, to keep two clusters from chaining. */
  readonly heldBack?: boolean;
  readonly evidence?: readonly FieldEvidence[];
}

export interface DedupeResult {
  /** Every input row → its cluster id (the smallest row of the cluster). */
  readonly clusterOf: Map<number, number>;
  /** Clusters of two or more rows, rows ascending. */
  readonly clusters: readonly (readonly number[])[];
  /** Pairs at or above the review threshold, strongest first. */
  readonly pairs: readonly ScoredPair[];
  readonly stats: DedupeStats;
  /** Per-field evidence for any reported pair (also when `explain` was off). */
  explain(pair: Pick<ScoredPair, 'rowA' | 'rowB'>): readonly FieldEvidence[];
}

export interface DedupeStats {
  readonly records: number;
  readonly candidatePairs: number;
  readonly blocking: readonly BlockReport[];
  readonly model: {
    readonly lambda: number;
    readonly emIterations: number;
    readonly training: 'sessions' | 'global';
    readonly fields: readonly {
      field: string;
      levels: readonly { level: string; m: number; u: number; weight: number }[];
    }[];
  };
  readonly timingsMs: Readonly<Record<string, number>>;
}

const isAsync = <T>(x: AsyncIterable<T> | Iterable<T>): x is AsyncIterable<T> =>
  typeof (x as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';

/**
 * Deduplicates one set of person records: blocking, comparisons, Fellegi–Sunter with
 * m estimated by EM and u from random pairs, guards, and chaining-resistant clustering.
 * Records stream in (an async iterable of a million rows is fine) and are kept only as
 * integer-coded columns.
 */
export async function dedupeRecords(
  records: AsyncIterable<LinkRecord> | Iterable<LinkRecord>,
  options: DedupeOptions & { readonly rules?: readonly BlockingRule[] } = {},
): Promise<DedupeResult> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const e = new Encoded(options.extraFields ?? []);
  if (isAsync(records)) for await (const r of records) e.push(r);
  else for (const r of records) e.push(r);
  lap('encode');
  return linkEncoded(e, options, timings, lap);
}

const linkEncoded = (
  e: Encoded,
  options: DedupeOptions & { readonly rules?: readonly BlockingRule[] },
  timings: Record<string, number>,
  lap: (name: string) => void,
): DedupeResult => {
  const upper = options.matchThreshold ?? 0.9;
  const lower = options.reviewThreshold ?? 0.3;
  const comps = buildComparisons(e);
  const cand = candidatePairs(e, options.rules ?? DEFAULT_RULES, options.maxBlockSize ?? 300);
  lap('blocking');
  const patterns = new Float64Array(cand.count);
  for (let k = 0; k < cand.count; k++) patterns[k] = patternOf(comps, cand.a[k]!, cand.b[k]!);
  lap('compare');
  const u = estimateU(e, comps, options.uSamples ?? 300_000, options.seed ?? 42);
  lap('estimate_u');
  const model = trainModel(e, comps, patterns, cand.count, u, options.emIterations ?? 40);
  lap('em');
  const scores = scorePairs(e, model, cand.a, cand.b, patterns, cand.count, options.guards ?? true);
  lap('score');
  const { root, heldBack } = clusterPairs({
    n: e.n,
    a: cand.a,
    b: cand.b,
    count: cand.count,
    probability: scores.probability,
    guard: scores.guard,
    matchThreshold: upper,
    reviewThreshold: lower,
    minSupport: options.minClusterSupport ?? 0.5,
  });
  lap('cluster');
  // Cluster id = the smallest row in the cluster.
  const label = new Float64Array(e.n).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < e.n; i++) {
    const r = root[i]!;
    if (e.rows[i]! < label[r]!) label[r] = e.rows[i]!;
  }
  const clusterOf = new Map<number, number>();
  const members = new Map<number, number[]>();
  const sizes = new Int32Array(e.n);
  for (let i = 0; i < e.n; i++) sizes[root[i]!]!++;
  for (let i = 0; i < e.n; i++) {
    const r = root[i]!;
    const id = label[r]!;
    clusterOf.set(e.rows[i]!, id);
    if (sizes[r]! > 1) {
      const list = members.get(id) ?? [];
      list.push(e.rows[i]!);
      members.set(id, list);
    }
  }
  const clusters = [...members.values()].map((l) => l.sort((x, y) => x - y));
  const pairIndex = new Map<string, number>();
  const evidenceOf = (k: number): FieldEvidence[] => {
    const x = cand.a[k]!;
    return explainPattern(model, patterns[k]!, (f) => model.comparisons[f]!.tfColumn![x]!);
  };
  const pairs: ScoredPair[] = [];
  const explain = options.explain ?? true;
  for (let k = 0; k < cand.count; k++) {
    const p = scores.probability[k]!;
    if (p < lower) continue;
    const g = scores.guard[k]!;
    if (g !== 0) continue;
    const x = cand.a[k]!;
    const y = cand.b[k]!;
    const match = p >= upper && root[x] === root[y];
    pairs.push({
      rowA: e.rows[x]!,
      rowB: e.rows[y]!,
      weight: Math.round(scores.weight[k]! * 100) / 100,
      probability: Number(p.toFixed(6)),
      decision: match ? 'match' : 'review',
      ...(heldBack[k] ? { heldBack: true } : {}),
      ...(explain ? { evidence: evidenceOf(k) } : {}),
    });
    pairIndex.set(`${e.rows[x]}:${e.rows[y]}`, k);
  }
  pairs.sort((p, q) => q.probability - p.probability || q.weight - p.weight);
  lap('report');
  return {
    clusterOf,
    clusters,
    pairs,
    explain(pair) {
      const k = pairIndex.get(`${pair.rowA}:${pair.rowB}`) ?? pairIndex.get(`${pair.rowB}:${pair.rowA}`);
      return k === undefined ? [] : evidenceOf(k);
    },
    stats: {
      records: e.n,
      candidatePairs: cand.count,
      blocking: cand.report,
      model: summarise(model),
      timingsMs: timings,
    },
  };
};

const summarise = (model: LinkageModel): DedupeStats['model'] => ({
  lambda: model.lambda,
  emIterations: model.emIterations,
  training: model.training,
  fields: model.comparisons.map((c, f) => ({
    field: c.field,
    levels: c.levels.map((level, l) => ({
      level,
      m: Number(model.m[f]![l + 1]!.toPrecision(4)),
      u: Number(model.u[f]![l + 1]!.toPrecision(4)),
      weight: Math.round(model.weights[f]![l + 1]! * 100) / 100,
    })),
  })),
});
