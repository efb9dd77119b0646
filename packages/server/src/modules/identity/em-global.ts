import type { Comparison } from './comparisons.ts';
import type { Encoded } from './encode.ts';
import { buildModel, DISAGREE_FLOOR, decodePattern, FLOOR, type LinkageModel } from './model.ts';

/**
 * The textbook EM over all candidate pairs at once, with m and the candidates' own u
 * both free (blocking makes candidate non-matches agree more than random pairs do).
 * Used for small inputs, where the training sessions see too few pairs each; at scale
 * its "match" class can drift to whatever correlation dominates the candidates.
 */
export const trainGlobal = (
  e: Encoded,
  comps: readonly Comparison[],
  freq: ReadonlyMap<number, number>,
  count: number,
  uRandom: readonly Float64Array[],
  iterations: number,
): LinkageModel => {
  const F = comps.length;
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
        const floor = l === K ? DISAGREE_FLOOR : FLOOR;
        m[f]![l] = Math.max(floor, sm > 0 ? mm[l]! / sm : 1 / K);
        uc[f]![l] = Math.max(FLOOR, su > 0 ? uu[l]! / su : 1 / K);
      }
    }
    const delta = Math.abs(newLambda - lambda);
    lambda = newLambda;
    if (delta < 1e-7 && iter > 5) break;
  }
  const totalPairs = (e.n * (e.n - 1)) / 2;
  return buildModel(comps, m, uRandom, (lambda * count) / Math.max(1, totalPairs), iter, 'global');
};
