/**
 * "Looks like a withdrawal" (R8): phrases in Russian and English with which people ask a clinic to
 * stop writing, calling or keeping their data. It only sorts the review queue, so that such
 * messages are read first; a person decides what a message means. Matching is on the text folded
 * to lower case, `ё` as `е`, punctuation as spaces.
 */

/** Not preceded by a letter or digit: `\b` knows no Cyrillic. */
const B = '(?<![\\p{L}\\p{N}])';

const PATTERNS: readonly RegExp[] = [
  // не пишите / не присылайте / не звоните / не беспокойте / не отправляйте (мне), больше не …
  /(?<![\p{L}\p{N}])не\s+(?:надо\s+|нужно\s+)?(?:на)?(?:пиши|пишите|пишете|писать|присылай|присылайте|присылать|звони|звоните|звонить|беспокой|беспокойте|беспокоить|отправляй|отправляйте|отправлять|шлите|слать|тревожьте)(?![\p{L}\p{N}])/u,
  // отпишите меня, отписаться, отписка
  new RegExp(`${B}отпи[сш]`, 'u'),
  // удалите мои данные / мой номер / меня (из базы, из рассылки)
  new RegExp(`${B}удал(?:ите|ить|и)\\s+(?:пожалуйста\\s+)?(?:мои|мой|мою|меня|мое)`, 'u'),
  // уберите / исключите меня (из рассылки, из базы)
  new RegExp(`${B}(?:убер|исключ)(?:ите|и|ить)\\s+(?:пожалуйста\\s+)?(?:меня|мой|мои)`, 'u'),
  // хватит писать / прекратите рассылку / перестаньте мне звонить
  new RegExp(
    `${B}(?:хватит|прекратите|прекратить|перестаньте|перестань)\\s+(?:мне\\s+)?(?:писать|присылать|звонить|названивать|слать|спамить|беспокоить|отправлять|рассылк|реклам)`,
    'u',
  ),
  // не хочу получать / больше не хочу
  new RegExp(`${B}не\\s+хочу\\s+(?:больше\\s+)?(?:получать|рассылк|реклам|смс|сообщени)`, 'u'),
  // отказываюсь от рассылки / отказ от рекламы / отзываю согласие
  new RegExp(
    `${B}(?:отказ|отказываюсь|отказаться)\\s+от\\s+(?:рассыл|реклам|смс|сообщен|уведомлен|звонк)`,
    'u',
  ),
  new RegExp(`${B}отзыва(?:ю|ем)\\s+(?:свое\\s+|мое\\s+)?согласи`, 'u'),
  new RegExp(`${B}спам`, 'u'),
  // English
  /\b(?:stop|quit|cease)\s+(?:texting|messaging|sending|calling|contacting|emailing|e-mailing|spamming|writing)\b/,
  /\bunsubscrib/,
  /\bremove\s+(?:me|my)\b/,
  /\bopt\s*-?\s*(?:me\s+)?out\b/,
  /\b(?:don'?t|do\s+not|never|no\s+longer)\s+(?:text|message|call|contact|email|e-mail|send|sms|write)\b/,
  /\bno\s+more\s+(?:texts?|messages?|ads|adverts?|advertising|sms|e-?mails?|calls?|spam)\b/,
  /\bdelete\s+my\s+(?:data|number|details|information|info|phone|account)\b/,
  /\btake\s+me\s+off\b/,
  /\bleave\s+me\s+alone\b/,
  /\bwithdraw\s+(?:my\s+)?consent\b/,
  /\bspam\b/,
];

/** The text as matched: lower case, `ё` folded, punctuation and runs of space as one space. */
const fold = (text: string): string =>
  text
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[’`]/g, "'")
    .replace(/[^\p{L}\p{N}'\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export function looksLikeWithdrawal(text: string): boolean {
  const t = fold(text);
  return t.length > 0 && PATTERNS.some((p) => p.test(t));
}
