import { fullNamesOf, isKnownFirstName, type NameSex } from './diminutives.ts';
import { blank, fail, type Normalised, ok } from './issues.ts';
import { foldName, squish, titleCase } from './text.ts';
import { translitKey } from './translit.ts';

export interface PersonName {
  /** As written, with the case fixed (stored). */
  readonly lastName?: string;
  readonly firstName?: string;
  /** Patronymic, or its initial followed by a dot («И.»). */
  readonly middleName?: string;
  /** How the input was ordered. */
  readonly order: 'last-first-middle' | 'first-middle-last' | 'first-last' | 'last-first' | 'single';
}

const MALE_PATRONYMIC = /(ович|евич|ьич|ич|ovich|evich|ich|ovitch|evitch)$/;
const FEMALE_PATRONYMIC = /(овна|евна|ична|инична|ovna|evna|ichna|inichna)$/;
const TURKIC_MALE = /^(оглы|ogly|oglu|улы|uly)$/;
const TURKIC_FEMALE = /^(кызы|kyzy|kizi|гызы|gyzy)$/;

/** Sex as told by a patronymic (Иванович, Ильинична, Petrovna, «Гусейн оглы»). */
export const sexFromPatronymic = (patronymic: string): NameSex | undefined => {
  const words = squish(patronymic).toLowerCase().replace(/ё/g, 'е').split(' ');
  const last = words[words.length - 1] ?? '';
  if (TURKIC_MALE.test(last)) return 'male';
  if (TURKIC_FEMALE.test(last)) return 'female';
  const w = foldName(last);
  if (w.length < 5) return undefined;
  if (FEMALE_PATRONYMIC.test(w)) return 'female';
  if (MALE_PATRONYMIC.test(w)) return 'male';
  return undefined;
};

export const isPatronymic = (word: string): boolean => sexFromPatronymic(word) !== undefined;

const FEMALE_SURNAME = /(ова|ева|ёва|ина|ына|ская|цкая|ая|ovа|ova|eva|ina|yna|skaya|skaia|tskaya)$/;
const MALE_SURNAME = /(ов|ев|ёв|ин|ын|ский|цкий|ой|ый|ov|ev|in|yn|sky|skiy|skii|skij|tsky)$/;

/** Sex from a surname ending (-ова/-ская → female, -ов/-ский → male); weak evidence. */
export const sexFromSurname = (surname: string): NameSex | undefined => {
  const w = foldName(surname);
  if (w.length < 4) return undefined;
  if (FEMALE_SURNAME.test(w)) return 'female';
  if (MALE_SURNAME.test(w)) return 'male';
  return undefined;
};

/** Sex from a first name the diminutive table knows, when all its readings agree. */
export const sexFromFirstName = (firstName: string): NameSex | undefined => {
  const sexes = new Set(fullNamesOf(firstName).map((f) => f.sex));
  return sexes.size === 1 ? [...sexes][0] : undefined;
};

export interface SexGuess {
  readonly sex: NameSex;
  /** `strong` from a patronymic; `weak` from a first name or surname ending. */
  readonly confidence: 'strong' | 'weak';
  readonly from: 'patronymic' | 'first_name' | 'surname';
}

/** Sex inferred from name parts, strongest evidence first. */
export const inferSex = (name: {
  readonly lastName?: string | undefined;
  readonly firstName?: string | undefined;
  readonly middleName?: string | undefined;
}): SexGuess | undefined => {
  const p = name.middleName ? sexFromPatronymic(name.middleName) : undefined;
  if (p) return { sex: p, confidence: 'strong', from: 'patronymic' };
  const f = name.firstName ? sexFromFirstName(name.firstName) : undefined;
  if (f) return { sex: f, confidence: 'weak', from: 'first_name' };
  const s = name.lastName ? sexFromSurname(name.lastName) : undefined;
  return s ? { sex: s, confidence: 'weak', from: 'surname' } : undefined;
};

const INITIAL = /^\p{L}\.?$/u;
const INITIALS_JOINED = /^(\p{L})\.\s*(\p{L})\.?$/u;

/** Splits «Фамилия И.О.», «И.О. Фамилия» and their spaced forms. */
const parseInitials = (text: string): PersonName | undefined => {
  const m = /^(\p{L}[\p{L}'-]+)\s+(\p{L})\.\s*(?:(\p{L})\.?)?$/u.exec(text);
  if (m) {
    return {
      lastName: titleCase(m[1]!),
      firstName: `${m[2]!.toUpperCase()}.`,
      ...(m[3] ? { middleName: `${m[3].toUpperCase()}.` } : {}),
      order: 'last-first-middle',
    };
  }
  const r = /^(\p{L})\.\s*(?:(\p{L})\.)?\s*(\p{L}[\p{L}'-]+)$/u.exec(text);
  if (r) {
    return {
      lastName: titleCase(r[3]!),
      firstName: `${r[1]!.toUpperCase()}.`,
      ...(r[2] ? { middleName: `${r[2].toUpperCase()}.` } : {}),
      order: 'first-middle-last',
    };
  }
  return undefined;
};

const looksLikeSurname = (w: string): boolean => sexFromSurname(w) !== undefined && !isKnownFirstName(w);

/**
 * Splits a full name: «Иванов Иван Иванович», «Иван Иванович Иванов» (a patronymic in
 * second place moves the surname to the end), «Иванов Иван», «Иван Иванов», «Иванов И.О.»
 * and Latin "Ivanov Ivan Ivanovich". Turkic «оглы/кызы» stays with the patronymic.
 */
export const parseFullName = (
  input: string | null | undefined,
  field = 'full_name',
): Normalised<PersonName> => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  const text = squish(input.replace(/[,;]/g, ' '));
  if (/[\d@#$%^&*_=+<>/\\|{}[\]]/.test(text)) return fail(field, input, 'name_invalid');
  const viaInitials = parseInitials(text);
  if (viaInitials) return ok(viaInitials);
  const words = text.split(' ');
  // Keep a Turkic particle with the patronymic before it.
  const parts: string[] = [];
  for (const w of words) {
    if (parts.length > 0 && (TURKIC_MALE.test(w.toLowerCase()) || TURKIC_FEMALE.test(w.toLowerCase()))) {
      parts[parts.length - 1] = `${parts[parts.length - 1]} ${w.toLowerCase()}`;
    } else parts.push(w);
  }
  const fix = (w: string): string => (INITIAL.test(w) ? `${w[0]!.toUpperCase()}.` : titleCase(w));
  const [a, b, c] = parts.map(fix);
  if (parts.length === 1) return ok({ lastName: a!, order: 'single' });
  if (parts.length === 2) {
    const single =
      INITIALS_JOINED.exec(b!) ??
      (/^\p{Lu}{2}$/u.test(parts[1]!) && parts[0] !== parts[0]!.toUpperCase()
        ? /^(\p{L})(\p{L})$/u.exec(parts[1]!)
        : null);
    if (single)
      return ok({
        lastName: a!,
        firstName: `${single[1]}.`,
        middleName: `${single[2]}.`,
        order: 'last-first-middle',
      });
    const firstThenLast =
      isKnownFirstName(a!) && (!isKnownFirstName(b!) || looksLikeSurname(b!)) && !looksLikeSurname(a!);
    return ok(
      firstThenLast
        ? { lastName: b!, firstName: a!, order: 'first-last' }
        : { lastName: a!, firstName: b!, order: 'last-first' },
    );
  }
  if (parts.length === 3) {
    if (isPatronymic(c!) || !isPatronymic(b!)) {
      return ok({ lastName: a!, firstName: b!, middleName: c!, order: 'last-first-middle' });
    }
    return ok({ lastName: c!, firstName: a!, middleName: b!, order: 'first-middle-last' });
  }
  // Four or more words: a double first name or surname; find the patronymic to anchor.
  const pIdx = parts.findIndex((w, i) => i > 0 && isPatronymic(w));
  if (pIdx === parts.length - 1) {
    return ok({
      lastName: fix(parts[0]!),
      firstName: parts.slice(1, pIdx).map(fix).join(' '),
      middleName: fix(parts[pIdx]!),
      order: 'last-first-middle',
    });
  }
  return fail(field, input, 'name_unparsed', 'doubt', {
    lastName: fix(parts[0]!),
    firstName: parts.slice(1).map(fix).join(' '),
    order: 'last-first',
  });
};

/** One name part with its case fixed; rejects digits and symbols. */
export const normaliseNamePart = (input: string | null | undefined, field: string): Normalised<string> => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  if (/[\d@#$%^&*_=+<>/\\|{}[\]]/.test(input)) return fail(field, input, 'name_invalid');
  const w = squish(input);
  return ok(INITIAL.test(w) ? `${w[0]!.toUpperCase()}.` : titleCase(w));
};

/** What a caller keeps of a normaliser's answer: the value, the best guess, or nothing. */
export type Take = <T>(r: Normalised<T>) => T | undefined;

const given = (v: string | undefined): v is string => !blank(v);

/**
 * The name of a row: its surname, first-name and patronymic columns when it has them,
 * else its ФИО split. `part` decides what a doubtful column yields, `whole` what a
 * doubtful ФИО yields (the import quarantines doubts, linkage takes its best guess).
 */
export function nameOfFields(
  fields: { last_name?: string; first_name?: string; middle_name?: string; full_name?: string },
  take: { readonly part: Take; readonly whole: Take },
): { lastName: string | undefined; firstName: string | undefined; middleName: string | undefined } {
  if (given(fields.last_name) || given(fields.first_name)) {
    const part = (v: string | undefined, field: string) =>
      given(v) ? take.part(normaliseNamePart(v, field)) : undefined;
    return {
      lastName: part(fields.last_name, 'last_name'),
      firstName: part(fields.first_name, 'first_name'),
      middleName: part(fields.middle_name, 'middle_name'),
    };
  }
  if (!given(fields.full_name)) return { lastName: undefined, firstName: undefined, middleName: undefined };
  const name = take.whole(parseFullName(fields.full_name));
  return { lastName: name?.lastName, firstName: name?.firstName, middleName: name?.middleName };
}

/** The matching key of a name part: folded (ё→е), letters only, lower case. */
export const nameKey = (s: string): string => foldName(s);

/** The script-neutral key (Иванов ≡ Ivanov). */
export const nameTranslitKey = (s: string): string => translitKey(s);

/**
 * The stem a patronymic grows from: Иван → иван(ович), Сергей → серге(евич), Илья → иль(ич),
 * Никита → никит(ич), Павел → павл(ович), Лев → льв(ович). Used to tell a son's patronymic
 * from his father's first name.
 */
export const patronymicStem = (firstName: string): string => {
  const w = translitKey(firstName);
  const irregular: Record<string, string> = { pavel: 'pavl', lev: 'lv', petr: 'petr', ilia: 'il' };
  const hit = irregular[w];
  if (hit) return hit;
  return w.replace(/(ii|i|ei|ai|a|ia)$/, (m) => (m === 'ei' ? 'e' : m === 'ai' ? 'a' : ''));
};

/** Whether a patronymic is formed from the given first name (Иванович ← Иван). */
export const patronymicMatchesName = (patronymic: string, firstName: string): boolean => {
  const p = translitKey(patronymic);
  const stem = patronymicStem(firstName);
  return stem.length >= 2 && p.startsWith(stem) && p.length - stem.length <= 6;
};
