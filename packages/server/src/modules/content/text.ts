/** Text helpers shared by the linters. */

/** Lower case, «ё» as «е», one space between words: the form every matcher works on. */
export const normalize = (s: string): string =>
  s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();

/** Replaces «ё/Ё» only, keeping length and indices, for matchers that report positions. */
export const foldYo = (s: string): string => s.replace(/ё/g, 'е').replace(/Ё/g, 'Е');

/** Sentences, keeping their closing mark: «?» matters to the claims rules. */
export const sentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export interface Word {
  readonly word: string;
  readonly index: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Words of an already normalised text, with their offsets. */
export const words = (text: string): Word[] =>
  [...text.matchAll(WORD)].map((m) => ({ word: m[0].replace(/’/g, "'"), index: m.index }));

/** Russian and English endings a light stemmer strips from a caller's term, longest first. */
const RU_ENDINGS = [
  'иями',
  'ями',
  'ами',
  'ией',
  'ого',
  'его',
  'ому',
  'ему',
  'ыми',
  'ими',
  'иях',
  'ях',
  'ах',
  'ия',
  'ие',
  'ий',
  'ью',
  'ья',
  'ье',
  'ей',
  'ой',
  'ый',
  'ом',
  'ем',
  'ам',
  'ям',
  'ую',
  'юю',
  'ая',
  'яя',
  'ое',
  'ее',
  'ые',
  'ых',
  'их',
  'ым',
  'им',
  'ов',
  'ев',
  'а',
  'я',
  'о',
  'е',
  'ь',
  'й',
  'ы',
  'и',
  'у',
  'ю',
];
const EN_ENDINGS = ['ies', 'es', 's', 'y'];

/**
 * A prefix that all forms of a word share: «маммография → маммограф», «гинеколог» stays.
 * Stems keep at least four letters; shorter words match only as whole words.
 */
export const lightStem = (word: string): string => {
  const w = foldYo(word.toLowerCase());
  const endings = /[а-я]/.test(w) ? RU_ENDINGS : EN_ENDINGS;
  for (const e of endings) {
    if (w.endsWith(e) && w.length - e.length >= 4) return w.slice(0, w.length - e.length);
  }
  return w;
};
