import type { useI18n } from '../../i18n/i18n.tsx';

type I18n = ReturnType<typeof useI18n>;

/** A comparison level in words: 'jw_0.94' reads "similar (≥ 0.94)", unknown levels as they are. */
export function levelLabel(level: string, { t, maybe }: Pick<I18n, 't' | 'maybe'>): string {
  const jw = /^jw_(\d(?:\.\d+)?)$/.exec(level);
  if (jw) return t('level.similar', { x: jw[1]! });
  return maybe(`level.${level}`, level);
}

/** The sign tells the reader which way a field pushes: for, against, or neither. */
export const weightTone = (w: number): 'for' | 'against' | 'neutral' =>
  w > 0.05 ? 'for' : w < -0.05 ? 'against' : 'neutral';

/** Probabilities near 0 or 1 keep two decimals so 99.95 % does not read as certainty. */
export const percent = (p: number) => `${(p * 100).toFixed(p >= 0.995 || p < 0.01 ? 2 : 1)} %`;
