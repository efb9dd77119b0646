/** Letters whose folding is only lower-casing and ё→е: Latin and Cyrillic without accents. */
const PLAIN = /^[A-Za-zА-яЁё '-]*$/;

/** Lower-case, ё→е, Latin accents stripped; Cyrillic й survives (NFD would split it). */
export const foldCase = (s: string): string =>
  PLAIN.test(s) ? s.toLowerCase().replace(/ё/g, 'е') : foldCaseFully(s);

/** The general case: any Unicode, composed or not. */
export const foldCaseFully = (s: string): string =>
  s
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .normalize('NFD')
    .replace(/([a-z])\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(/\p{M}/gu, '');

/** The matching key of a name: folded, letters only (hyphens, spaces, apostrophes gone). */
export const foldName = (s: string): string => foldCase(s).replace(/[^\p{L}]/gu, '');

/** Collapses runs of white space and trims. */
export const squish = (s: string): string => s.replace(/\s+/g, ' ').trim();

// Russian has no case rules of its own (only Turkish, Azeri and Lithuanian do), so the root
// mapping is the same as toLocaleUpperCase('ru') and three times faster.
const capitalise = (part: string): string =>
  part.length === 0 ? part : part[0]!.toUpperCase() + part.slice(1).toLowerCase();

/** Particles that stay lower case inside a name: «Мамедов Али Гусейн оглы», «van der». */
const LOWER_PARTICLES = new Set([
  'оглы',
  'кызы',
  'ogly',
  'kyzy',
  'van',
  'der',
  'de',
  'von',
  'да',
  'ди',
  'фон',
]);

/** Fixes the case of a written name: «иванов-петров» → «Иванов-Петров», «МАРИЯ» → «Мария». */
export const titleCase = (s: string): string =>
  squish(s)
    .split(' ')
    .map((word, i) =>
      i > 0 && LOWER_PARTICLES.has(word.toLowerCase())
        ? word.toLowerCase()
        : word
            .split('-')
            .map((p) => p.split("'").map(capitalise).join("'"))
            .join('-'),
    )
    .join(' ');

export const isCyrillic = (s: string): boolean => /[\u0400-\u04ff]/.test(s);
export const isLatin = (s: string): boolean => /[a-z]/i.test(s);
