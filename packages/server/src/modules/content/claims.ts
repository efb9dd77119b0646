import {
  CARE_WORDS,
  CONDITION_EXACT,
  CONDITION_PAIRS,
  CONDITION_PREFIXES,
  FIRST_PERSON,
  MODALS,
  NEUTRAL_EXACT,
  NEUTRAL_PREFIXES,
  PRONOUNS,
  QUESTION_WORDS,
  STRONG_SUFFERING,
  SUFFERING,
} from './claims-lexicon.ts';
import { normalize, sentences, type Word, words } from './text.ts';

/**
 * R15: claims that medical advertising must not make (38-FZ Art. 24(1) items 2–5, applied to
 * medical services by Art. 24(2)): stating or implying that the recipient has a disease or
 * disorder, citing cure cases, patient gratitude or testimonials, and selling by reference to
 * research. The check is sentence by sentence: a second-person anchor («у вас», «ваш…»,
 * «you», «your», «страдаете», «struggling with») followed closely by a condition word, unless a
 * screening or prevention word sits between them («у вас есть возможность пройти обследование
 * на диабет» passes). It is tuned for zero misses on the regression corpus; a false alarm costs
 * a reviewer a minute, a miss costs the clinic a fine.
 */

export const CLAIM_KINDS = ['implies_condition', 'cure_case', 'testimonial', 'research_reference'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export interface ClaimHit {
  readonly kind: ClaimKind;
  readonly sentence: string;
}

/** Index of the condition's last word if one starts at `i`, else -1. */
const conditionAt = (w: readonly Word[], i: number): number => {
  const t = w[i]?.word;
  if (t === undefined) return -1;
  if (CONDITION_EXACT.has(t) || CONDITION_PREFIXES.some((p) => t.startsWith(p))) return i;
  for (const [a, b] of CONDITION_PAIRS) {
    if (!t.startsWith(a)) continue;
    for (let j = i + 1; j <= i + 3 && j < w.length; j++) if (w[j]?.word.startsWith(b)) return j;
  }
  return -1;
};

const isScreening = (t: string): boolean => NEUTRAL_PREFIXES.some((p) => t.startsWith(p));
const isNeutral = (t: string): boolean => NEUTRAL_EXACT.has(t) || isScreening(t);

const isAnchorWord = (t: string): boolean => PRONOUNS.has(t) || t.startsWith('ваш');

/** A condition within `span` words after `from`, with nothing neutral in between. */
const conditionAfter = (w: readonly Word[], from: number, span: number): boolean => {
  for (let j = from; j < w.length && j < from + span; j++) {
    if (isNeutral(w[j]?.word ?? '')) return false;
    const end = conditionAt(w, j);
    // «your flu vaccination», «вашу прививку от гриппа»: the condition names a prevention.
    if (end !== -1 && !isScreening(w[end + 1]?.word ?? '')) return true;
  }
  return false;
};

/** A screening word just before: «Защитите себя и вашу семью от гриппа». */
const screenedBefore = (w: readonly Word[], i: number): boolean =>
  w.slice(Math.max(0, i - 3), i).some((x) => isScreening(x.word));

/** «you have …», «you may have …»: the index after «have», or -1. */
const afterYouHave = (w: readonly Word[], i: number): number => {
  if (w[i]?.word !== 'you') return -1;
  let j = i + 1;
  if (MODALS.has(w[j]?.word ?? '')) j++;
  return w[j]?.word === 'have' || w[j]?.word === 'got' ? j + 1 : -1;
};

const impliesCondition = (w: readonly Word[], question: boolean): boolean => {
  for (let i = 0; i < w.length; i++) {
    const t = w[i]?.word ?? '';
    if (STRONG_SUFFERING.has(t)) return true;
    if (screenedBefore(w, i)) continue;
    // «у вас», «у вашего ребёнка», «you may have»: the strongest anchors, a longer reach.
    if (t === 'у' && isAnchorWord(w[i + 1]?.word ?? '') && conditionAfter(w, i + 2, 5)) return true;
    const have = afterYouHave(w, i);
    if (have !== -1 && conditionAfter(w, have, 5)) return true;
    if ((isAnchorWord(t) || SUFFERING.some((s) => t.startsWith(s))) && conditionAfter(w, i + 1, 5))
      return true;
    // «Боли в спине вас беспокоят?», «Back pain keeping you up?»
    const end = conditionAt(w, i);
    if (end !== -1 && !isScreening(w[end + 1]?.word ?? '')) {
      for (let j = end + 1; j < w.length && j <= end + 4; j++) {
        const u = w[j]?.word ?? '';
        if (isNeutral(u)) break;
        if (isAnchorWord(u)) return true;
      }
    }
  }
  // «Бессонница?», «Болит спина?»: a short question about a condition is an assumption.
  if (question && w.length <= 5 && !w.some((x) => QUESTION_WORDS.has(x.word) || isNeutral(x.word))) {
    return w.some((_, i) => conditionAt(w, i) !== -1);
  }
  return false;
};

const CURE = [
  /(?<!\p{L})(?:вылечил|излечил|исцелил|избавил|выздоровел|вылечен|излечен|исцелен)\p{L}*/u,
  /(?<!\p{L})(?:случа\p{L}* (?:излечени|выздоровлени)|истори\p{L}* (?:\p{L}+ )?(?:излечени|выздоровлени|успеха|пациент)|до и после(?!\p{L}))/u,
  /(?<!\p{L})(?:пациент\p{L}*|больн(?:ой|ая|ые)|мужчина|женщина|девушка|ребенок|бабушка|дедушка)(?:[\s,;:—–-]+[\p{L}\d]+){0,10}?[\s,;:—–-]+(?:забыл|победил|справил|восстановил|нормализовал|смогл|вернул|избавил|снова (?:может|смог|ходит|спит|бегает|улыбается))\p{L}*/u,
  /(?<!\p{L})после (?:[\p{L}\d]+ ){0,3}?(?:лечени|курс|процедур|операци|терапи|сеанс|прием|визит)\p{L}*(?:,? [\p{L}\d]+){0,6}? (?:прошл|исчезл|ушл|забыл|перестал|вернул|восстановил|нормализовал|пришл|уменьшил|победил|справил|смогл)\p{L}*/u,
  /(?<!\p{L})помогл?[иа]?(?: (?:[\p{L}]+|\d[\d\s]*)){0,5}? (?:избавиться|вылечить|справиться|победить|забыть|излечиться|восстановить)/u,
  /(?<!\p{L})больше не (?:беспокоит|беспокоят|болит|болят|мучает|мучают|страдает|страдают)/u,
  /\b(?:cured|healed|got rid of|gotten rid of|recovered|overcame|beat (?:his|her|their|my) |no longer (?:suffers?|has|have|feels?|needs?)|success stor(?:y|ies)|before(?: and |\s*&\s*|-and-)after|case stud(?:y|ies)|patient stor(?:y|ies)|pain[- ]free (?:since|after|for))/u,
  /\bhelped (?:me|him|her|them|my|over \d|more than \d|\d|thousands|hundreds)/u,
];

/** A condition word followed by its disappearance: «боль прошла», «symptoms disappeared». */
const conditionGone = (w: readonly Word[]): boolean => {
  const GONE =
    /^(?:прошл|исчезл|ушл|отступил|пропал|прекратил|перестал|disappeared|vanished|gone|went|cleared|stopped|ended)/u;
  for (let i = 0; i < w.length; i++) {
    const end = conditionAt(w, i);
    if (end === -1) continue;
    for (let j = end + 1; j <= end + 3 && j < w.length; j++) if (GONE.test(w[j]?.word ?? '')) return true;
  }
  return false;
};

const TESTIMONIAL = [
  /(?<!\p{L})спасибо(?:\s+(?:огромное|большое|огромнейшее))?\s+(?!(?:за|что|вам|тебе|нашим|вас)(?!\p{L}))\p{L}/u,
  /(?<!\p{L})(?:благодарю|благодарна|благодарен|благодарят|благодарила|благодарил)(?!\p{L})/u,
  /(?<!\p{L})благодарност\p{L}*(?:\s+\p{L}+){0,3}?\s+(?:врач|доктор|клиник|персонал|коллектив|специалист|медсестр|хирург|стоматолог)/u,
  /(?<!\p{L})(?:слова|письма|письмо|отзывы?|отзывов) благодарност/u,
  /(?<!\p{L})отзыв\p{L}*\s+(?:\p{L}+\s+)?пациент/u,
  /(?<!\p{L})(?:читайте|смотрите) отзыв|(?:что|как) (?:о нас )?(?:говорят|пишут) (?:наши )?пациент/u,
  /(?<!\p{L})пациент\p{L}*\s+(?:\p{L}+\s+)?(?:рекомендуют|советуют|благодарят|довольны|в восторге|говорят|пишут|отмечают|оценили)(?!\p{L})/u,
  /(?<!\p{L})(?:рекомендую|советую)(?!\p{L})/u,
  /\bthank(?:s| you)[,!]?\s+(?:to\s+)?(?:dr\b|doctor|the (?:clinic|team|staff|doctors?|nurses?)|nurse)/u,
  /\btestimonials?\b|\b(?:patient|customer) reviews?\b|\breviews? (?:from|by) (?:our |real )?patients\b|\b(?:our )?patients (?:say|love|recommend|rave|praise|agree)\b|\bwhat (?:our )?patients (?:say|think)\b|\bfive[- ]star\b|\b5[- ]star\b|\b(?:highly|i) recommend/u,
  /★/u,
];

/** «…» — Анна, 34 года / — Maria K., 52: an attributed quote is a testimonial. */
const ATTRIBUTION =
  /(?:^[«"“„].+[»"”]\s*[—–-]\s*\p{Lu})|(?:[—–-]\s*\p{Lu}\p{Ll}+(?:\s+\p{Lu}\.?)?,\s*\d{1,3}(?:\s*(?:лет|года?|years?(?:\s+old)?|y\.?o\.?))?\s*\.?$)/u;

const RESEARCH =
  /клинически (?:доказан|подтвержд|проверен)|научно (?:доказан|подтвержд)|исследовани\p{L}* (?:\p{L}+ )?(?:показал|подтвердил|доказал)|по данным (?:\p{L}+ )?исследовани|доказан\p{L}* (?:эффективност|исследовани|клиническ|учеными)|clinically (?:proven|tested|shown)|scientifically (?:proven|shown)|(?:studies|research|trials) (?:show|shows|have shown|has shown|prove|proves|proved|confirm|confirms|confirmed)|proven by (?:studies|research|science)|proven in (?:clinical )?(?:trials|studies)|подтвержден\p{L}* (?:\p{L}+ )?исследовани/u;

const testimonial = (n: string, w: readonly Word[], original: string): boolean => {
  if (TESTIMONIAL.some((re) => re.test(n)) || ATTRIBUTION.test(original.trim())) return true;
  const has = (s: ReadonlySet<string>): boolean => w.some((x) => s.has(x.word));
  if (
    /(?<!\p{L})(?:благодарны|grateful|gratitude)(?!\p{L})/u.test(n) &&
    !has(new Set(['мы', 'we', "we're"]))
  ) {
    return true;
  }
  return has(FIRST_PERSON) && w.some((x) => CARE_WORDS.some((c) => x.word.startsWith(c)));
};

/** The first forbidden claim a sentence makes, if any. */
export const classifySentence = (sentence: string): ClaimKind | null => {
  const n = normalize(sentence);
  const w = words(n);
  if (RESEARCH.test(n)) return 'research_reference';
  if (CURE.some((re) => re.test(n)) || conditionGone(w)) return 'cure_case';
  if (testimonial(n, w, sentence)) return 'testimonial';
  if (impliesCondition(w, n.endsWith('?'))) return 'implies_condition';
  return null;
};

/** Every sentence of a text that makes a forbidden claim. */
export const detectClaims = (text: string): ClaimHit[] => {
  const hits: ClaimHit[] = [];
  for (const s of sentences(text)) {
    const kind = classifySentence(s);
    if (kind) hits.push({ kind, sentence: s });
  }
  return hits;
};
