import type { Comparison } from './comparisons.ts';
import type { Encoded } from './encode.ts';

/** Levels per pair are packed three bits per comparison into one double (≤ 17 fields). */
export const RADIX = 8;

export interface LinkageModel {
  readonly comparisons: readonly Comparison[];
  /** m[f][level] and u[f][level]; index 0 (missing value) is unused. */
  readonly m: readonly Float64Array[];
  readonly u: readonly Float64Array[];
  /** log2(m/u) per comparison and level. */
  readonly weights: readonly Float64Array[];
  /** Share of all pairs that match, and its log-odds (the prior weight). */
  readonly lambda: number;
  readonly priorWeight: number;
  readonly emIterations: number;
}

/** Mulberry32: small, fast, seedable. */
export const rng = (seed: number): (() => number) => {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
};

export const patternOf = (comps: readonly Comparison[], a: number, b: number): number => {
  let code = 0;
  let scale = 1;
  for (let f = 0; f < comps.length; f++) {
    code += comps[f]!.level(a, b) * scale;
    scale *= RADIX;
  }
  return code;
};

export const decodePattern = (code: number, fields: number, into: Uint8Array): void => {
  for (let f = 0; f < fields; f++) {
    const l = code % RADIX;
    into[f] = l;
    code = (code - l) / RADIX;
  }
};

const FLOOR = 1e-6;
const DISAGREE_FLOOR = 1e-3;

/**
 * u-probabilities from random pairs. For the exact level of a field with a value
 * dictionary, u is computed, not sampled: Σ c(c−1) / n(n−1) over the value counts is the
 * exact chance that two random records agree, even when no sampled pair does.
 */
export const estimateU = (
  e: Encoded,
  comps: readonly Comparison[],
  samples: number,
  seed: number,
): Float64Array[] => {
  const counts = comps.map((c) => new Float64Array(c.levels.length + 1));
  const random = rng(seed);
  const n = e.n;
  const total = (n * (n - 1)) / 2;
  const tally = (a: number, b: number): void => {
    for (let f = 0; f < comps.length; f++) counts[f]![comps[f]!.level(a, b)]!++;
  };
  if (total <= samples) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) tally(a, b);
  } else {
    for (let s = 0; s < samples; s++) {
      const a = Math.floor(random() * n);
      let b = Math.floor(random() * (n - 1));
      if (b >= a) b++;
      tally(a, b);
    }
  }
  return comps.map((c, f) => {
    const k = c.levels.length;
    const cnt = counts[f]!;
    const u = new Float64Array(k + 1);
    let nonNull = 0;
    for (let l = 1; l <= k; l++) nonNull += cnt[l]!;
    if (c.exactDict) {
      const exact = Math.max(FLOOR, c.exactDict.agreement());
      let rest = 0;
      for (let l = 2; l <= k; l++) rest += cnt[l]! + 0.5;
      u[1] = exact;
      for (let l = 2; l <= k; l++) u[l] = ((1 - exact) * (cnt[l]! + 0.5)) / rest;
    } else {
      for (let l = 1; l <= k; l++) u[l] = (cnt[l]! + 0.5) / (nonNull + 0.5 * k);
    }
    return u;
  });
};

/**
 * Expectation–maximisation over the distinct agreement patterns of the candidate pairs
 * (a few thousand, whatever the number of pairs). m and the candidates' own u are both
 * free: blocking makes non-matches among candidates agree more often than random pairs
 * do, and fixing u at the random-pair values would credit that agreement to matches.
 */
export const trainModel = (
  e: Encoded,
  comps: readonly Comparison[],
  patterns: Float64Array,
  count: number,
  uRandom: readonly Float64Array[],
  iterations: number,
): LinkageModel => {
  const F = comps.length;
  const freq = new Map<number, number>();
  for (let k = 0; k < count; k++) {
    const p = patterns[k]!;
    freq.set(p, (freq.get(p) ?? 0) + 1);
  }
  const P = freq.size;
  const levels = new Uint8Array(P * F);
  const weightOf = new Float64Array(P);
  let p = 0;
  const row = new Uint8Array(F);
  for (const [code, c] of freq) {
    decodePattern(code, F, row);
    levels.set(row, p * F);
    weightOf[p++] = c;
  }
  const m = comps.map((c) => {
    const arr = new Float64Array(c.levels.length + 1);
    let s = 0;
    for (let l = 1; l <= c.levels.length; l++) s += c.mInit[l - 1]!;
    for (let l = 1; l <= c.levels.length; l++) arr[l] = c.mInit[l - 1]! / s;
    return arr;
  });
  const uc = uRandom.map((u) => Float64Array.from(u));
  let lambda = 0.1;
  let iter = 0;
  const post = new Float64Array(P);
  for (; iter < iterations; iter++) {
    let matchMass = 0;
    let total = 0;
    for (let q = 0; q < P; q++) {
      let lm = Math.log(lambda);
      let lu = Math.log(1 - lambda);
      for (let f = 0; f < F; f++) {
        const l = levels[q * F + f]!;
        if (l === 0) continue;
        lm += Math.log(m[f]![l]!);
        lu += Math.log(uc[f]![l]!);
      }
      const d = lu - lm;
      post[q] = d > 700 ? 0 : 1 / (1 + Math.exp(d));
      matchMass += post[q]! * weightOf[q]!;
      total += weightOf[q]!;
    }
    const newLambda = Math.min(0.999, Math.max(1e-6, matchMass / total));
    for (let f = 0; f < F; f++) {
      const K = comps[f]!.levels.length;
      const mm = new Float64Array(K + 1);
      const uu = new Float64Array(K + 1);
      for (let q = 0; q < P; q++) {
        const l = levels[q * F + f]!;
        if (l === 0) continue;
        mm[l]! += post[q]! * weightOf[q]!;
        uu[l]! += (1 - post[q]!) * weightOf[q]!;
      }
      let sm = 0;
      let su = 0;
      for (let l = 1; l <= K; l++) {
        sm += mm[l]!;
        su += uu[l]!;
      }
      for (let l = 1; l <= K; l++) {
        // Outright disagreement always stays possible for a match (people move, change
        // numbers, marry): a floor of 1/1000 keeps one field from vetoing a pair alone.
        const floor = l === K ? DISAGREE_FLOOR : FLOOR;
        m[f]![l] = Math.max(floor, sm > 0 ? mm[l]! / sm : 1 / K);
        uc[f]![l] = Math.max(FLOOR, su > 0 ? uu[l]! / su : 1 / K);
      }
    }
    const delta = Math.abs(newLambda - lambda);
    lambda = newLambda;
    if (delta < 1e-7 && iter > 5) break;
  }
  const weights = comps.map((c, f) => {
    const w = new Float64Array(c.levels.length + 1);
    for (let l = 1; l <= c.levels.length; l++) w[l] = Math.log2(m[f]![l]! / uRandom[f]![l]!);
    return w;
  });
  const totalPairs = (e.n * (e.n - 1)) / 2;
  const lambdaAll = Math.min(0.5, Math.max(1e-12, (lambda * count) / Math.max(1, totalPairs)));
  return {
    comparisons: comps,
    m,
    u: uRandom,
    weights,
    lambda: lambdaAll,
    priorWeight: Math.log2(lambdaAll / (1 - lambdaAll)),
    emIterations: iter,
  };
};
