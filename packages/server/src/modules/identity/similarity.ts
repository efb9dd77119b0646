/**
 * String similarity on char codes with preallocated scratch buffers: no allocation per
 * call, so the comparison loop over millions of pairs stays out of the garbage collector.
 */
const MAX = 256;
const flagsA = new Uint8Array(MAX);
const flagsB = new Uint8Array(MAX);
const rowPrev2 = new Int32Array(MAX + 1);
const rowPrev = new Int32Array(MAX + 1);
const rowCur = new Int32Array(MAX + 1);

/** Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters). */
export const jaroWinkler = (a: string, b: string): number => {
  if (a === b) return a.length === 0 ? 0 : 1;
  let la = a.length;
  let lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > MAX) la = MAX;
  if (lb > MAX) lb = MAX;
  const range = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(lb - 1, i + range);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  const pmax = Math.min(4, la, lb);
  while (prefix < pmax && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
};

/**
 * Damerau–Levenshtein distance (optimal string alignment: adjacent transpositions count
 * one), stopping early once every path exceeds `max`; returns max + 1 then.
 */
export const osaDistance = (a: string, b: string, max = 3): number => {
  let la = a.length;
  let lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la > MAX) la = MAX;
  if (lb > MAX) lb = MAX;
  for (let j = 0; j <= lb; j++) rowPrev[j] = j;
  let p2 = rowPrev2;
  let p1 = rowPrev;
  let cur = rowCur;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = p1[j - 1]! + (ca === cb ? 0 : 1);
      const del = p1[j]! + 1;
      const ins = cur[j - 1]! + 1;
      if (del < v) v = del;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const tr = p2[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = p2;
    p2 = p1;
    p1 = cur;
    cur = t;
  }
  return p1[lb]!;
};

/** Whether two strings are at most one edit apart (substitution, insertion, deletion or adjacent swap), in O(n). */
export const withinOneEdit = (a: string, b: string): boolean => {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la && i === lb) return true;
  if (la === lb) {
    // Substitution: the rest equal; or transposition of i and i+1.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      a.slice(i + 2) === b.slice(i + 2)
    );
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
};

const digitsX = new Int8Array(8);
const digitsY = new Int8Array(8);

/**
 * Edits between two YYYYMMDD dates: differing digits, an adjacent swap counting one
 * (1985 ↔ 1958); 3 stands for three or more.
 */
export const dateEdits = (x: number, y: number): number => {
  for (let k = 7; k >= 0; k--) {
    digitsX[k] = x % 10;
    digitsY[k] = y % 10;
    x = Math.floor(x / 10);
    y = Math.floor(y / 10);
  }
  let edits = 0;
  for (let k = 0; k < 8; k++) {
    if (digitsX[k] === digitsY[k]) continue;
    if (
      k < 7 &&
      digitsX[k] === digitsY[k + 1] &&
      digitsX[k + 1] === digitsY[k] &&
      digitsX[k + 1] !== digitsY[k + 1]
    )
      k++;
    if (++edits > 2) return 3;
  }
  return edits;
};

/**
 * Memoises a symmetric similarity of two dictionary ids. Names and towns repeat across
 * millions of pairs while their distinct values number in the thousands.
 */
export class PairMemo {
  readonly #m = new Map<number, number>();
  get(x: number, y: number, compute: () => number): number {
    const key = x < y ? x * 67_108_864 + y : y * 67_108_864 + x;
    let v = this.#m.get(key);
    if (v === undefined) {
      v = compute();
      if (this.#m.size < 4_000_000) this.#m.set(key, v);
    }
    return v;
  }
}
