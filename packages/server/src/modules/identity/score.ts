import type { Encoded } from './encode.ts';
import { type LinkageModel, RADIX } from './model.ts';

/** Why a pair was kept apart whatever its score. */
export const GUARDS = ['none', 'twins', 'father_son', 'generation'] as const;
export type Guard = (typeof GUARDS)[number];
const G_TWINS = 1;
const G_FATHER_SON = 2;
const G_GENERATION = 3;

export interface Scores {
  /** Match weight (log2 odds) and probability per candidate pair. */
  readonly weight: Float32Array;
  readonly probability: Float32Array;
  /** Index into GUARDS; non-zero pairs are never linked (0 = none). */
  readonly guard: Uint8Array;
  /** Set where a personal identifier (СНИЛС, ОМС, other id) agrees exactly. */
  readonly idAgrees: Uint8Array;
}

const levelAt = (code: number, f: number): number => Math.floor(code / RADIX ** f) % RADIX;

/** The weight of the exact level for this value: log2(m / tf(value)), Splink-style. */
export const tfWeight = (model: LinkageModel, f: number, valueId: number): number => {
  const c = model.comparisons[f]!;
  const dict = c.tfDict!;
  const tf = Math.max(dict.tf(valueId), 1 / Math.max(1, dict.nonNull));
  return Math.log2(model.m[f]![1]! / tf);
};

/**
 * Scores every candidate pair: the prior, the per-pattern sum of level weights (computed
 * once per distinct pattern), term-frequency adjustments on exact agreement, and the
 * guards for twins and for parents and children who share a name.
 */
export const scorePairs = (
  e: Encoded,
  model: LinkageModel,
  a: Int32Array,
  b: Int32Array,
  patterns: Float64Array,
  count: number,
  guards: boolean,
): Scores => {
  const comps = model.comparisons;
  const F = comps.length;
  const idx = (field: string): number => comps.findIndex((c) => c.field === field);
  const fLast = idx('last_name');
  const fFirst = idx('first_name');
  const fMiddle = idx('middle_name');
  const fBirth = idx('birth_date');
  const idFields = ['snils', 'oms_policy', 'national_id'].map(idx).filter((f) => f >= 0);
  const tfFields = comps.map((c, f) => (c.tfLevel !== undefined && c.tfDict ? f : -1)).filter((f) => f >= 0);
  const base = new Map<number, number>();
  const weight = new Float32Array(count);
  const probability = new Float32Array(count);
  const guard = new Uint8Array(count);
  const idAgrees = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const code = patterns[k]!;
    let w = base.get(code);
    if (w === undefined) {
      w = model.priorWeight;
      let c = code;
      for (let f = 0; f < F; f++) {
        const l = c % RADIX;
        c = (c - l) / RADIX;
        if (l !== 0) w += model.weights[f]![l]!;
      }
      base.set(code, w);
    }
    const x = a[k]!;
    const y = b[k]!;
    for (const f of tfFields) {
      const c = comps[f]!;
      if (levelAt(code, f) === c.tfLevel)
        w += tfWeight(model, f, c.tfColumn![x]!) - model.weights[f]![c.tfLevel]!;
    }
    weight[k] = w;
    probability[k] = w > 60 ? 1 : w < -60 ? 0 : 2 ** w / (1 + 2 ** w);
    let ids = 0;
    for (const f of idFields) if (levelAt(code, f) === 1) ids = 1;
    idAgrees[k] = ids;
    // Twins and relatives never share a СНИЛС or a policy: an agreeing identifier wins.
    if (!guards || ids === 1 || fLast < 0 || fFirst < 0) continue;
    const birth = fBirth >= 0 ? levelAt(code, fBirth) : 0;
    // A brother and sister born the same day (Александр Андреевич / Александра Андреевна share
    // an address, a phone and nearly a name): a mistyped record never turns a patronymic's ending.
    if (birth === 1 && oppositePatronymics(e, x, y)) {
      guard[k] = G_TWINS;
      continue;
    }
    const lastAgrees = levelAt(code, fLast) >= 1 && levelAt(code, fLast) <= 3;
    if (!lastAgrees) continue;
    const first = levelAt(code, fFirst);
    const middle = fMiddle >= 0 ? levelAt(code, fMiddle) : 0;
    if (birth === 1 && first >= 4 && distinctNames(e, x, y)) guard[k] = G_TWINS;
    else if (
      (first === 1 || first === 2) &&
      middle >= 4 &&
      (e.patronymicFrom(x, y) || e.patronymicFrom(y, x))
    ) {
      guard[k] = G_FATHER_SON;
    } else if ((first === 1 || first === 2) && birth === 5 && yearsApart(e, x, y) >= 14) {
      guard[k] = G_GENERATION;
    }
  }
  return { weight, probability, guard, idAgrees };
};

/**
 * Two first names that are surely different names, not one name mangled: both are names
 * the diminutive table knows, of different full names (Анна / Алла, Александр / Алексей).
 * Names outside the table are left to the weights: "connor" against "olivia" might be a
 * replaced value as easily as a sibling.
 */
const distinctNames = (e: Encoded, x: number, y: number): boolean => {
  const fx = e.firstId[x]!;
  const fy = e.firstId[y]!;
  if (fx < 0 || fy < 0 || e.first.isInitial[fx] || e.first.isInitial[fy]) return false;
  if (e.first.canon1[fx]! < 0 || e.first.canon1[fy]! < 0) return false;
  return e.first.group[fx] !== e.first.group[fy];
};

const oppositePatronymics = (e: Encoded, x: number, y: number): boolean => {
  const sx = e.patronymicSex(x);
  const sy = e.patronymicSex(y);
  return sx !== 0 && sy !== 0 && sx !== sy;
};

const yearsApart = (e: Encoded, x: number, y: number): number =>
  Math.abs(((e.birth[x]! / 10000) | 0) - ((e.birth[y]! / 10000) | 0));
