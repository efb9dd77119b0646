import type { Sex } from '@careloop/contracts';
import type { PersonName } from './model.ts';

/**
 * Declension of Russian first names, patronymics and surnames by the standard school rules.
 * The one npm library for this (petrovich 0.2.1) ships a 2015 UMD build without types, so
 * this is a small rules table instead: regular paradigms plus the exceptions a clinic
 * meets every day. Stress-dependent endings (Ильёй, Ильичом) are listed as exceptions;
 * foreign surnames in -ин (Дарвин) get the Russian paradigm, a known limit of rules.
 */

export const GRAMMATICAL_CASES = [
  'nominative',
  'genitive',
  'dative',
  'accusative',
  'instrumental',
  'prepositional',
] as const;
export type GrammaticalCase = (typeof GRAMMATICAL_CASES)[number];

/** Characters cut from the end, then the ending for genitive … prepositional. */
type Paradigm = readonly [cut: number, gen: string, dat: string, acc: string, ins: string, prep: string];

const INDECLINABLE: Paradigm = [0, '', '', '', '', ''];
const HARD_MASC: Paradigm = [0, 'а', 'у', 'а', 'ом', 'е'];
const SIBILANT_MASC: Paradigm = [0, 'а', 'у', 'а', 'ем', 'е'];
const SOFT_MASC: Paradigm = [1, 'я', 'ю', 'я', 'ем', 'е'];
const IY_MASC: Paradigm = [1, 'я', 'ю', 'я', 'ем', 'и'];
const SOFT_FEM: Paradigm = [1, 'и', 'и', 'ь', 'ью', 'и'];
const IA: Paradigm = [1, 'и', 'и', 'ю', 'ей', 'и'];
const YA: Paradigm = [1, 'и', 'е', 'ю', 'ей', 'е'];
const POSSESSIVE_MASC: Paradigm = [0, 'а', 'у', 'а', 'ым', 'е'];
const POSSESSIVE_FEM: Paradigm = [1, 'ой', 'ой', 'у', 'ой', 'ой'];
const ADJ_HARD_MASC: Paradigm = [2, 'ого', 'ому', 'ого', 'ым', 'ом'];
const ADJ_VELAR_MASC: Paradigm = [2, 'ого', 'ому', 'ого', 'им', 'ом'];
const ADJ_SOFT_MASC: Paradigm = [2, 'его', 'ему', 'его', 'им', 'ем'];
const ADJ_FEM: Paradigm = [2, 'ой', 'ой', 'ую', 'ой', 'ой'];
const ADJ_SIBILANT_FEM: Paradigm = [2, 'ей', 'ей', 'ую', 'ей', 'ей'];
const ADJ_SOFT_FEM: Paradigm = [2, 'ей', 'ей', 'юю', 'ей', 'ей'];

const VELARS_SIBILANTS = 'гкхжшчщ';
const SIBILANTS_C = 'жшчщц';
const VOWELS = 'аеёиоуыэюя';

/** -а nouns: «Анна → Анны, Анной», «Ольга → Ольги», «Саша → Сашей». */
const aParadigm = (lower: string): Paradigm => {
  const before = lower.at(-2) ?? '';
  return [
    1,
    VELARS_SIBILANTS.includes(before) ? 'и' : 'ы',
    'е',
    'у',
    SIBILANTS_C.includes(before) ? 'ей' : 'ой',
    'е',
  ];
};

const consonantMasc = (lower: string): Paradigm =>
  SIBILANTS_C.includes(lower.at(-1) ?? '') ? SIBILANT_MASC : HARD_MASC;

/** Oblique stems of names that lose or change a vowel. */
const FIRST_NAME_STEMS: Readonly<Record<string, string>> = {
  павел: 'павл',
  лев: 'льв',
  пётр: 'петр',
  петр: 'петр',
};

/** Stressed endings the rules cannot see. */
const INSTRUMENTAL_EXCEPTIONS: Readonly<Record<string, string>> = {
  илья: 'ильёй',
  ильич: 'ильичом',
  кузьмич: 'кузьмичом',
  лукич: 'лукичом',
  фомич: 'фомичом',
};

/** Women's names ending in a consonant or -ь, for when the sex is not recorded. */
const FEMALE_CONSONANT_NAMES = new Set([
  'любовь',
  'адель',
  'нинель',
  'ассоль',
  'рахиль',
  'руфь',
  'эсфирь',
  'юдифь',
  'суламифь',
  'изабель',
  'николь',
  'айгуль',
  'гульназ',
  'наргиз',
  'кармен',
  'ирэн',
  'элизабет',
  'жаклин',
  'мэрилин',
]);

const firstNameParadigm = (lower: string, sex: Sex | undefined): Paradigm => {
  const female = sex === 'female' || (sex === undefined && FEMALE_CONSONANT_NAMES.has(lower));
  const last = lower.at(-1) ?? '';
  if (lower.endsWith('ия')) return IA;
  if (last === 'я') return YA;
  if (last === 'а') return VOWELS.includes(lower.at(-2) ?? '') ? INDECLINABLE : aParadigm(lower);
  if (VOWELS.includes(last)) return INDECLINABLE;
  if (female) return last === 'ь' ? SOFT_FEM : INDECLINABLE;
  if (last === 'ь') return SOFT_MASC;
  if (last === 'й') return lower.endsWith('ий') ? IY_MASC : SOFT_MASC;
  return consonantMasc(lower);
};

const TURKIC_PATRONYMIC = /(?:^|[\s-])(?:оглы|улы|уулу|кызы|гызы)$/;

const patronymicParadigm = (lower: string): Paradigm => {
  if (TURKIC_PATRONYMIC.test(lower)) return INDECLINABLE;
  if (lower.endsWith('ич')) return SIBILANT_MASC;
  if (lower.endsWith('на')) return aParadigm(lower);
  return INDECLINABLE;
};

const POSSESSIVE = /(?:ов|ев|ёв|ин|ын)$/;

const surnameParadigm = (lower: string, sex: Sex | undefined): Paradigm => {
  const last = lower.at(-1) ?? '';
  if (/(?:ых|их|ко|аго|яго)$/.test(lower)) return INDECLINABLE;
  if (/[уоеи]а$/.test(lower)) return INDECLINABLE; // Гамсахурдиа, Дюбуа
  if (lower.endsWith('ия')) return IA;
  const female = sex === 'female' || (sex === undefined && /(?:ова|ева|ёва|ина|ына|ая|яя)$/.test(lower));
  if (female) {
    if (/(?:ова|ева|ёва|ина|ына)$/.test(lower)) return POSSESSIVE_FEM;
    if (lower.endsWith('яя')) return ADJ_SOFT_FEM;
    if (lower.endsWith('ая')) return SIBILANTS_C.includes(lower.at(-3) ?? '') ? ADJ_SIBILANT_FEM : ADJ_FEM;
    if (last === 'а') return aParadigm(lower);
    if (last === 'я') return YA;
    return INDECLINABLE; // Шмидт, Гоголь, Левчук: women's consonant surnames do not decline
  }
  if (VOWELS.includes(last) && last !== 'а' && last !== 'я') return INDECLINABLE;
  if (last === 'а') return aParadigm(lower);
  if (last === 'я') return YA;
  if (sex === undefined && !/(?:ов|ев|ёв|ин|ын|ий|ый|ой)$/.test(lower)) return INDECLINABLE;
  if (POSSESSIVE.test(lower)) return POSSESSIVE_MASC;
  if (lower.endsWith('ый') || (lower.endsWith('ой') && lower.length >= 5)) return ADJ_HARD_MASC;
  if (/[гкхжшчщц]ий$/.test(lower)) return ADJ_VELAR_MASC;
  if (lower.endsWith('ний')) return ADJ_SOFT_MASC;
  if (last === 'ь') return SOFT_MASC;
  if (last === 'й') return lower.endsWith('ий') ? IY_MASC : SOFT_MASC;
  return consonantMasc(lower);
};

const CASE_INDEX: Readonly<Record<Exclude<GrammaticalCase, 'nominative'>, 1 | 2 | 3 | 4 | 5>> = {
  genitive: 1,
  dative: 2,
  accusative: 3,
  instrumental: 4,
  prepositional: 5,
};

/** Keeps the writer's capitalisation: «ИВАНОВ» stays upper case, «Иванов» keeps its capital. */
const matchCase = (original: string, lowerForm: string): string => {
  if (original.length > 1 && original === original.toUpperCase()) return lowerForm.toUpperCase();
  let out = '';
  for (let i = 0; i < lowerForm.length; i++) {
    const o = original[i];
    const c = lowerForm[i] ?? '';
    out += o !== undefined && o !== o.toLowerCase() ? c.toUpperCase() : c;
  }
  return out;
};

type Kind = 'first' | 'patronymic' | 'last';

const declineWord = (word: string, kind: Kind, sex: Sex | undefined, c: GrammaticalCase): string => {
  if (c === 'nominative' || word.length < 2) return word;
  const lower = word.toLowerCase();
  if (c === 'instrumental' && kind !== 'last') {
    const ins = INSTRUMENTAL_EXCEPTIONS[lower];
    if (ins) return matchCase(word, ins);
  }
  if (kind === 'first') {
    const stem = FIRST_NAME_STEMS[lower];
    if (stem && sex !== 'female') return matchCase(word, stem + HARD_MASC[CASE_INDEX[c]]);
  }
  const p =
    kind === 'first'
      ? firstNameParadigm(lower, sex)
      : kind === 'patronymic'
        ? patronymicParadigm(lower)
        : surnameParadigm(lower, sex);
  if (p === INDECLINABLE) return word;
  const form = lower.slice(0, lower.length - p[0]) + p[CASE_INDEX[c]];
  return matchCase(word, form);
};

/** Hyphenated parts decline each on their own: «Анна-Мария → Анны-Марии». */
const declinePart = (value: string, kind: Kind, sex: Sex | undefined, c: GrammaticalCase): string => {
  if (kind === 'patronymic' && TURKIC_PATRONYMIC.test(value.toLowerCase())) return value;
  return value
    .split('-')
    .map((w) => declineWord(w, kind, sex, c))
    .join('-');
};

/** The sex a patronymic states; the only reliable source besides the record itself. */
export const sexFromPatronymic = (patronymic: string | undefined): Sex | undefined => {
  const p = patronymic?.trim().toLowerCase();
  if (!p) return undefined;
  if (/(?:ич|оглы|улы|уулу)$/.test(p)) return 'male';
  if (/(?:вна|чна|кызы|гызы)$/.test(p)) return 'female';
  return undefined;
};

/** The recorded sex, else the one the patronymic states. */
export const effectiveSex = (person: PersonName): Sex | undefined =>
  person.sex ?? sexFromPatronymic(person.patronymic);

export const declineFirstName = (name: string, sex: Sex | undefined, c: GrammaticalCase): string =>
  declinePart(name.trim(), 'first', sex, c);

export const declinePatronymic = (patronymic: string, c: GrammaticalCase): string =>
  declinePart(patronymic.trim(), 'patronymic', sexFromPatronymic(patronymic), c);

export const declineSurname = (surname: string, sex: Sex | undefined, c: GrammaticalCase): string =>
  declinePart(surname.trim(), 'last', sex, c);

/** Every known part of the name in the requested case. */
export const declineName = (person: PersonName, c: GrammaticalCase): PersonName => {
  const sex = effectiveSex(person);
  return {
    ...(person.firstName ? { firstName: declineFirstName(person.firstName, sex, c) } : {}),
    ...(person.patronymic ? { patronymic: declinePatronymic(person.patronymic, c) } : {}),
    ...(person.lastName ? { lastName: declineSurname(person.lastName, sex, c) } : {}),
    ...(person.sex ? { sex: person.sex } : {}),
  };
};
