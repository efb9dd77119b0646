import type { CountryCode, NumberType } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { blank, fail, type Normalised, ok } from './issues.ts';

export interface Phone {
  /** E.164, e.g. +79161234567. */
  readonly e164: string;
  readonly country: string | undefined;
  /** libphonenumber's type: MOBILE, FIXED_LINE, FIXED_LINE_OR_MOBILE, VOIP… or UNKNOWN. */
  readonly type: NonNullable<NumberType> | 'UNKNOWN';
  readonly extension?: string;
}

const EXTENSION = /\s*(?:доб\.?|добавочный|вн\.?|ext\.?|extension|x|#)\s*(\d{1,6})\s*$/i;

/**
 * A phone number to E.164 with libphonenumber-js (full metadata, so the line type is
 * known). Russian habits are read as written: 8 (916) 123-45-67 and a bare ten-digit
 * 9161234567 are national numbers; «доб. 123» and "ext 12" are kept apart.
 */
export const normalisePhone = (
  input: string | null | undefined,
  options: { readonly region?: CountryCode; readonly field?: string } = {},
): Normalised<Phone> => {
  const field = options.field ?? 'phone';
  if (blank(input)) return fail(field, input ?? '', 'missing');
  const ext = EXTENSION.exec(input);
  let text = (ext ? input.slice(0, ext.index) : input).trim();
  // «+8 916…» and «007…» are common misspellings of +7 / 00 7.
  const digits = text.replace(/\D/g, '');
  if (/^\+?8\d{10}$/.test(text.replace(/[\s()-]/g, '')) && text.startsWith('+8')) text = text.slice(1);
  if (digits.length === 11 && digits.startsWith('7') && !text.startsWith('+')) text = `+${digits}`;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: options.region ?? 'RU', extract: false });
  if (!parsed?.isValid()) return fail(field, input, 'phone_invalid');
  const extension = ext?.[1] ?? parsed.ext;
  return ok({
    e164: parsed.number,
    country: parsed.country,
    type: parsed.getType() ?? 'UNKNOWN',
    ...(extension ? { extension } : {}),
  });
};
