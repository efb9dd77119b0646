import { Metadata } from 'libphonenumber-js/core';
import type { CountryCode, NumberType } from 'libphonenumber-js/max';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';
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
 * A Russian mobile number as MIS exports write most of them (+7 / 8 / 7 / nothing, then
 * 9XX XXX-XX-XX) skips the full parser, which costs more than the rest of a row's
 * normalisation together: the number is checked against the library's own pattern for
 * Russian mobiles, read from its metadata (no pattern, no shortcut). A property test
 * holds the shortcut to the full parser's answers.
 */
const RU_MOBILE = ((): RegExp | null => {
  const plan = new Metadata(metadata) as unknown as {
    selectNumberingPlan(c: CountryCode): void;
    numberingPlan?: { type(t: 'MOBILE'): { pattern(): string } | undefined };
  };
  plan.selectNumberingPlan('RU');
  const pattern = plan.numberingPlan?.type('MOBILE')?.pattern();
  return pattern ? new RegExp(`^(?:\\+?[78])?(${pattern})$`) : null;
})();
const FORMATTING = /[\s()\-.]/g;

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
  const mobile =
    RU_MOBILE && (options.region ?? 'RU') === 'RU' ? RU_MOBILE.exec(text.replace(FORMATTING, '')) : null;
  if (mobile) {
    return ok({
      e164: `+7${mobile[1]}`,
      country: 'RU',
      type: 'MOBILE',
      ...(ext?.[1] ? { extension: ext[1] } : {}),
    });
  }
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
