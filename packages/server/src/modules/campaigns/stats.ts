/**
 * Campaign statistics, pure: conversion of treatment against control with a
 * two-proportion z-test, and survey scores (NPS, CSAT).
 */

/** Standard normal CDF via erf (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface Comparison {
  readonly treatmentRate: number;
  readonly controlRate: number;
  readonly uplift: number;
  readonly relativeUplift: number | null;
  readonly z: number | null;
  readonly pValue: number | null;
  readonly significant: boolean;
}

/**
 * Treatment vs control conversion. The test is two-sided at `alpha`; it is not
 * attempted (z null) when either arm is empty or nobody (or everybody) converted.
 */
export function compareArms(
  treatment: { members: number; converted: number },
  control: { members: number; converted: number },
  alpha = 0.05,
): Comparison {
  const rate = (a: { members: number; converted: number }) => (a.members > 0 ? a.converted / a.members : 0);
  const p1 = rate(treatment);
  const p2 = rate(control);
  const uplift = p1 - p2;
  const relativeUplift = p2 > 0 ? uplift / p2 : null;
  const n1 = treatment.members;
  const n2 = control.members;
  const pooled = n1 + n2 > 0 ? (treatment.converted + control.converted) / (n1 + n2) : 0;
  const se = Math.sqrt(pooled * (1 - pooled) * (n1 > 0 && n2 > 0 ? 1 / n1 + 1 / n2 : 0));
  if (n1 === 0 || n2 === 0 || se === 0) {
    return {
      treatmentRate: p1,
      controlRate: p2,
      uplift,
      relativeUplift,
      z: null,
      pValue: null,
      significant: false,
    };
  }
  const z = uplift / se;
  const pValue = 2 * (1 - normalCdf(Math.abs(z)));
  return {
    treatmentRate: p1,
    controlRate: p2,
    uplift,
    relativeUplift,
    z,
    pValue,
    significant: pValue < alpha,
  };
}

/** Net Promoter Score: % promoters (9–10) minus % detractors (0–6), −100…100. */
export function nps(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  let promoters = 0;
  let detractors = 0;
  for (const s of scores) {
    if (s >= 9) promoters++;
    else if (s <= 6) detractors++;
  }
  return (100 * (promoters - detractors)) / scores.length;
}

/** CSAT: the share of satisfied answers (4 or 5 on a 1–5 scale), in percent. */
export function csat(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return (100 * scores.filter((s) => s >= 4).length) / scores.length;
}
