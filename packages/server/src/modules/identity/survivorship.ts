import { foldCase } from '../normalise/index.ts';

/** One source record of a cluster, with when its source last saw it. */
export interface SourceRecord {
  readonly row: number;
  /** ISO time the source last updated the record; newer wins for contacts. */
  readonly updatedAt?: string | undefined;
  /** Whether the СНИЛС was verified (e.g. against a document or a registry). */
  readonly snilsVerified?: boolean | undefined;
  readonly values: Readonly<Record<string, string | undefined>>;
}

export type SurvivorshipRule = 'most_frequent' | 'most_recent' | 'verified_then_frequent' | 'longest';

/**
 * The default rules: names and the birth date by vote (a typo loses to the spelling
 * most sources agree on), contacts and address from the newest source (people move and
 * change numbers), the СНИЛС verified first, then by vote.
 */
export const DEFAULT_SURVIVORSHIP: Readonly<Record<string, SurvivorshipRule>> = {
  lastName: 'most_recent',
  firstName: 'most_frequent',
  middleName: 'most_frequent',
  birthDate: 'most_frequent',
  sex: 'most_frequent',
  phone: 'most_recent',
  email: 'most_recent',
  address: 'most_recent',
  city: 'most_recent',
  region: 'most_recent',
  postcode: 'most_recent',
  snils: 'verified_then_frequent',
  omsPolicy: 'most_recent',
  nationalId: 'most_frequent',
};

export interface GoldenValue {
  readonly value: string;
  /** The row the value was taken from. */
  readonly row: number;
  readonly rule: SurvivorshipRule;
}

export type Validator = (field: string, value: string) => boolean;

const time = (r: SourceRecord): number => (r.updatedAt ? Date.parse(r.updatedAt) || 0 : 0);

/**
 * Picks the golden record's value per field from a cluster. Only non-empty values that
 * pass `isValid` compete. Votes count spellings that fold alike (ё/е, case) as one, and a
 * tie goes to the most recent source; the surname is the most recent, since it changes
 * on marriage and the newest source knows it.
 */
export const chooseGolden = (
  records: readonly SourceRecord[],
  rules: Readonly<Record<string, SurvivorshipRule>> = DEFAULT_SURVIVORSHIP,
  isValid: Validator = () => true,
): Record<string, GoldenValue> => {
  const byRecency = [...records].sort((a, b) => time(b) - time(a) || b.row - a.row);
  const fields = new Set(records.flatMap((r) => Object.keys(r.values)));
  const golden: Record<string, GoldenValue> = {};
  for (const field of fields) {
    const rule = rules[field] ?? 'most_frequent';
    const candidates = byRecency.filter((r) => {
      const v = r.values[field]?.trim();
      return v !== undefined && v !== '' && isValid(field, v);
    });
    if (candidates.length === 0) continue;
    const pick = (r: SourceRecord): GoldenValue => ({ value: r.values[field]!.trim(), row: r.row, rule });
    const vote = (pool: readonly SourceRecord[]): GoldenValue => {
      const tally = new Map<string, { n: number; first: SourceRecord }>();
      for (const r of pool) {
        const k = foldCase(r.values[field]!).replace(/\s+/g, ' ').trim();
        const t = tally.get(k);
        if (t) t.n++;
        else tally.set(k, { n: 1, first: r });
      }
      let best: { n: number; first: SourceRecord } | undefined;
      for (const t of tally.values()) if (!best || t.n > best.n) best = t;
      return pick(best!.first);
    };
    if (rule === 'most_recent') golden[field] = pick(candidates[0]!);
    else if (rule === 'longest') {
      golden[field] = pick(
        candidates.reduce((a, b) => (b.values[field]!.length > a.values[field]!.length ? b : a)),
      );
    } else if (rule === 'verified_then_frequent') {
      const verified = candidates.filter((r) => r.snilsVerified);
      golden[field] = vote(verified.length > 0 ? verified : candidates);
    } else golden[field] = vote(candidates);
  }
  return golden;
};
