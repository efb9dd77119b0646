import { decodePattern, type LinkageModel } from './model.ts';
import { tfWeight } from './score.ts';

/** The evidence one field gave for or against a pair. */
export interface FieldEvidence {
  readonly field: string;
  /** The comparison level reached, e.g. `exact`, `same_name`, `day_month_swapped`, `missing`. */
  readonly level: string;
  /** Its log2 Bayes factor: positive for a match, negative against; 0 when missing. */
  readonly weight: number;
  /** Set when the weight was adjusted for how common the agreed value is. */
  readonly termFrequency?: number;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Per-field levels and weights of a scored pair (the sum plus the prior is its weight). */
export const explainPattern = (
  model: LinkageModel,
  code: number,
  valueIdOf: (f: number) => number,
): FieldEvidence[] => {
  const F = model.comparisons.length;
  const levels = new Uint8Array(F);
  decodePattern(code, F, levels);
  return model.comparisons.map((c, f) => {
    const l = levels[f]!;
    if (l === 0) return { field: c.field, level: c.absent ?? 'missing', weight: 0 };
    if (l === c.tfLevel && c.tfDict) {
      const v = valueIdOf(f);
      return {
        field: c.field,
        level: c.levels[l - 1]!,
        weight: round(tfWeight(model, f, v)),
        termFrequency: Number(c.tfDict.tf(v).toPrecision(3)),
      };
    }
    return { field: c.field, level: c.levels[l - 1]!, weight: round(model.weights[f]![l]!) };
  });
};
