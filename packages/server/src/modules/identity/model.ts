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
  /** `sessions`: EM per blocking session (enough data); `global`: one EM over all candidates. */
  readonly training: 'sessions' | 'global';
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

export const FLOOR = 1e-6;
/**
 * Outright disagreement always stays possible for a match (people move, change numbers,
 * marry): a floor of 1/1000 keeps one field from vetoing a pair on its own.
 */
export const DISAGREE_FLOOR = 1e-3;

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

/** Weights from m and u, and the prior from λ. */
export const buildModel = (
  comps: readonly Comparison[],
  m: readonly Float64Array[],
  u: readonly Float64Array[],
  lambda: number,
  emIterations: number,
  training: LinkageModel['training'],
): LinkageModel => {
  const weights = comps.map((c, f) => {
    const w = new Float64Array(c.levels.length + 1);
    for (let l = 1; l <= c.levels.length; l++) w[l] = Math.log2(m[f]![l]! / u[f]![l]!);
    return w;
  });
  const lam = Math.min(0.5, Math.max(1e-12, lambda));
  return {
    comparisons: comps,
    m,
    u,
    weights,
    lambda: lam,
    priorWeight: Math.log2(lam / (1 - lam)),
    emIterations,
    training,
  };
};
