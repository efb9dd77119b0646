import { blank, fail, type Normalised, ok } from './issues.ts';

export interface Email {
  /** Trimmed, domain in lower case; the local part keeps its case (RFC 5321). */
  readonly address: string;
  /** Fully lower-cased: the key for matching and blind indexes. */
  readonly key: string;
  readonly domain: string;
}

/** Domains people mistype, and the frequent providers to compare against. */
const KNOWN_DOMAINS = [
  'gmail.com',
  'mail.ru',
  'yandex.ru',
  'ya.ru',
  'bk.ru',
  'list.ru',
  'inbox.ru',
  'rambler.ru',
  'icloud.com',
  'outlook.com',
  'hotmail.com',
  'yahoo.com',
  'yandex.com',
  'live.com',
  'me.com',
  'internet.ru',
];
const TYPOS: Readonly<Record<string, string>> = {
  'gmial.com': 'gmail.com',
  'gmai.com': 'gmail.com',
  'gamil.com': 'gmail.com',
  'gmal.com': 'gmail.com',
  'gmail.ru': 'gmail.com',
  'gmail.co': 'gmail.com',
  'gmail.cm': 'gmail.com',
  'gnail.com': 'gmail.com',
  'mail.ry': 'mail.ru',
  'mail.tu': 'mail.ru',
  'mial.ru': 'mail.ru',
  'maill.ru': 'mail.ru',
  'mali.ru': 'mail.ru',
  'yandex.ry': 'yandex.ru',
  'yandeks.ru': 'yandex.ru',
  'yadex.ru': 'yandex.ru',
  'yndex.ru': 'yandex.ru',
  'rambler.ry': 'rambler.ru',
  'ramber.ru': 'rambler.ru',
  'inbox.ry': 'inbox.ru',
  'list.ry': 'list.ru',
};

/** Optimal string alignment distance, bounded: enough to spot one slip of the finger. */
const editDistance = (a: string, b: string): number => {
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2.splice(0, prev2.length, ...prev);
    prev = cur;
  }
  return prev[b.length]!;
};

const suggestDomain = (domain: string): string | undefined => {
  const fixed = TYPOS[domain];
  if (fixed) return fixed;
  if (KNOWN_DOMAINS.includes(domain)) return undefined;
  return KNOWN_DOMAINS.find((d) => d.length > 5 && editDistance(domain, d) === 1);
};

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const DOMAIN = /^(?:[a-z0-9\p{L}](?:[a-z0-9\p{L}-]{0,61}[a-z0-9\p{L}])?\.)+[a-z\p{L}]{2,63}$/iu;

/**
 * Validates and normalises an e-mail. A likely typo of a popular domain (gmial.com) is a
 * `doubt` carrying the address as written, never silently corrected; the suggestion is
 * in `suggestion` for the person who reviews it.
 */
export const normaliseEmail = (
  input: string | null | undefined,
  field = 'email',
): Normalised<Email> & { readonly suggestion?: string } => {
  if (blank(input)) return fail(field, input ?? '', 'missing');
  const text = input.trim().replace(/^mailto:/i, '');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return fail(field, input, 'email_invalid');
  const local = text.slice(0, at);
  const domain = text
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (local.length > 64 || text.length > 254 || !LOCAL.test(local) || !DOMAIN.test(domain)) {
    return fail(field, input, 'email_invalid');
  }
  const value: Email = { address: `${local}@${domain}`, key: `${local.toLowerCase()}@${domain}`, domain };
  const suggestion = suggestDomain(domain);
  if (suggestion)
    return { ...fail(field, input, 'email_typo', 'doubt', value), suggestion: `${local}@${suggestion}` };
  return ok(value);
};
