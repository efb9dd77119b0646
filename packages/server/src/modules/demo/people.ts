import type { Sex } from '@careloop/contracts';
import type { NewPatient } from '../patients/index.ts';
import type { DemoBranch } from './catalog.ts';
import { DIMINUTIVES, FEMALE_NAMES, MALE_NAMES, SURNAMES, surnameFor } from './names.ts';
import { type Random, Weighted } from './random.ts';

/** One synthetic person before sealing, with what the generator needs to know about them. */
export interface DemoPerson {
  readonly sex: Sex;
  readonly birthDate: string;
  readonly branch: number;
  readonly patient: NewPatient;
}

const OLD = new Set([
  'Валентина',
  'Галина',
  'Людмила',
  'Раиса',
  'Зоя',
  'Тамара',
  'Нина',
  'Лидия',
  'Анатолий',
  'Геннадий',
  'Валерий',
  'Борис',
  'Василий',
  'Григорий',
  'Леонид',
  'Вера',
  'Любовь',
  'Надежда',
]);
const NEW = new Set([
  'Софья',
  'Полина',
  'Милана',
  'Варвара',
  'Ульяна',
  'Елизавета',
  'Алина',
  'Артём',
  'Матвей',
  'Тимофей',
  'Ярослав',
  'Даниил',
  'Егор',
  'Никита',
  'Кирилл',
  'Лев',
  'Дарья',
  'Анастасия',
]);

/** Name tables per birth cohort: older people carry older names. */
const cohort = (year: number): 0 | 1 | 2 => (year < 1965 ? 0 : year < 2000 ? 1 : 2);
const adjust = (name: string, c: 0 | 1 | 2, w: number): number =>
  OLD.has(name) ? w * [3, 0.7, 0.1][c]! : NEW.has(name) ? w * [0.2, 0.8, 3][c]! : w;

const MALE = [0, 1, 2].map(
  (c) => new Weighted(MALE_NAMES.map((n) => [n, adjust(n[0], c as 0 | 1 | 2, n[1])] as const)),
);
const FEMALE = [0, 1, 2].map(
  (c) => new Weighted(FEMALE_NAMES.map((n) => [n[0], adjust(n[0], c as 0 | 1 | 2, n[1])] as const)),
);
const FATHERS = new Weighted(MALE_NAMES.map((n) => [n, n[1]] as const));
const SURNAME = new Weighted(SURNAMES.map((s) => [s, s[2]] as const));

const AGE_BANDS = new Weighted<readonly [number, number]>([
  [[0, 17], 18],
  [[18, 29], 15],
  [[30, 44], 25],
  [[45, 59], 22],
  [[60, 74], 15],
  [[75, 92], 5],
]);

const STREETS = [
  'Лесная',
  'Садовая',
  'Школьная',
  'Центральная',
  'Молодёжная',
  'Зелёная',
  'Набережная',
  'Мира',
  'Победы',
  'Гагарина',
  'Пушкина',
  'Советская',
  'Строителей',
  'Парковая',
];
const MAIL_DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru'];

const LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** Passport-style transliteration, for demo e-mail addresses and Latin-script duplicates. */
export const toLatin = (s: string): string =>
  [...s]
    .map((ch) => {
      const lower = ch.toLowerCase();
      const t = LATIN[lower];
      if (t === undefined) return ch;
      return ch === lower ? t : t.charAt(0).toUpperCase() + t.slice(1);
    })
    .join('');

/** A valid СНИЛС: nine digits and the checksum of the official algorithm. */
export function snilsFor(rnd: Random): string {
  const d = String(rnd.int(2_000_000, 999_999_999)).padStart(9, '0');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (9 - i);
  const check = sum < 100 ? sum : sum % 101 === 100 ? 0 : sum % 101;
  return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 9)} ${String(check).padStart(2, '0')}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function birthDateFor(rnd: Random, asOf: Date): string {
  const [lo, hi] = AGE_BANDS.pick(rnd);
  const year = asOf.getUTCFullYear() - rnd.int(lo, hi);
  const month = rnd.int(1, 12);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const day = rnd.int(1, month === 2 && leap ? 29 : DAYS[month - 1]!);
  const date = `${year}-${pad(month)}-${pad(day)}`;
  // Nobody is born after the reference date.
  return date > asOf.toISOString().slice(0, 10)
    ? `${year - 1}-${pad(month)}-${pad(Math.min(day, 28))}`
    : date;
}

export function makePerson(
  rnd: Random,
  asOf: Date,
  branches: readonly DemoBranch[],
  cardNo: number,
): DemoPerson {
  const sex: Sex = rnd.chance(0.56) ? 'female' : 'male';
  const birthDate = birthDateFor(rnd, asOf);
  const c = cohort(Number(birthDate.slice(0, 4)));
  const firstName = sex === 'male' ? MALE[c]!.pick(rnd)[0] : FEMALE[c]!.pick(rnd);
  const father = FATHERS.pick(rnd);
  const middleName = sex === 'male' ? father[2] : father[3];
  const lastName = surnameFor(SURNAME.pick(rnd), sex);
  const branch = rnd.chance(0.62) ? 0 : 1;
  const b = branches[branch]!;
  const phone = `+79${rnd.digits(9)}`;
  const email = rnd.chance(0.55)
    ? `${toLatin(firstName).toLowerCase()}.${toLatin(lastName).toLowerCase()}${rnd.chance(0.5) ? rnd.int(1, 99) : ''}@${rnd.pick(MAIL_DOMAINS)}`
    : undefined;
  const postcode = branch === 0 ? `1${rnd.digits(5)}` : `620${rnd.digits(3)}`;
  const channel = rnd.next();
  const time = rnd.next();
  const mode = rnd.next();
  return {
    sex,
    birthDate,
    branch,
    patient: {
      identity: {
        lastName,
        firstName,
        middleName,
        birthDate,
        ...(rnd.chance(0.5) ? { snils: snilsFor(rnd) } : {}),
        cardNo: `МК-${String(cardNo).padStart(7, '0')}`,
      },
      contact: {
        phone,
        ...(email ? { email } : {}),
        address: `${b.city}, ул. ${rnd.pick(STREETS)}, д. ${rnd.int(1, 120)}, кв. ${rnd.int(1, 300)}`,
        postcode,
      },
      profile: {
        sex,
        city: b.city,
        timeZone: b.timeZone,
        language: rnd.chance(0.97) ? 'ru' : 'en',
        ...(channel < 0.25
          ? { preferredChannel: 'sms' as const }
          : channel < 0.4
            ? { preferredChannel: 'email' as const }
            : channel < 0.55
              ? { preferredChannel: 'messenger' as const }
              : channel < 0.6
                ? { preferredChannel: 'call' as const }
                : {}),
        ...(time < 0.15
          ? { preferredTime: 'morning' as const }
          : time < 0.28
            ? { preferredTime: 'afternoon' as const }
            : time < 0.4
              ? { preferredTime: 'evening' as const }
              : {}),
        ...(mode < 0.2
          ? { visitMode: 'offline' as const }
          : mode < 0.25
            ? { visitMode: 'online' as const }
            : {}),
      },
    },
  };
}

export type DuplicateKind = 'yo' | 'diminutive' | 'typo' | 'no_middle' | 'maiden' | 'latin' | 'date_swap';
const KINDS: readonly DuplicateKind[] = [
  'yo',
  'diminutive',
  'typo',
  'no_middle',
  'maiden',
  'latin',
  'date_swap',
];

/**
 * A second registration of the same person, written differently: how duplicates
 * arise at a front desk. Identity resolution should find each of these.
 */
export function duplicateOf(
  rnd: Random,
  p: DemoPerson,
  n: number,
): { person: DemoPerson; kind: DuplicateKind } {
  const id = p.patient.identity;
  let kind = KINDS[n % KINDS.length]!;
  if (kind === 'maiden' && p.sex !== 'female') kind = 'typo';
  if (kind === 'diminutive' && !DIMINUTIVES[id.firstName]) kind = 'no_middle';
  if (kind === 'date_swap' && Number(p.birthDate.slice(8, 10)) > 12) kind = 'yo';
  let identity = { ...id };
  let birthDate = p.birthDate;
  switch (kind) {
    case 'yo':
      identity = {
        ...identity,
        lastName: id.lastName.includes('ё') ? id.lastName.replace('ё', 'е') : id.lastName.toUpperCase(),
      };
      break;
    case 'diminutive':
      identity = { ...identity, firstName: DIMINUTIVES[id.firstName]! };
      break;
    case 'typo': {
      const s = id.lastName;
      const i = rnd.int(1, Math.max(1, s.length - 2));
      identity = { ...identity, lastName: s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) };
      break;
    }
    case 'no_middle': {
      const { middleName: _dropped, ...rest } = identity;
      identity = rest;
      break;
    }
    case 'maiden':
      identity = { ...identity, lastName: surnameFor(SURNAME.pick(rnd), 'female') };
      break;
    case 'latin':
      identity = {
        ...identity,
        lastName: toLatin(id.lastName),
        firstName: toLatin(id.firstName),
        ...(id.middleName ? { middleName: toLatin(id.middleName) } : {}),
      };
      break;
    case 'date_swap':
      birthDate = `${p.birthDate.slice(0, 4)}-${p.birthDate.slice(8, 10)}-${p.birthDate.slice(5, 7)}`;
      identity = { ...identity, birthDate };
      break;
  }
  // A second registration rarely carries every document and the e-mail again.
  const { snils: _s, cardNo: _c, ...withoutDocs } = identity;
  const { email, ...withoutEmail } = p.patient.contact;
  const contact =
    kind !== 'maiden' && rnd.chance(0.5) ? withoutEmail : { ...withoutEmail, ...(email ? { email } : {}) };
  return { kind, person: { ...p, birthDate, patient: { ...p.patient, identity: withoutDocs, contact } } };
}

/** Twins: same surname, birth date, address and phone; a different first name. Not duplicates. */
export function twinOf(rnd: Random, p: DemoPerson): DemoPerson {
  const pool = p.sex === 'male' ? MALE_NAMES.map((n) => n[0]) : FEMALE_NAMES.map((n) => n[0]);
  let firstName = rnd.pick(pool);
  while (firstName === p.patient.identity.firstName) firstName = rnd.pick(pool);
  const { snils: _s, cardNo: _c, ...identity } = p.patient.identity;
  return { ...p, patient: { ...p.patient, identity: { ...identity, firstName } } };
}
