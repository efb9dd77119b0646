import type { Encoded } from './encode.ts';

/** A blocking rule: records whose features are all present and equal become candidates. */
export interface BlockingRule {
  readonly name: string;
  readonly features: readonly ((e: Encoded, i: number) => number)[];
  /** How an oversized block is walked instead: sorted by this, compared in a window. */
  readonly sortBy: 'name' | 'birth';
  /** A coarse rule: its blocks are capped lower and walked with a narrower window. */
  readonly coarse?: boolean;
}

export interface BlockReport {
  readonly rule: string;
  /** Candidate pairs this rule added that no earlier rule produced. */
  readonly pairs: number;
  readonly blocks: number;
  readonly largestBlock: number;
  /** Blocks larger than the cap, walked with a sorted window instead of in full. */
  readonly oversizedBlocks: number;
  readonly recordsInOversizedBlocks: number;
}

export interface CandidatePairs {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly count: number;
  /** 1 where a pair shares the key of a non-coarse rule: the set EM learns from. */
  readonly tight: Uint8Array;
  readonly report: readonly BlockReport[];
}

const f = {
  last: (e: Encoded, i: number) => e.lastId[i]!,
  firstGroup: (e: Encoded, i: number) => {
    const id = e.firstId[i]!;
    return id < 0 ? -1 : e.first.group[id]!;
  },
  middleGroup: (e: Encoded, i: number) => {
    const id = e.middleId[i]!;
    return id < 0 ? -1 : e.middle.group[id]!;
  },
  birthDate: (e: Encoded, i: number) => e.dateId[i]!,
  birthYear: (e: Encoded, i: number) => (e.birth[i] === 0 ? -1 : (e.birth[i]! / 10000) | 0),
  phone: (e: Encoded, i: number) => e.phoneId[i]!,
  email: (e: Encoded, i: number) => e.emailId[i]!,
  snils: (e: Encoded, i: number) => e.snilsId[i]!,
  oms: (e: Encoded, i: number) => e.omsId[i]!,
  nationalId: (e: Encoded, i: number) => e.nationalIdId[i]!,
  postcode: (e: Encoded, i: number) => e.postcodeId[i]!,
  city: (e: Encoded, i: number) => e.cityId[i]!,
  streetNumber: (e: Encoded, i: number) => e.streetNumberId[i]!,
  address: (e: Encoded, i: number) => e.addressId[i]!,
};

/**
 * Rules chosen for recall: each catches duplicates the others miss (a typo in the date,
 * a changed surname, a new phone). Their union is scored.
 */
export const DEFAULT_RULES: readonly BlockingRule[] = [
  { name: 'phone', features: [f.phone], sortBy: 'name' },
  { name: 'email', features: [f.email], sortBy: 'name' },
  { name: 'snils', features: [f.snils], sortBy: 'name' },
  { name: 'oms_policy', features: [f.oms], sortBy: 'name' },
  { name: 'national_id', features: [f.nationalId], sortBy: 'name' },
  { name: 'birth_date+first_name', features: [f.birthDate, f.firstGroup], sortBy: 'name' },
  { name: 'birth_date+last_name', features: [f.birthDate, f.last], sortBy: 'name' },
  { name: 'last_name+first_name+birth_year', features: [f.last, f.firstGroup, f.birthYear], sortBy: 'birth' },
  {
    name: 'last_name+first_name+middle_name',
    features: [f.last, f.firstGroup, f.middleGroup],
    sortBy: 'birth',
  },
  { name: 'birth_date+postcode', features: [f.birthDate, f.postcode], sortBy: 'name' },
  { name: 'birth_date+city', features: [f.birthDate, f.city], sortBy: 'name' },
  { name: 'last_name+postcode', features: [f.last, f.postcode], sortBy: 'birth' },
  { name: 'first_name+postcode', features: [f.firstGroup, f.postcode], sortBy: 'birth' },
  { name: 'postcode+street_number', features: [f.postcode, f.streetNumber], sortBy: 'name' },
  { name: 'address+street_number', features: [f.address, f.streetNumber], sortBy: 'name' },
  { name: 'last_name+first_name', features: [f.last, f.firstGroup], sortBy: 'birth', coarse: true },
  { name: 'birth_date', features: [f.birthDate], sortBy: 'name', coarse: true },
];

/** Coarse rules (surname + first name, birth date alone) grow quadratically with the data. */
const COARSE_BLOCK = 24;
const COARSE_WINDOW = 3;

const hashKey = (e: Encoded, rule: BlockingRule, seed: number, i: number): number => {
  let h = seed | 0;
  for (const feat of rule.features) {
    const v = feat(e, i);
    if (v < 0) return -1;
    h = Math.imul(h ^ v, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
  }
  return h >>> 1;
};

/** Grows a Float64Array of pair codes a·n + b (exact below n ≈ 94 million). */
class PairCodes {
  codes = new Float64Array(1 << 16);
  length = 0;
  push(code: number): void {
    if (this.length === this.codes.length) {
      const g = new Float64Array(this.codes.length * 2);
      g.set(this.codes);
      this.codes = g;
    }
    this.codes[this.length++] = code;
  }
}

const signatures = (e: Encoded): { name: Float64Array; birth: Float64Array } => {
  const rank = (values: readonly string[]): Int32Array => {
    const order = values
      .map((_, i) => i)
      .sort((x, y) => (values[x]! < values[y]! ? -1 : values[x]! > values[y]! ? 1 : 0));
    const r = new Int32Array(values.length);
    order.forEach((id, k) => {
      r[id] = k;
    });
    return r;
  };
  const lastRank = rank(e.last.values);
  const firstRank = rank(e.first.values);
  const name = new Float64Array(e.n);
  const birth = new Float64Array(e.n);
  for (let i = 0; i < e.n; i++) {
    const l = e.lastId[i]!;
    const fi = e.firstId[i]!;
    name[i] = (l < 0 ? 0 : lastRank[l]! + 1) * 2 ** 22 + (fi < 0 ? 0 : firstRank[fi]! + 1);
    birth[i] = e.birth[i]! * 2 ** 22 + (l < 0 ? 0 : lastRank[l]!);
  }
  return { name, birth };
};

/**
 * Candidate pairs from the union of the rules. A block larger than `maxBlock` is not
 * dropped: its records are sorted (by name or birth date) and compared within a window
 * of `window`, and the report says how many blocks and records went that way.
 */
export const candidatePairs = (
  e: Encoded,
  rules: readonly BlockingRule[] = DEFAULT_RULES,
  maxBlock = 300,
  window = 12,
): CandidatePairs => {
  const n = e.n;
  const out = new PairCodes();
  const report: BlockReport[] = [];
  const sigs = signatures(e);
  const earlierKeys: Int32Array[] = [];
  const earlierCapped: Uint8Array[] = [];
  const earlierCoarse: boolean[] = [];
  const pack = n < 2 ** 22;
  const members: number[] = [];
  rules.forEach((rule, r) => {
    const keys = new Int32Array(n);
    const capped = new Uint8Array(n);
    let present = 0;
    for (let i = 0; i < n; i++) {
      const k = hashKey(e, rule, r * 7919 + 1, i);
      keys[i] = k;
      if (k >= 0) present++;
    }
    if (present < 2) return;
    // Sort record indices by key: packed into one double when the ids fit in 22 bits.
    let order: Uint32Array;
    if (pack) {
      const packed = new Float64Array(present);
      let p = 0;
      for (let i = 0; i < n; i++) if (keys[i]! >= 0) packed[p++] = keys[i]! * 2 ** 22 + i;
      packed.sort();
      order = new Uint32Array(present);
      for (let k = 0; k < present; k++) order[k] = packed[k]! % 2 ** 22;
    } else {
      order = new Uint32Array(present);
      let p = 0;
      for (let i = 0; i < n; i++) if (keys[i]! >= 0) order[p++] = i;
      order.sort((x, y) => keys[x]! - keys[y]! || x - y);
    }
    let pairs = 0;
    let blocks = 0;
    let largest = 0;
    let oversized = 0;
    let oversizedRecords = 0;
    const covered = (a: number, b: number): boolean => {
      for (let q = 0; q < earlierKeys.length; q++) {
        const ek = earlierKeys[q]!;
        if (ek[a]! >= 0 && ek[a] === ek[b] && earlierCapped[q]![a] === 0) return true;
      }
      return false;
    };
    const emit = (x: number, y: number): void => {
      const a = Math.min(x, y);
      const b = Math.max(x, y);
      if (covered(a, b)) return;
      out.push(a * n + b);
      pairs++;
    };
    let start = 0;
    while (start < present) {
      const key = keys[order[start]!]!;
      let end = start + 1;
      while (end < present && keys[order[end]!] === key) end++;
      const size = end - start;
      if (size > 1) {
        blocks++;
        if (size > largest) largest = size;
        if (size <= (rule.coarse ? Math.min(maxBlock, COARSE_BLOCK) : maxBlock)) {
          for (let x = start; x < end; x++) for (let y = x + 1; y < end; y++) emit(order[x]!, order[y]!);
        } else {
          oversized++;
          oversizedRecords += size;
          members.length = 0;
          for (let x = start; x < end; x++) {
            members.push(order[x]!);
            capped[order[x]!] = 1;
          }
          const sig = rule.sortBy === 'name' ? sigs.name : sigs.birth;
          members.sort((x, y) => sig[x]! - sig[y]!);
          for (let x = 0; x < members.length; x++) {
            const hi = Math.min(members.length, x + (rule.coarse ? COARSE_WINDOW : window) + 1);
            for (let y = x + 1; y < hi; y++) emit(members[x]!, members[y]!);
          }
        }
      }
      start = end;
    }
    earlierKeys.push(keys);
    earlierCapped.push(capped);
    earlierCoarse.push(rule.coarse === true);
    report.push({
      rule: rule.name,
      pairs,
      blocks,
      largestBlock: largest,
      oversizedBlocks: oversized,
      recordsInOversizedBlocks: oversizedRecords,
    });
  });
  // Sorted windows can repeat a pair an earlier rule made; sort and keep one of each.
  const codes = out.codes.subarray(0, out.length).sort();
  let count = 0;
  for (let k = 0; k < codes.length; k++) if (k === 0 || codes[k] !== codes[k - 1]) codes[count++] = codes[k]!;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const c = codes[k]!;
    const x = Math.floor(c / n);
    a[k] = x;
    b[k] = c - x * n;
  }
  const tightKeys = earlierKeys.filter((_, q) => !earlierCoarse[q]);
  const tight = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const x = a[k]!;
    const y = b[k]!;
    for (const keys of tightKeys) {
      if (keys[x]! >= 0 && keys[x] === keys[y]) {
        tight[k] = 1;
        break;
      }
    }
  }
  return { a, b, count, tight, report };
};
