import type { Encoded, Interner, NameDict } from './encode.ts';
import { dateEdits, jaroWinkler, PairMemo, withinOneEdit } from './similarity.ts';

/**
 * One field comparison. Level 0 means "a value is missing" (no evidence either way);
 * levels 1…K run from the strongest agreement to outright disagreement.
 */
export interface Comparison {
  readonly field: string;
  readonly levels: readonly string[];
  /** What level 0 is called in explanations: `missing` unless the comparison leaves more out. */
  readonly absent?: string;
  /** Initial m-probabilities for EM, one per level 1…K. */
  readonly mInit: readonly number[];
  /** The level whose weight is adjusted by the frequency of the agreed value. */
  readonly tfLevel?: number;
  readonly tfDict?: Interner;
  readonly tfColumn?: Int32Array;
  /** The dictionary whose id equality is level 1: its value counts give u exactly. */
  readonly exactDict?: Interner;
  level(a: number, b: number): number;
}

const nameLevels = (dict: NameDict, col: Int32Array) => {
  const canonAgree = (x: number, y: number): boolean => {
    const a1 = dict.canon1[x]!;
    const b1 = dict.canon1[y]!;
    if (a1 < 0 || b1 < 0) return false;
    const a2 = dict.canon2[x]!;
    const b2 = dict.canon2[y]!;
    return a1 === b1 || a1 === b2 || (a2 >= 0 && (a2 === b1 || a2 === b2));
  };
  return { canonAgree, col };
};

/** Whether a's last name is b's first name and the other way round (fields swapped). */
const swapped = (e: Encoded, a: number, b: number): boolean => {
  const la = e.lastId[a]!;
  const lb = e.lastId[b]!;
  const fa = e.firstId[a]!;
  const fb = e.firstId[b]!;
  if (la < 0 || fb < 0) return false;
  const lastA = e.last.values[la]!;
  const firstB = e.first.values[fb]!;
  if (lastA !== firstB) return false;
  if (lb < 0 || fa < 0) return true;
  return e.last.values[lb]! === e.first.values[fa]!;
};

const lastName = (e: Encoded, memoLast = new PairMemo()): Comparison => ({
  field: 'last_name',
  levels: ['exact', 'jw_0.94', 'jw_0.88', 'swapped_with_first', 'different_female', 'different'],
  mInit: [0.85, 0.06, 0.03, 0.01, 0.02, 0.03],
  tfLevel: 1,
  tfDict: e.last,
  tfColumn: e.lastId,
  level(a, b) {
    const x = e.lastId[a]!;
    const y = e.lastId[b]!;
    if (x < 0 || y < 0) return 0;
    if (x === y) return 1;
    const jw = memoLast.get(x, y, () => jaroWinkler(e.last.values[x]!, e.last.values[y]!));
    if (jw >= 0.94) return 2;
    if (jw >= 0.88) return 3;
    if (swapped(e, a, b)) return 4;
    return e.sex[a] === 2 && e.sex[b] === 2 ? 5 : 6;
  },
});

const firstLike = (e: Encoded, field: 'first_name' | 'middle_name'): Comparison => {
  const dict = field === 'first_name' ? e.first : e.middle;
  const col = field === 'first_name' ? e.firstId : e.middleId;
  const { canonAgree } = nameLevels(dict, col);
  const isFirst = field === 'first_name';
  const memo = new PairMemo();
  return {
    field,
    levels: ['exact', 'same_name', 'initial', 'jw_0.92', 'jw_0.85', 'different'],
    mInit: [0.8, 0.05, 0.03, 0.05, 0.03, 0.04],
    tfLevel: 1,
    tfDict: dict,
    tfColumn: col,
    level(a, b) {
      const x = col[a]!;
      const y = col[b]!;
      if (x < 0 || y < 0) return 0;
      if (x === y) return 1;
      if (isFirst && swapped(e, a, b)) return 0;
      if (canonAgree(x, y)) return 2;
      if ((dict.isInitial[x] || dict.isInitial[y]) && dict.initial[x] === dict.initial[y]) return 3;
      if (dict.isInitial[x] || dict.isInitial[y]) return 6;
      const jw = memo.get(x, y, () => jaroWinkler(dict.values[x]!, dict.values[y]!));
      if (jw >= 0.92) return 4;
      if (jw >= 0.85) return 5;
      return 6;
    },
  };
};

const birthDate = (e: Encoded): Comparison => ({
  field: 'birth_date',
  levels: ['exact', 'day_month_swapped', 'one_edit', 'two_edits', 'different'],
  mInit: [0.85, 0.02, 0.08, 0.03, 0.02],
  tfLevel: 1,
  tfDict: e.dates,
  tfColumn: e.dateId,
  level(a, b) {
    const x = e.birth[a]!;
    const y = e.birth[b]!;
    if (x === 0 || y === 0) return 0;
    if (x === y) return 1;
    const ya = (x / 10000) | 0;
    const yb = (y / 10000) | 0;
    const ma = ((x / 100) | 0) % 100;
    const mb = ((y / 100) | 0) % 100;
    const da = x % 100;
    const db = y % 100;
    if (ya === yb && ma === db && da === mb) return 2;
    const d = dateEdits(x, y);
    return d === 1 ? 3 : d === 2 ? 4 : 5;
  },
});

/** Exact, one slip (a typo or two digits transposed), or different. */
const identifier = (field: string, dict: Interner, col: Int32Array, tf: boolean): Comparison => ({
  field,
  levels: ['exact', 'one_edit', 'different'],
  mInit: [0.9, 0.05, 0.05],
  ...(tf ? { tfLevel: 1, tfDict: dict, tfColumn: col } : {}),
  level(a, b) {
    const x = col[a]!;
    const y = col[b]!;
    if (x < 0 || y < 0) return 0;
    if (x === y) return 1;
    return withinOneEdit(dict.values[x]!, dict.values[y]!) ? 2 : 3;
  },
});

/**
 * The region counts only where the city does not already tell it: the same city is the same
 * region for one person and for two, so scoring both counted the town twice (namesakes in
 * one big city reached a match on it).
 */
const region = (e: Encoded): Comparison => {
  const byValue = identifier('region', e.regions, e.regionId, false);
  return {
    ...byValue,
    absent: 'missing_or_same_city',
    level(a, b) {
      const city = e.cityId[a]!;
      return city >= 0 && city === e.cityId[b] ? 0 : byValue.level(a, b);
    },
  };
};

/** A local part made only of name-like words: `ivan.petrov`, `petrova_anna`, `i-petrov`. */
const NAME_SHAPED_MAILBOX = /^[a-z]+(?:[._-][a-z]+)*$/;

const email = (e: Encoded): Comparison => ({
  field: 'email',
  levels: ['exact', 'same_mailbox_or_one_edit', 'different'],
  mInit: [0.85, 0.07, 0.08],
  tfLevel: 1,
  tfDict: e.emails,
  tfColumn: e.emailId,
  level(a, b) {
    const x = e.emailId[a]!;
    const y = e.emailId[b]!;
    if (x < 0 || y < 0) return 0;
    if (x === y) return 1;
    const ea = e.emails.values[x]!;
    const eb = e.emails.values[y]!;
    if (withinOneEdit(ea, eb)) return 2;
    const la = ea.slice(0, ea.indexOf('@'));
    if (la.length > 3 && la === eb.slice(0, eb.indexOf('@'))) {
      // The same mailbox at another provider is strong evidence only when it is distinctive:
      // `ivan.petrov@` is made from the name, so namesakes share it and it would count the
      // names twice. Such a pair gets no e-mail evidence either way.
      return NAME_SHAPED_MAILBOX.test(la) ? 0 : 2;
    }
    return 3;
  },
});

const text = (
  field: string,
  dict: Interner,
  col: Int32Array,
  high: number,
  low: number,
  tf: boolean,
  memo?: PairMemo,
): Comparison => ({
  field,
  levels: ['exact', `jw_${high}`, `jw_${low}`, 'different'],
  mInit: [0.8, 0.1, 0.05, 0.05],
  ...(tf ? { tfLevel: 1, tfDict: dict, tfColumn: col } : {}),
  level(a, b) {
    const x = col[a]!;
    const y = col[b]!;
    if (x < 0 || y < 0) return 0;
    if (x === y) return 1;
    const jw = memo
      ? memo.get(x, y, () => jaroWinkler(dict.values[x]!, dict.values[y]!))
      : jaroWinkler(dict.values[x]!, dict.values[y]!);
    return jw >= high ? 2 : jw >= low ? 3 : 4;
  },
});

const sex = (e: Encoded): Comparison => ({
  field: 'sex',
  levels: ['same', 'different'],
  mInit: [0.97, 0.03],
  level(a, b) {
    const x = e.sex[a]!;
    const y = e.sex[b]!;
    if (x === 0 || y === 0) return 0;
    return x === y ? 1 : 2;
  },
});

/** The comparisons for the fields this data set fills (a field empty everywhere adds nothing). */
export const buildComparisons = (e: Encoded): Comparison[] => {
  const all: [Comparison, Interner | null][] = [
    [lastName(e), e.last],
    [firstLike(e, 'first_name'), e.first],
    [firstLike(e, 'middle_name'), e.middle],
    [birthDate(e), e.dates],
    [sex(e), null],
    [identifier('phone', e.phones, e.phoneId, true), e.phones],
    [email(e), e.emails],
    [identifier('snils', e.snils, e.snilsId, false), e.snils],
    [identifier('oms_policy', e.oms, e.omsId, false), e.oms],
    [identifier('national_id', e.nationalIds, e.nationalIdId, false), e.nationalIds],
    [text('address', e.addresses, e.addressId, 0.92, 0.8, true), e.addresses],
    [text('city', e.cities, e.cityId, 0.92, 0.8, true, new PairMemo()), e.cities],
    [region(e), e.regions],
    [identifier('postcode', e.postcodes, e.postcodeId, false), e.postcodes],
    [identifier('street_number', e.streetNumbers, e.streetNumberId, false), e.streetNumbers],
    ...e.extraFields.map((f, k): [Comparison, Interner] => [
      text(f, e.extras[k]!, e.extraIds[k]!, 0.92, 0.8, false),
      e.extras[k]!,
    ]),
  ];
  let sexKnown = 0;
  for (let i = 0; i < e.n; i++) if (e.sex[i] !== 0) sexKnown++;
  return all
    .filter(([c, dict]) => (dict ? dict.nonNull >= 2 : c.field === 'sex' && sexKnown >= 2))
    .map(([c, dict]) =>
      dict && c.field !== 'email' && c.field !== 'birth_date' ? { ...c, exactDict: dict } : c,
    )
    .slice(0, 17);
};
