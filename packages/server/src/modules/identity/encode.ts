import { foldCase, fullNamesOf, patronymicStem, sexFromPatronymic, translitKey } from '../normalise/index.ts';
import type { LinkRecord } from './record.ts';

/** Interns strings to dense integer ids and counts how often each occurs. */
export class Interner {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  counts = new Int32Array(1024);
  nonNull = 0;

  add(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
      if (id >= this.counts.length) {
        const grown = new Int32Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    this.counts[id]!++;
    this.nonNull++;
    return id;
  }

  /** Σ c(c−1) / (n(n−1)): the chance that two random non-empty values agree. */
  agreement(): number {
    let s = 0;
    for (let i = 0; i < this.values.length; i++) {
      const c = this.counts[i]!;
      s += c * (c - 1);
    }
    const n = this.nonNull;
    return n > 1 ? s / (n * (n - 1)) : 0;
  }

  readonly #raw = new Map<string, number>();

  /** Interns fn(raw), computing fn once per distinct raw value; −1 when it comes out empty. */
  addVia(raw: string, fn: (v: string) => string): number {
    let id = this.#raw.get(raw);
    if (id === undefined) {
      const v = fn(raw);
      id = v.length === 0 ? -1 : this.add(v);
      this.#raw.set(raw, id);
      return id;
    }
    if (id >= 0) {
      this.counts[id]!++;
      this.nonNull++;
    }
    return id;
  }

  /** Share of non-empty records holding this value (term frequency). */
  tf(id: number): number {
    return this.counts[id]! / Math.max(1, this.nonNull);
  }
}

/** A name dictionary: ids by transliteration key, with what comparisons need per name. */
export class NameDict extends Interner {
  /** Full-name group ids (diminutives resolved), up to two per name; −1 when none. */
  canon1: number[] = [];
  canon2: number[] = [];
  /** First letter of the key, and whether the written value is only an initial. */
  initial: number[] = [];
  isInitial: boolean[] = [];
  /** A written form, for patronymic checks and explanations. */
  written: string[] = [];
  /** Blocking group: the full name's key without a feminine -a (Александр/Александра/Саша). */
  group: number[] = [];
  readonly groups = new Map<string, number>();

  readonly #canonical: Interner;

  constructor(canonical: Interner) {
    super();
    this.#canonical = canonical;
  }

  readonly #byRaw = new Map<string, number>();

  addName(raw: string): number {
    const known = this.#byRaw.get(raw);
    if (known !== undefined) {
      if (known >= 0) {
        this.counts[known]!++;
        this.nonNull++;
      }
      return known;
    }
    const id = this.#addNew(raw);
    this.#byRaw.set(raw, id);
    return id;
  }

  #addNew(raw: string): number {
    const key = translitKey(raw);
    if (key.length === 0) return -1;
    const before = this.values.length;
    const id = this.add(key);
    if (id === before) {
      const full = fullNamesOf(raw);
      this.canon1.push(full[0] ? this.#canonical.add(translitKey(full[0].name)) : -1);
      this.canon2.push(full[1] ? this.#canonical.add(translitKey(full[1].name)) : -1);
      this.initial.push(key.charCodeAt(0));
      this.isInitial.push(/^\s*\p{L}\.?\s*$/u.test(raw));
      this.written.push(raw.trim());
      const full0 = full[0] ? translitKey(full[0].name) : key;
      const g = full0.length > 4 ? full0.replace(/i?a$/, '') : full0;
      let gid = this.groups.get(g);
      if (gid === undefined) {
        gid = this.groups.size;
        this.groups.set(g, gid);
      }
      this.group.push(this.isInitial[id]! ? -1 : gid);
    }
    return id;
  }
}

const ADDRESS_NOISE =
  /\b(ул|улица|д|дом|кв|квартира|корп|корпус|стр|строение|пр|пр-т|проспект|пер|переулок|г|город|обл|область|р-н|район|пос|пгт|мкр|street|st|road|rd|avenue|ave|place|pl)\b\.?/g;

export const addressKey = (s: string): string =>
  foldCase(s)
    .replace(ADDRESS_NOISE, ' ')
    .replace(/[^\p{L}\p{N}]/gu, '');

const digitsOnly = (s: string): string => s.replace(/\D/g, '');

/** Records as columns of integer ids: the only shape the hot loops see. */
export class Encoded {
  n = 0;
  rows: number[] = [];
  readonly canonical = new Interner();
  readonly last = new NameDict(this.canonical);
  readonly first = new NameDict(this.canonical);
  readonly middle = new NameDict(this.canonical);
  readonly dates = new Interner();
  readonly phones = new Interner();
  readonly emails = new Interner();
  readonly snils = new Interner();
  readonly oms = new Interner();
  readonly nationalIds = new Interner();
  readonly addresses = new Interner();
  readonly cities = new Interner();
  readonly regions = new Interner();
  readonly postcodes = new Interner();
  readonly streetNumbers = new Interner();
  readonly extras: Interner[];
  /** Per-record columns, −1 for empty; birth is YYYYMMDD or 0; sex 0/1 male/2 female. */
  lastId = new Int32Array(0);
  firstId = new Int32Array(0);
  middleId = new Int32Array(0);
  birth = new Int32Array(0);
  dateId = new Int32Array(0);
  sex = new Int8Array(0);
  phoneId = new Int32Array(0);
  emailId = new Int32Array(0);
  snilsId = new Int32Array(0);
  omsId = new Int32Array(0);
  nationalIdId = new Int32Array(0);
  addressId = new Int32Array(0);
  cityId = new Int32Array(0);
  regionId = new Int32Array(0);
  postcodeId = new Int32Array(0);
  streetNumberId = new Int32Array(0);
  extraIds: Int32Array<ArrayBuffer>[];

  readonly extraFields: readonly string[];

  constructor(extraFields: readonly string[]) {
    this.extraFields = extraFields;
    this.extras = extraFields.map(() => new Interner());
    this.extraIds = extraFields.map(() => new Int32Array(0));
  }

  #grow(capacity: number): void {
    const g32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.lastId = g32(this.lastId);
    this.firstId = g32(this.firstId);
    this.middleId = g32(this.middleId);
    this.birth = g32(this.birth);
    this.dateId = g32(this.dateId);
    const s = new Int8Array(capacity);
    s.set(this.sex);
    this.sex = s;
    this.phoneId = g32(this.phoneId);
    this.emailId = g32(this.emailId);
    this.snilsId = g32(this.snilsId);
    this.omsId = g32(this.omsId);
    this.nationalIdId = g32(this.nationalIdId);
    this.addressId = g32(this.addressId);
    this.cityId = g32(this.cityId);
    this.regionId = g32(this.regionId);
    this.postcodeId = g32(this.postcodeId);
    this.streetNumberId = g32(this.streetNumberId);
    this.extraIds = this.extraIds.map(g32);
  }

  push(r: LinkRecord): void {
    const i = this.n;
    if (i >= this.lastId.length) this.#grow(Math.max(1024, this.lastId.length * 2));
    this.n++;
    this.rows.push(r.row);
    const fold = (v: string): string => foldCase(v).trim();
    const intern = (dict: Interner, raw: string | undefined, f: (v: string) => string = fold): number =>
      raw === undefined || raw === '' ? -1 : dict.addVia(raw, f);
    this.lastId[i] = r.lastName ? this.last.addName(r.lastName) : -1;
    this.firstId[i] = r.firstName ? this.first.addName(r.firstName) : -1;
    this.middleId[i] = r.middleName ? this.middle.addName(r.middleName) : -1;
    const b = r.birthDate ? digitsOnly(r.birthDate) : '';
    const ymd = b.length === 8 ? Number(b) : 0;
    this.birth[i] = ymd;
    this.dateId[i] = ymd > 0 ? this.dates.addVia(b, (v) => v) : -1;
    const sx = (r.sex ?? '').toLowerCase();
    const fromPatronymic = r.middleName ? sexFromPatronymic(r.middleName) : undefined;
    this.sex[i] =
      sx === 'male' || sx === 'm'
        ? 1
        : sx === 'female' || sx === 'f'
          ? 2
          : fromPatronymic === 'male'
            ? 1
            : fromPatronymic === 'female'
              ? 2
              : 0;
    // Unique-ish identifiers are cheap to clean: no per-value cache for them.
    const direct = (dict: Interner, raw: string | undefined, f: (v: string) => string): number => {
      const v = raw === undefined ? '' : f(raw);
      return v.length === 0 ? -1 : dict.add(v);
    };
    this.phoneId[i] = direct(this.phones, r.phone, digitsOnly);
    this.emailId[i] = direct(this.emails, r.email, (v) => v.trim().toLowerCase());
    this.snilsId[i] = direct(this.snils, r.snils, digitsOnly);
    this.omsId[i] = direct(this.oms, r.omsPolicy, digitsOnly);
    this.nationalIdId[i] = direct(this.nationalIds, r.nationalId, (v) =>
      foldCase(v).replace(/[^\p{L}\p{N}]/gu, ''),
    );
    this.addressId[i] = intern(this.addresses, r.address, addressKey);
    this.cityId[i] = intern(this.cities, r.city, addressKey);
    this.regionId[i] = intern(this.regions, r.region, addressKey);
    this.postcodeId[i] = intern(this.postcodes, r.postcode, (v) => v.replace(/\s/g, '').toLowerCase());
    this.streetNumberId[i] = intern(this.streetNumbers, r.streetNumber, (v) =>
      foldCase(v).replace(/\s/g, ''),
    );
    this.extraFields.forEach((f, k) => {
      this.extraIds[k]![i] = intern(this.extras[k]!, r.extra?.[f], addressKey);
    });
  }

  readonly #stems: (string | undefined)[] = [];
  readonly #patronymicSex: (number | undefined)[] = [];

  /** The sex record i's patronymic tells (Андреевна, Andreevich): 0 when none or unclear, 1 male, 2 female. */
  patronymicSex(i: number): number {
    const m = this.middleId[i]!;
    if (m < 0 || this.middle.isInitial[m]) return 0;
    let s = this.#patronymicSex[m];
    if (s === undefined) {
      const told = sexFromPatronymic(this.middle.written[m]!);
      s = told === 'male' ? 1 : told === 'female' ? 2 : 0;
      this.#patronymicSex[m] = s;
    }
    return s;
  }

  /** Whether record b's patronymic is formed from record a's first name (a father of b). */
  patronymicFrom(a: number, b: number): boolean {
    const f = this.firstId[a]!;
    const m = this.middleId[b]!;
    if (f < 0 || m < 0 || this.first.isInitial[f] || this.middle.isInitial[m]) return false;
    let stem = this.#stems[f];
    if (stem === undefined) {
      stem = patronymicStem(this.first.written[f]!);
      this.#stems[f] = stem;
    }
    const p = this.middle.values[m]!;
    return stem.length >= 2 && p.startsWith(stem) && p.length - stem.length <= 6;
  }
}
