/** Lower-case, ё→е, Latin accents stripped; Cyrillic й survives (NFD would split it). */
export const foldCase = (s: string): string =>
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

const capitalise = (part: string): string =>
  part.length === 0 ? part : part[0]!.toLocaleUpperCase('ru') + part.slice(1).toLocaleLowerCase('ru');

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
