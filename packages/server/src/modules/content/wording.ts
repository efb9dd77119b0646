import { foldYo } from './text.ts';

/** The wording rules the linter looks for: offers (R13), the medical warning (R14), CAN-SPAM (R21). */

// R13: wording that makes a feedback, loyalty, care or service message an advertisement.
const PROMO_RU =
  /(?<!\p{L})(?:скидк|акци(?:я|и|ю|ей|ям|ях)(?!\p{L})|спецпредложени|специальн\p{L}* предложени|промокод|распродаж|подар|кешбэк|кэшбэк|выгодн|бонус)\p{L}*|\d+\s?%/iu;
const PROMO_EN =
  /\b(?:discount\w*|\d+\s?% off|promo\w*|special offer|coupon\w*|voucher\w*|sale|cashback|gift\w*|deals?|bonus\w*)\b/iu;
const LOYALTY_WORDS = /^(?:бонус|bonus)/iu;

/** The first promotional word of a text; a loyalty balance («бонусы») is not an offer. */
export const promotional = (text: string, loyalty: boolean): string | undefined => {
  for (const re of [PROMO_RU, PROMO_EN]) {
    const m = re.exec(text);
    if (m && !(loyalty && LOYALTY_WORDS.test(m[0]))) return m[0];
  }
  return undefined;
};

// R14: the mandatory warning (38-FZ 24(7)) and the variants we accept.
const SEP = '[\\s.,;:!—–-]*';
const WARNING_RU = new RegExp(
  `(?:имеются|есть)\\s+противопоказания${SEP}(?:(?:необходима|нужна|требуется)\\s+консультация\\s+(?:специалиста|специалистов|врача)|(?:необходимо|нужно|следует)\\s+(?:проконсультироваться|получить\\s+консультацию)\\s+(?:со?\\s+)?(?:специалистом|специалиста|врачом|врача))[.!]?`,
  'iu',
);
const WARNING_EN = new RegExp(
  `(?:contraindications\\s+(?:apply|exist)|there\\s+are\\s+contraindications)${SEP}(?:(?:a\\s+)?(?:specialist|doctor)(?:'s)?\\s+consultation\\s+is\\s+(?:required|necessary)|consult(?:ation\\s+with)?\\s+(?:a\\s+)?(?:specialist|doctor)(?:\\s+is\\s+(?:required|necessary))?)[.!]?`,
  'iu',
);

/** The warning's share of the rendered characters, or undefined when it is absent. */
export const warningShare = (text: string, allowEnglish: boolean): number | undefined => {
  const t = foldYo(text);
  const m = WARNING_RU.exec(t) ?? (allowEnglish ? WARNING_EN.exec(t) : null);
  if (!m) return undefined;
  const total = [...text].length;
  return total === 0 ? 0 : [...m[0]].length / total;
};

/** R21: a clear statement that the e-mail is an advertisement. */
export const AD_DISCLOSURE =
  /\b(?:advertisement|advertising|this is an ad|promotional (?:message|e-?mail))\b|реклама/iu;
export const US_POSTAL_ADDRESS = /\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b/u;
