import { foldCase } from './text.ts';

/**
 * Passport transliteration (ГОСТ Р 52535.1-2006 / ICAO Doc 9303, as on Russian passports
 * since 2013): ё→e, й→i, х→kh, ц→ts, ы→y, ъ→ie, ь dropped, ю→iu, я→ia.
 */
const CYR_TO_LAT: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: 'ie',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
};

/** Cyrillic → Latin in the passport style, keeping the case of the first letter of each word. */
export const toLatin = (s: string): string =>
  s.replace(/[\u0400-\u04ff]/g, (ch) => {
    const lower = ch.toLowerCase();
    const lat = CYR_TO_LAT[lower] ?? ch;
    return ch === lower || lat.length === 0 ? lat : lat[0]!.toUpperCase() + lat.slice(1);
  });

/** Latin digraphs first (longest match), then single letters, for the reverse direction. */
const LAT_TO_CYR: readonly (readonly [RegExp, string])[] = [
  [/shch|sch/g, 'щ'],
  [/zh/g, 'ж'],
  [/kh/g, 'х'],
  [/tch|ch/g, 'ч'],
  [/sh/g, 'ш'],
  [/ts|tz/g, 'ц'],
  [/^(ye|je)/g, 'е'],
  [/(?<=[aeiouy])(ye|je)/g, 'е'],
  [/yo|jo/g, 'е'],
  [/(?<=[^aeiouy])iu/g, 'ю'],
  [/yu|ju|iu/g, 'ю'],
  [/(?<=[^aeiouy])iia$/g, 'ия'],
  [/(?<=[^aeiouy])ia$/g, 'ия'],
  [/ya|ja/g, 'я'],
  [/^ia/g, 'я'],
  [/(?<=[aeiou])ia/g, 'я'],
  [/iy$|ii$|yi$|ij$/g, 'ий'],
  [/(?<=[aeou])[iy](?![aeiou])/g, 'й'],
  [/y/g, 'ы'],
  [/x/g, 'кс'],
  [/ph/g, 'ф'],
];
const LAT_SINGLE: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'б',
  c: 'к',
  d: 'д',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'х',
  i: 'и',
  j: 'й',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  q: 'к',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  v: 'в',
  w: 'в',
  z: 'з',
};

const wordToCyrillic = (word: string): string => {
  let w = word.toLowerCase();
  for (const [re, cyr] of LAT_TO_CYR) w = w.replace(re, cyr);
  return w.replace(/[a-z]/g, (ch) => LAT_SINGLE[ch] ?? ch);
};

/** Latin → Cyrillic, best effort for display ("Iuliia" → «Юлия», "Shchukin" → «Щукин»). */
export const toCyrillic = (s: string): string =>
  s.replace(/[A-Za-z]+/g, (word) => {
    const cyr = wordToCyrillic(word);
    return word[0] === word[0]!.toUpperCase() ? cyr[0]!.toUpperCase() + cyr.slice(1) : cyr;
  });

/**
 * Phoneme classes after Latin spelling variants collapse; upper-case letters are
 * placeholders for sounds Latin writes with digraphs (Z=ж, H=х, C=ц, Q=ч, W=ш/щ).
 */
const KEY_RULES: readonly (readonly [RegExp, string])[] = [
  [/shch|shtch|sch/g, 'W'],
  [/tch|ch/g, 'Q'],
  [/sh/g, 'W'],
  [/zh/g, 'Z'],
  [/kh/g, 'H'],
  [/ph/g, 'f'],
  [/th/g, 't'],
  [/h/g, 'H'],
  [/ts|tz/g, 'C'],
  [/x/g, 'ks'],
  [/w/g, 'v'],
  [/q/g, 'k'],
  [/ck/g, 'k'],
  [/c(?=[eiy])/g, 'C'],
  [/c/g, 'k'],
  [/yu|ju|iu/g, 'U'],
  [/ya|ja|ia/g, 'A'],
  [/ye|je|yo|jo/g, 'e'],
  [/y|j/g, 'i'],
  [/U/g, 'iu'],
  [/A/g, 'ia'],
];

/**
 * A script-neutral matching key: Иванов, Ivanov and IVANOV agree; so do Юлия, Yuliya,
 * Julia and Iuliia; Щукин, Shchukin and Schukin; Дмитрий, Dmitriy and Dmitry. Lossy on
 * purpose (ш/щ, и/й/ы merge, double letters collapse): it feeds similarity, not display.
 */
export const translitKey = (s: string): string => {
  let w = toLatin(foldCase(s)).replace(/[^a-z]/g, '');
  for (const [re, rep] of KEY_RULES) w = w.replace(re, rep);
  return w.replace(/(.)\1+/g, '$1');
};
