import { blank, fail, type Normalised, ok } from './issues.ts';

/** The check number of a SNILS from its first nine digits (ПФР rules). */
export const snilsCheck = (nine: string): number => {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (9 - i);
  if (sum < 100) return sum;
  if (sum === 100 || sum === 101) return 0;
  const r = sum % 101;
  return r === 100 ? 0 : r;
};

export interface Snils {
  /** 11 digits, no separators: the matching key. */
  readonly digits: string;
  /** XXX-XXX-XXX YY, as printed on the card. */
  readonly formatted: string;
}

/**
 * A SNILS (11 digits, printed XXX-XXX-XXX YY). The check number is verified only above
 * 001-001-998: numbers up to it were issued before the check number existed.
 */
export const normaliseSnils = (input: string | null | undefined, field = 'snils'): Normalised<Snils> => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  if (/[^\d\s-]/.test(input.trim())) return fail(field, input, 'snils_format');
  const digits = input.replace(/\D/g, '');
  if (digits.length !== 11) return fail(field, input, 'snils_format');
  const nine = digits.slice(0, 9);
  const formatted = `${nine.slice(0, 3)}-${nine.slice(3, 6)}-${nine.slice(6, 9)} ${digits.slice(9)}`;
  if (Number(nine) > 1_001_998 && snilsCheck(nine) !== Number(digits.slice(9))) {
    return fail(field, input, 'snils_checksum');
  }
  return ok({ digits, formatted });
};

/**
 * An OMS policy number of the unified form (ЕНП): 16 digits. Only length and digits are
 * checked: the 16th digit's check algorithm could not be verified against an official
 * source, and a wrong check would reject valid policies.
 */
export const normaliseOmsPolicy = (
  input: string | null | undefined,
  field = 'oms_policy',
): Normalised<string> => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  if (/[^\d\s-]/.test(input.trim())) return fail(field, input, 'oms_format');
  const digits = input.replace(/\D/g, '');
  return digits.length === 16 ? ok(digits) : fail(field, input, 'oms_format');
};

export type Sex = 'male' | 'female';

const MALE = new Set(['м', 'муж', 'мужской', 'мужчина', 'm', 'male', 'man', 'мальчик', '1', 'ч', 'чол']);
const FEMALE = new Set(['ж', 'жен', 'женский', 'женщина', 'f', 'female', 'woman', 'w', 'девочка', '2']);

/** Sex codes MIS exports use: М/Ж, муж/жен, male/female, m/f, 1/2 (ФОМС coding). */
export const normaliseSex = (input: string | null | undefined, field = 'sex'): Normalised<Sex> => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  const w = input.trim().toLowerCase().replace(/\.$/, '');
  if (MALE.has(w)) return ok('male');
  if (FEMALE.has(w)) return ok('female');
  return fail(field, input, 'sex_unknown');
};

/** A Russian postcode: six digits, the first not zero. */
export const normalisePostcode = (
  input: string | null | undefined,
  field = 'postcode',
): Normalised<string> => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  const digits = input.replace(/\s/g, '');
  return /^[1-9]\d{5}$/.test(digits) ? ok(digits) : fail(field, input, 'postcode_invalid');
};
