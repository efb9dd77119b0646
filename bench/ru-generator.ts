/**
 * Synthetic Russian clinic records for the dedupe benchmark, drawn from the frequency
 * tables in ../shared/bench/ru-names (never copied into the repo). Each person gets a
 * sex-consistent first name, patronymic and surname form, a birth year fitting the age
 * group of the name, a +7 mobile, maybe an e-mail, a СНИЛС with a valid check number, an
 * ОМС policy and a town. Duplicates are corrupted the way MIS exports are; hard negatives
 * (twins, namesakes, fathers and sons, mothers and daughters) are separate people.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { snilsCheck, toLatin } from '../packages/server/src/modules/normalise/index.ts';

export interface RawRow {
  readonly entity: number;
  readonly kind: 'original' | 'duplicate' | 'twin' | 'namesake' | 'child';
  readonly fullName?: string;
  readonly lastName?: string;
  readonly firstName?: string;
  readonly middleName?: string;
  readonly birthDate?: string;
  readonly sex?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly snils?: string;
  readonly omsPolicy?: string;
  readonly city?: string;
  readonly region?: string;
  readonly address?: string;
}

type Sex = 'male' | 'female';
type Group = 'senior' | 'middle' | 'junior';
interface Weighted<T> {
  readonly items: T[];
  readonly cum: Float64Array;
}
const weighted = <T>(items: T[], weights: number[]): Weighted<T> => {
  const cum = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += w;
    cum[i] = s;
  });
  return { items, cum };
};

export const mulberry = (seed: number): (() => number) => {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
};

const DIMINUTIVE: Record<string, string[]> = {
  Александр: ['Саша', 'Шура'],
  Александра: ['Саша'],
  Алексей: ['Лёша', 'Алёша'],
  Екатерина: ['Катя'],
  Евгений: ['Женя'],
  Евгения: ['Женя'],
  Татьяна: ['Таня'],
  Наталья: ['Наташа'],
  Дмитрий: ['Дима'],
  Владимир: ['Вова', 'Володя'],
  Михаил: ['Миша'],
  Николай: ['Коля'],
  Сергей: ['Серёжа'],
  Юлия: ['Юля'],
  Ольга: ['Оля'],
  Елена: ['Лена'],
  Анастасия: ['Настя'],
  Мария: ['Маша'],
  Иван: ['Ваня'],
  Анна: ['Аня'],
  Светлана: ['Света'],
  Ирина: ['Ира'],
  Андрей: ['Андрюша'],
  Павел: ['Паша'],
  Константин: ['Костя'],
  Людмила: ['Люда'],
  Галина: ['Галя'],
  Виктор: ['Витя'],
  Надежда: ['Надя'],
  Дарья: ['Даша'],
};
const STREETS = [
  'Ленина',
  'Мира',
  'Советская',
  'Гагарина',
  'Садовая',
  'Лесная',
  'Школьная',
  'Молодёжная',
  'Победы',
  'Пушкина',
];
const DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'list.ru', 'inbox.ru', 'rambler.ru'];
const MONTHS = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];
const YEARS: Record<Group, [number, number]> = {
  junior: [1990, 2007],
  middle: [1972, 1990],
  senior: [1936, 1972],
};

interface Person {
  entity: number;
  sex: Sex;
  group: Group;
  last: string;
  first: string;
  middle: string;
  y: number;
  m: number;
  d: number;
  phone: string;
  email?: string;
  snils?: string;
  oms?: string;
  city: string;
  region: string;
  address?: string;
}

export class RuGenerator {
  readonly #r: () => number;
  readonly #first = new Map<string, Weighted<string>>();
  readonly #middle = new Map<string, Weighted<string>>();
  readonly #last = new Map<string, Weighted<string>>();
  readonly #maleToFemale = new Map<string, string>();
  readonly #femaleToMale = new Map<string, string>();
  readonly #places: Weighted<[string, string]>;
  #entity = 0;

  constructor(sharedDir: string, seed: number) {
    this.#r = mulberry(seed);
    const dir = join(sharedDir, 'bench', 'ru-names');
    const read = (f: string) =>
      parse(readFileSync(join(dir, f), 'utf8'), { columns: true }) as Record<string, string>[];
    const group = <K extends string>(
      rows: Record<string, string>[],
      name: string,
      key: (r: Record<string, string>) => K,
    ) => {
      const acc = new Map<K, [string[], number[]]>();
      for (const r of rows) {
        const k = key(r);
        const e = acc.get(k) ?? [[], []];
        e[0].push(r[name]!);
        e[1].push(Number(r.weight));
        acc.set(k, e);
      }
      return new Map([...acc].map(([k, [i, w]]) => [k, weighted(i, w)]));
    };
    for (const [k, v] of group(read('first_names.csv'), 'name', (r) => `${r.sex}:${r.age_group}`))
      this.#first.set(k, v);
    for (const [k, v] of group(read('patronymics.csv'), 'patronymic', (r) => `${r.sex}:${r.age_group}`))
      this.#middle.set(k, v);
    const surnames = read('surnames.csv');
    for (const [k, v] of group(surnames, 'surname', (r) => r.sex!)) this.#last.set(k, v);
    const female = surnames.filter((r) => r.sex === 'female').map((r) => r.surname!);
    surnames
      .filter((r) => r.sex === 'male')
      .forEach((r, i) => {
        this.#maleToFemale.set(r.surname!, female[i]!);
        this.#femaleToMale.set(female[i]!, r.surname!);
      });
    const loc = read('localities.csv');
    this.#places = weighted(
      loc.map((r) => [r.locality!, r.region!] as [string, string]),
      loc.map((r) => Number(r.weight)),
    );
  }

  rand(): number {
    return this.#r();
  }
  #int(lo: number, hi: number): number {
    return lo + Math.floor(this.#r() * (hi - lo + 1));
  }
  #pick<T>(w: Weighted<T>): T {
    const x = this.#r() * w.cum[w.cum.length - 1]!;
    let lo = 0;
    let hi = w.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w.cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return w.items[lo]!;
  }
  #one<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.#r() * xs.length)]!;
  }
  #digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.#int(0, 9));
    return s;
  }
  #snils(): string {
    const nine = String(this.#int(2_000_000, 999_999_999)).padStart(9, '0');
    return `${nine.slice(0, 3)}-${nine.slice(3, 6)}-${nine.slice(6)} ${String(snilsCheck(nine)).padStart(2, '0')}`;
  }
  #surname(sex: Sex): string {
    const male = this.#pick(this.#last.get('male')!);
    return sex === 'male' ? male : (this.#maleToFemale.get(male) ?? male);
  }

  person(overrides: Partial<Person> = {}): Person {
    const sex: Sex = overrides.sex ?? (this.#r() < 0.55 ? 'female' : 'male');
    const group: Group =
      overrides.group ?? this.#one<Group>(['senior', 'middle', 'middle', 'junior', 'junior']);
    const [y0, y1] = YEARS[group];
    const [city, region] = this.#pick(this.#places);
    const first = overrides.first ?? this.#pick(this.#first.get(`${sex}:${group}`)!);
    const p: Person = {
      entity: this.#entity++,
      sex,
      group,
      last: overrides.last ?? this.#surname(sex),
      first,
      middle: overrides.middle ?? this.#pick(this.#middle.get(`${sex}:${group}`)!),
      y: overrides.y ?? this.#int(y0, y1),
      m: overrides.m ?? this.#int(1, 12),
      d: overrides.d ?? this.#int(1, 28),
      phone: overrides.phone ?? `+79${this.#digits(9)}`,
      city: overrides.city ?? city,
      region: overrides.region ?? region,
    };
    if (this.#r() < 0.4)
      p.email = `${toLatin(first).toLowerCase()}.${toLatin(p.last).toLowerCase()}${this.#int(1, 999)}@${this.#one(DOMAINS)}`;
    if (this.#r() < 0.5) p.snils = this.#snils();
    if (this.#r() < 0.3) p.oms = this.#digits(16);
    if (this.#r() < 0.6)
      p.address =
        overrides.address ?? `ул. ${this.#one(STREETS)}, д. ${this.#int(1, 150)}, кв. ${this.#int(1, 300)}`;
    return p;
  }

  /** Twins: same surname, patronymic, birth date, address and home phone; another first name. */
  twin(p: Person): Person {
    const sex: Sex = this.#r() < 0.5 ? p.sex : p.sex === 'male' ? 'female' : 'male';
    const same = sex === p.sex;
    const last = same
      ? p.last
      : sex === 'female'
        ? (this.#maleToFemale.get(p.last) ?? `${p.last}а`)
        : (this.#femaleToMale.get(p.last) ?? p.last);
    const middle = same ? p.middle : oppositePatronymic(p.middle);
    let t: Person;
    do {
      t = this.person({
        sex,
        group: p.group,
        last,
        middle,
        y: p.y,
        m: p.m,
        d: p.d,
        city: p.city,
        region: p.region,
        phone: p.phone,
      });
    } while (t.first === p.first);
    return p.address ? { ...t, address: p.address } : t;
  }

  /** A namesake: the same full name, another birth date, phone and town. */
  namesake(p: Person): Person {
    const other = this.person({ sex: p.sex, group: p.group, first: p.first, last: p.last, middle: p.middle });
    return other.y === p.y && other.m === p.m && other.d === p.d ? { ...other, y: other.y - 1 } : other;
  }

  /** A son (or daughter) named after the father (or mother): patronymic from the parent. */
  child(p: Person): Person {
    const fromFather =
      p.sex === 'male'
        ? `${p.first.replace(/[йь]$/, '').replace(/ий$/, 'и')}${/[ий]$/.test(p.first) ? 'евич' : 'ович'}`
        : undefined;
    return this.person({
      sex: p.sex,
      group: 'junior',
      first: p.first,
      last: p.last,
      ...(fromFather ? { middle: fromFather } : {}),
      y: Math.min(2007, p.y + this.#int(22, 36)),
      city: p.city,
      region: p.region,
      ...(p.address ? { address: p.address } : {}),
      ...(this.#r() < 0.5 ? { phone: p.phone } : {}),
    });
  }

  /** The record as an MIS would export it, in one of several styles. */
  render(p: Person, kind: RawRow['kind']): RawRow {
    const style = this.#int(0, 4);
    const date =
      style === 0
        ? `${pad(p.d)}.${pad(p.m)}.${p.y}`
        : style === 1
          ? `${p.y}-${pad(p.m)}-${pad(p.d)}`
          : style === 2
            ? `${p.d}.${p.m}.${String(p.y).slice(2)}`
            : style === 3
              ? `${p.d} ${MONTHS[p.m - 1]} ${p.y}`
              : `${p.y}${pad(p.m)}${pad(p.d)}`;
    const n = p.phone.slice(2);
    const phone = this.#one([
      p.phone,
      `8 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`,
      `+7 ${n.slice(0, 3)} ${n.slice(3)}`,
      n,
      `8${n}`,
    ]);
    const named = this.#r() < 0.5;
    return {
      entity: p.entity,
      kind,
      ...(named
        ? { fullName: `${p.last} ${p.first} ${p.middle}`.trim() }
        : { lastName: p.last, firstName: p.first, middleName: p.middle }),
      birthDate: date,
      sex:
        this.#r() < 0.5
          ? this.#one(p.sex === 'male' ? ['М', 'муж', 'male', '1'] : ['Ж', 'жен', 'female', '2'])
          : undefined,
      phone,
      email: p.email,
      snils: p.snils,
      omsPolicy: p.oms,
      city: p.city,
      region: p.region,
      address: p.address,
    } as RawRow;
  }

  /** A duplicate of p with 1–3 corruptions of the kinds MIS data shows. */
  corrupt(p: Person): Person {
    const q: Person = { ...p };
    const n = this.#int(1, 3);
    for (let k = 0; k < n; k++) {
      const c = this.#int(0, 12);
      if (c === 0) q.last = typo(q.last, this.#r);
      else if (c === 1) q.first = typo(q.first, this.#r);
      else if (c === 2) q.last = q.last.replace(/ё/g, 'е');
      else if (c === 3) {
        q.last = informal(toLatin(q.last), this.#r);
        q.first = informal(toLatin(q.first), this.#r);
        q.middle = informal(toLatin(q.middle), this.#r);
      } else if (c === 4 && DIMINUTIVE[q.first]) q.first = this.#one(DIMINUTIVE[q.first]!);
      else if (c === 5 && q.sex === 'female') {
        q.last = this.#surname('female');
        if (this.#r() < 0.3) delete q.email;
      } else if (c === 6 && q.d <= 12) [q.d, q.m] = [q.m, q.d];
      else if (c === 7) q.d = Math.max(1, Math.min(28, q.d - (q.d % 10) + this.#int(0, 9)));
      else if (c === 8) q.phone = `+79${this.#digits(9)}`;
      else if (c === 9) q.middle = '';
      else if (c === 10) delete q.snils;
      else if (c === 11) q.middle = `${q.middle[0] ?? ''}.`;
      else if (c === 12) q.last = q.last.toUpperCase();
    }
    return q;
  }
}

const pad = (x: number): string => String(x).padStart(2, '0');

const oppositePatronymic = (m: string): string =>
  /(вна|чна)$/.test(m)
    ? m
        .replace(/овна$/, 'ович')
        .replace(/евна$/, 'евич')
        .replace(/инична$/, 'ич')
        .replace(/ична$/, 'ич')
    : m.replace(/ович$/, 'овна').replace(/евич$/, 'евна').replace(/ьич$/, 'ьинична').replace(/ич$/, 'ична');

const LETTERS = 'абвгдежзиклмнопрстуфхцчшщыэюя';
const typo = (s: string, r: () => number): string => {
  if (s.length < 4) return s;
  const i = 1 + Math.floor(r() * (s.length - 2));
  const kind = Math.floor(r() * 3);
  if (kind === 0) return s.slice(0, i) + s.slice(i + 1);
  if (kind === 1) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  return s.slice(0, i) + LETTERS[Math.floor(r() * LETTERS.length)] + s.slice(i + 1);
};

/** Informal Latin spellings seen on forms: Yuliya, Aleksey, Natalya, Sergeyevich. */
const informal = (s: string, r: () => number): string => {
  if (r() < 0.5) return s;
  return s
    .replace(/iu/g, 'yu')
    .replace(/ia/g, 'ya')
    .replace(/ii$/, r() < 0.5 ? 'iy' : 'y')
    .replace(/ei$/, 'ey')
    .replace(/kh/g, r() < 0.3 ? 'h' : 'kh');
};
