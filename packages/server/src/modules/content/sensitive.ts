import { foldYo, lightStem } from './text.ts';

/**
 * R16: what a lock screen may show. SMS text, messenger previews and e-mail subjects and
 * preheaders must not name a specialty, procedure or condition that implies a diagnosis, nor
 * a diagnosis or a result. Terms match by stem so every word form is caught («онколог»,
 * «онкологический», «онкологии»); short abbreviations match as whole words only, and those
 * that are ordinary words in lower case («ЭКО» / «эко-», «AIDS» / «aids») only in capitals.
 */

export const SENSITIVE_CATEGORIES = ['term', 'diagnosis', 'result', 'result_notice'] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

/**
 * `stem*` matches every word that starts with the stem; a bare word matches that word only;
 * words of a phrase are separated by spaces. `caseSensitive` is for capital abbreviations.
 */
export interface SensitiveTerm {
  readonly pattern: string;
  readonly caseSensitive?: boolean;
}

const cs = (pattern: string): SensitiveTerm => ({ pattern, caseSensitive: true });

/** Defaults, Russian and English; a tenant adds its own specialties and services. */
export const DEFAULT_SENSITIVE_TERMS: readonly SensitiveTerm[] = [
  // oncology
  ...[
    'онко*',
    'рак',
    'рака',
    'раку',
    'раком',
    'раке',
    'опухол*',
    'новообразовани*',
    'метастаз*',
    'химиотерапи*',
    'лучев* терапи*',
    'маммограф*',
    'маммолог*',
    'биопси*',
    'цитологи*',
    // infections and sexual health
    'ВИЧ',
    'ВПЧ',
    'ЗППП',
    'ИППП',
    'гепатит*',
    'сифилис*',
    'гоноре*',
    'хламиди*',
    'венеролог*',
    'дерматовенеролог*',
    'туберкулез*',
    'фтизиатр*',
    'инфекционист*',
    // mental health and addiction
    'психиатр*',
    'психотерап*',
    'психоневролог*',
    'психолог',
    'психолога',
    'психологу',
    'психологом',
    'психологе',
    'психологи',
    'психологов',
    'депресси*',
    'шизофрени*',
    'биполярн*',
    'нарколог*',
    'наркомани*',
    'алкоголизм*',
    'анорекси*',
    'булими*',
    'суицид*',
    'деменци*',
    'альцгеймер*',
    'эпилепси*',
    'аутизм*',
    // reproduction
    'аборт*',
    'беременн*',
    'экстракорпоральн*',
    'репродуктолог*',
    'бесплоди*',
    'гинеколог*',
    'акушер*',
    'уролог*',
    'андролог*',
    'простат*',
    'эректильн*',
    'импотенци*',
    // chronic conditions and the specialties that imply them
    'эндокринолог*',
    'диабет*',
    'инсулин*',
    'кардиолог*',
    'невролог*',
    'гастроэнтеролог*',
    'ревматолог*',
    'гематолог*',
    'нефролог*',
    'пульмонолог*',
    'аллерголог*',
    'проктолог*',
    'колоноскопи*',
    'гастроскопи*',
    'геморро*',
    'ожирени*',
    'молочн* желез*',
    // English
    'oncolog*',
    'cancer*',
    'tumor*',
    'tumour*',
    'chemotherap*',
    'radiotherap*',
    'mammogra*',
    'biops*',
    'HIV',
    'HPV',
    'hepatitis',
    'syphilis',
    'gonorrh*',
    'chlamydia',
    'venereal',
    'tuberculosis',
    'psychiatr*',
    'psychotherap*',
    'psychologist*',
    'mental health',
    'depression*',
    'depressive',
    'schizophreni*',
    'bipolar',
    'addiction*',
    'alcoholism',
    'substance abuse',
    'anorexi*',
    'bulimi*',
    'suicid*',
    'dementia',
    'alzheimer*',
    'epilep*',
    'autism',
    'abortion*',
    'pregnan*',
    'IVF',
    'infertil*',
    'fertility',
    'gynecolog*',
    'gynaecolog*',
    'obstetric*',
    'urolog*',
    'androlog*',
    'prostate',
    'erectile',
    'impoten*',
    'endocrinolog*',
    'diabet*',
    'insulin',
    'cardiolog*',
    'neurolog*',
    'gastroenterolog*',
    'rheumatolog*',
    'proctolog*',
    'colonoscop*',
    'hemorrhoid*',
    'haemorrhoid*',
    'obesity',
  ].map((pattern) => ({ pattern })),
  ...['ЭКО', 'СПИД', 'СДВГ', 'AIDS', 'STD', 'STDs', 'STI', 'STIs', 'ADHD'].map(cs),
];

export interface SensitiveHit {
  readonly category: SensitiveCategory;
  /** The words as they stand in the text. */
  readonly match: string;
  readonly index: number;
  /** A results notice («результаты анализов готовы») is a warning; the rest block. */
  readonly severity: 'error' | 'warning';
}

interface CompiledTerm {
  readonly parts: readonly { readonly stem: string; readonly prefix: boolean }[];
  readonly caseSensitive: boolean;
}

const compileTerm = (t: SensitiveTerm): CompiledTerm => ({
  parts: t.pattern
    .trim()
    .split(/\s+/)
    .map((w) => {
      const prefix = w.endsWith('*');
      const stem = foldYo(prefix ? w.slice(0, -1) : w);
      return { stem: t.caseSensitive ? stem : stem.toLowerCase(), prefix };
    }),
  caseSensitive: t.caseSensitive === true,
});

interface Token {
  readonly raw: string;
  readonly lower: string;
  readonly index: number;
}

/** Words without joining hyphens, so «ЭКО-протокол» yields «ЭКО». */
const tokenize = (text: string): Token[] =>
  [...foldYo(text).matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({
    raw: m[0],
    lower: m[0].toLowerCase(),
    index: m.index,
  }));

/** Words scanned against stems: far cheaper than one case-folding expression of every term. */
const termHits = (text: string, tokens: readonly Token[], terms: readonly CompiledTerm[]): SensitiveHit[] => {
  const hits: SensitiveHit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const term of terms) {
      let ok = true;
      for (let k = 0; k < term.parts.length && ok; k++) {
        const tok = tokens[i + k];
        const part = term.parts[k];
        if (!tok || !part) {
          ok = false;
          break;
        }
        const prev = tokens[i + k - 1];
        if (k > 0 && prev && !/^[\s-]+$/.test(text.slice(prev.index + prev.raw.length, tok.index)))
          ok = false;
        const w = term.caseSensitive ? tok.raw : tok.lower;
        if (!(part.prefix ? w.startsWith(part.stem) : w === part.stem)) ok = false;
      }
      if (!ok) continue;
      const first = tokens[i];
      const last = tokens[i + term.parts.length - 1];
      if (!first || !last) continue;
      hits.push({
        category: 'term',
        match: text.slice(first.index, last.index + last.raw.length),
        index: first.index,
        severity: 'error',
      });
      break;
    }
  }
  return hits;
};

/** A caller's term, «Маммография» or «УЗИ молочных желез», made into a stem pattern. */
export const termFromText = (text: string): SensitiveTerm => {
  const parts = text.trim().split(/\s+/);
  const short = parts.length === 1 && (parts[0] ?? '').length <= 4;
  const upper = short && text === text.toUpperCase();
  const pattern = parts.map((w) => (w.length <= 4 ? w : `${lightStem(w)}*`)).join(' ');
  return upper ? { pattern, caseSensitive: true } : { pattern };
};

const DIAGNOSIS = [
  /(?<![\p{L}\p{N}])диагноз\p{L}*/giu,
  /(?<![\p{L}\p{N}])diagnos(?:is|es|ed)(?![\p{L}\p{N}])/giu,
  /(?<![\p{L}\p{N}])(?:мкб|icd)(?:[\s-]?10)?(?![\p{L}\p{N}])/giu,
  /(?<![\p{L}\p{N}])[A-TV-Z]\d{2}\.\d{1,2}(?![\p{N}])/gu,
];

const RESULT = [
  /(?<![\p{L}\p{N}])(?:результат|тест|анализ|пцр|мазок|мазк|посев|биохими)\p{L}*(?:\s+\p{L}+){0,3}\s+(?:положительн|отрицательн|обнаружен|не обнаружен|выявлен|в норме|выше нормы|ниже нормы|отклонени|повышен|понижен)\p{L}*/giu,
  /(?<![\p{L}\p{N}])(?:положительн|отрицательн)\p{L}*\s+(?:\p{L}+\s+){0,2}(?:результат|тест|анализ|пцр|мазок|мазк)\p{L}*/giu,
  /(?<![\p{L}\p{N}])(?:test|result|results|screening|biopsy|pcr|swab|scan|labs?)\s+(?:[\p{L}']+\s+){0,3}(?:positive|negative|abnormal|elevated|normal|clear)(?![\p{L}])/giu,
  /(?<![\p{L}\p{N}])(?:positive|negative|abnormal)\s+(?:[\p{L}']+\s+){0,2}(?:tests?|results?|for)(?![\p{L}])/giu,
  /\d+(?:[.,]\d+)?\s*(?:ммоль\/л|мкмоль\/л|мг\/дл|г\/л|ед\/л|мме\/л|мкме\/мл|mmol\/l|mg\/dl|g\/l|iu\/l|u\/l)/giu,
];

const RESULT_NOTICE = [
  /(?<![\p{L}\p{N}])результат\p{L}*\s+(?:\p{L}+\s+)?(?:анализ|обследован|исследован|биопси|мрт|кт|узи|тест|скрининг)\p{L}*/giu,
  /(?<![\p{L}\p{N}])(?:test|lab|laboratory|scan|screening|biopsy)\s+results?(?![\p{L}])/giu,
];

export interface SensitiveMatcher {
  readonly scan: (text: string) => SensitiveHit[];
}

/** Compiles the default terms plus the caller's: the tenant's sensitive services and specialties. */
export const sensitiveMatcher = (
  extra: readonly (SensitiveTerm | string)[] = [],
  base: readonly SensitiveTerm[] = DEFAULT_SENSITIVE_TERMS,
): SensitiveMatcher => {
  const terms = [...base, ...extra.map((t) => (typeof t === 'string' ? termFromText(t) : t))].map(
    compileTerm,
  );
  const groups: readonly [SensitiveCategory, readonly RegExp[]][] = [
    ['diagnosis', DIAGNOSIS],
    ['result', RESULT],
    ['result_notice', RESULT_NOTICE],
  ];
  const scanText = (text: string): SensitiveHit[] => {
    const t = foldYo(text);
    const hits = termHits(text, tokenize(text), terms);
    for (const [category, regexes] of groups) {
      for (const re of regexes) {
        for (const m of t.matchAll(re)) {
          hits.push({
            category,
            match: text.slice(m.index, m.index + m[0].length),
            index: m.index,
            severity: category === 'result_notice' ? 'warning' : 'error',
          });
        }
      }
    }
    return hits.sort((a, b) => a.index - b.index);
  };
  // The same text is scanned again and again (a campaign's subject and preheader for every
  // recipient): a scan is a pure function of the text, so the hits of recent texts are kept.
  const recent = new Map<string, readonly SensitiveHit[]>();
  const scan = (text: string): SensitiveHit[] => {
    const known = recent.get(text);
    if (known) return [...known];
    const hits = scanText(text);
    if (recent.size >= 512) recent.clear();
    recent.set(text, hits);
    return [...hits];
  };
  return { scan };
};

let defaults: SensitiveMatcher | undefined;

/** The default matcher, compiled once on first use (the term list is one large expression). */
export const defaultSensitiveMatcher = (): SensitiveMatcher => {
  defaults ??= sensitiveMatcher();
  return defaults;
};
