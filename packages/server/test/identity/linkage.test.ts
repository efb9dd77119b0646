import { describe, expect, it } from 'vitest';
import { type DedupeResult, dedupeRecords, type LinkRecord } from '../../src/modules/identity/index.ts';
import { population } from './fixtures/population.ts';

/** Runs the background population plus the scenario's records (rows from 1001 up). */
const run = async (scenario: Omit<LinkRecord, 'row'>[]): Promise<DedupeResult> =>
  dedupeRecords([...population(), ...scenario.map((r, i) => ({ ...r, row: 1001 + i }))]);

const linked = (res: DedupeResult, a: number, b: number): boolean =>
  res.clusterOf.get(a) === res.clusterOf.get(b);
const pair = (res: DedupeResult, a: number, b: number) =>
  res.pairs.find((p) => (p.rowA === a && p.rowB === b) || (p.rowA === b && p.rowB === a));

/** A few true duplicates so that EM sees matches to learn m from. */
const dupes: Omit<LinkRecord, 'row'>[] = [
  {
    lastName: 'Белоусов',
    firstName: 'Глеб',
    middleName: 'Игоревич',
    birthDate: '1977-04-12',
    phone: '+79031112233',
    city: 'г. Тверь',
  },
  {
    lastName: 'Белоусов',
    firstName: 'Глеб',
    middleName: 'Игоревич',
    birthDate: '1977-04-12',
    phone: '+79031112233',
  },
  {
    lastName: 'Тихонова',
    firstName: 'Вера',
    middleName: 'Олеговна',
    birthDate: '1990-10-02',
    email: 'vera@ya.ru',
    city: 'г. Омск',
  },
  {
    lastName: 'Тихонова',
    firstName: 'Вера',
    middleName: 'Олеговна',
    birthDate: '1990-10-02',
    email: 'vera@ya.ru',
  },
  {
    lastName: 'Гусев',
    firstName: 'Павел',
    middleName: 'Андреевич',
    birthDate: '1968-01-30',
    phone: '+79161230000',
  },
  {
    lastName: 'Гусев',
    firstName: 'Павел',
    middleName: 'Андреевич',
    birthDate: '1968-01-30',
    city: 'г. Пермь',
  },
  {
    lastName: 'Крылова',
    firstName: 'Инна',
    middleName: 'Петровна',
    birthDate: '1959-07-21',
    phone: '+79265554433',
  },
  {
    lastName: 'Крылова',
    firstName: 'Инна',
    middleName: 'Петровна',
    birthDate: '1959-07-21',
    phone: '+79265554433',
  },
];
const base = dupes.length;

describe('dedupeRecords: true duplicates Russian data throws up', () => {
  it('links a Latin transliteration with its Cyrillic record', async () => {
    const res = await run([
      ...dupes,
      {
        lastName: 'Щербакова',
        firstName: 'Юлия',
        middleName: 'Сергеевна',
        birthDate: '1985-06-14',
        phone: '+79057778899',
      },
      {
        lastName: 'Shcherbakova',
        firstName: 'Yuliya',
        middleName: 'Sergeevna',
        birthDate: '1985-06-14',
        phone: '+79057778899',
      },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(true);
    const ev = pair(res, 1001 + base, 1002 + base)!.evidence!;
    expect(ev.find((e) => e.field === 'last_name')).toMatchObject({ level: 'exact' });
  });

  it('links a diminutive with the full first name', async () => {
    const res = await run([
      ...dupes,
      {
        lastName: 'Журавлёв',
        firstName: 'Александр',
        middleName: 'Ильич',
        birthDate: '1979-03-03',
        phone: '+79990001122',
      },
      {
        lastName: 'Журавлев',
        firstName: 'Саша',
        middleName: 'Ильич',
        birthDate: '1979-03-03',
        email: 'zh@mail.ru',
      },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(true);
    expect(pair(res, 1001 + base, 1002 + base)!.evidence!.find((e) => e.field === 'first_name')?.level).toBe(
      'same_name',
    );
  });

  it('links a patronymic with its initial', async () => {
    const res = await run([
      ...dupes,
      {
        lastName: 'Ларионов',
        firstName: 'Кирилл',
        middleName: 'Иванович',
        birthDate: '1981-11-05',
        phone: '+79112223344',
      },
      {
        lastName: 'Ларионов',
        firstName: 'Кирилл',
        middleName: 'И.',
        birthDate: '1981-11-05',
        phone: '+79112223344',
      },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(true);
    expect(pair(res, 1001 + base, 1002 + base)!.evidence!.find((e) => e.field === 'middle_name')?.level).toBe(
      'initial',
    );
  });

  it('links a woman after marriage: new surname, same name, birth date and СНИЛС', async () => {
    const res = await run([
      ...dupes,
      {
        lastName: 'Рябова',
        firstName: 'Светлана',
        middleName: 'Викторовна',
        birthDate: '1992-08-19',
        sex: 'female',
        snils: '11223344595',
        phone: '+79204445566',
      },
      {
        lastName: 'Медведева',
        firstName: 'Светлана',
        middleName: 'Викторовна',
        birthDate: '1992-08-19',
        sex: 'female',
        snils: '11223344595',
      },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(true);
    const ev = pair(res, 1001 + base, 1002 + base)!.evidence!;
    expect(ev.find((e) => e.field === 'last_name')?.level).toBe('different_female');
    expect(ev.find((e) => e.field === 'snils')).toMatchObject({ level: 'exact' });
  });

  it('links day/month swaps and one-digit typos in the birth date', async () => {
    const res = await run([
      ...dupes,
      {
        lastName: 'Ефимов',
        firstName: 'Роман',
        middleName: 'Олегович',
        birthDate: '1975-04-09',
        phone: '+79012345678',
      },
      {
        lastName: 'Ефимов',
        firstName: 'Роман',
        middleName: 'Олегович',
        birthDate: '1975-09-04',
        phone: '+79012345678',
      },
      {
        lastName: 'Ефимов',
        firstName: 'Роман',
        middleName: 'Олегович',
        birthDate: '1975-04-08',
        phone: '+79012345678',
      },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(true);
    expect(linked(res, 1001 + base, 1003 + base)).toBe(true);
    expect(pair(res, 1001 + base, 1002 + base)!.evidence!.find((e) => e.field === 'birth_date')?.level).toBe(
      'day_month_swapped',
    );
  });
});

describe('dedupeRecords: look-alikes that are different people', () => {
  it('keeps twins apart: same surname, patronymic, birth date, address and phone', async () => {
    const twins = {
      lastName: 'Орехов',
      middleName: 'Петрович',
      birthDate: '2001-05-05',
      phone: '+79107776655',
      address: 'ул. Мира, д. 1, кв. 2',
      city: 'г. Тверь',
    };
    const res = await run([...dupes, { ...twins, firstName: 'Илья' }, { ...twins, firstName: 'Олег' }]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(false);
    expect(pair(res, 1001 + base, 1002 + base)).toBeUndefined();
  });

  it('keeps a brother and sister born the same day apart, and still links each one again', async () => {
    // They share a home, a phone and nearly a name; only the name endings tell them apart.
    const home = {
      birthDate: '1992-07-14',
      phone: '+79792667070',
      address: 'ул. Победы, д. 17, кв. 273',
      city: 'г. Рязань',
      region: 'Рязанская обл.',
    };
    const brother = { ...home, lastName: 'Анисимов', firstName: 'Александр', middleName: 'Андреевич' };
    const sister = { ...home, lastName: 'Анисимова', firstName: 'Александра', middleName: 'Андреевна' };
    const res = await run([...dupes, brother, sister, { ...brother, lastName: 'Анисимоы' }, { ...sister }]);
    const [b, s, b2, s2] = [1001, 1002, 1003, 1004].map((r) => r + base);
    expect(linked(res, b!, s!)).toBe(false);
    expect(linked(res, b!, b2!)).toBe(true);
    expect(linked(res, s!, s2!)).toBe(true);
  });

  it('does not count the region again where the city already agrees', async () => {
    const { city, ...withoutCity } = {
      lastName: 'Зуева',
      firstName: 'Нина',
      middleName: 'Ильинична',
      birthDate: '1980-03-03',
      phone: '+79035550011',
      city: 'г. Тверь',
      region: 'Тверская обл.',
    };
    const res = await run([...dupes, { ...withoutCity, city }, { ...withoutCity, city }, withoutCity]);
    const [a, b, c] = [1001, 1002, 1003].map((r) => r + base) as [number, number, number];
    const region = (x: number, y: number) => pair(res, x, y)!.evidence!.find((e) => e.field === 'region');
    expect(pair(res, a, b)!.evidence!.find((e) => e.field === 'city')).toMatchObject({ level: 'exact' });
    expect(region(a, b)).toMatchObject({ level: 'missing_or_same_city', weight: 0 });
    // Without the city on one side, the region is compared again.
    expect(region(a, c)).toMatchObject({ level: 'exact' });
  });

  it('keeps namesakes apart: same ФИО, other birth date and phone', async () => {
    const name = { lastName: 'Иванов', firstName: 'Александр', middleName: 'Сергеевич', city: 'г. Москва' };
    const res = await run([
      ...dupes,
      { ...name, birthDate: '1971-02-11', phone: '+79160000001' },
      { ...name, birthDate: '1986-09-23', phone: '+79160000002' },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(false);
  });

  it('does not count a mailbox made from the name twice: namesakes at two providers', async () => {
    const name = { lastName: 'Смирнова', firstName: 'Ольга', city: 'г. Москва' };
    const res = await run([
      ...dupes,
      { ...name, birthDate: '1979-05-14', email: 'olga.smirnova@mail.ru' },
      { ...name, birthDate: '1992-11-30', email: 'olga.smirnova@yandex.ru' },
      { ...name, lastName: 'Орлова', birthDate: '1965-03-03', email: 'orlova1965@mail.ru' },
      { ...name, lastName: 'Орлова', birthDate: '1965-03-03', email: 'orlova1965@gmail.com' },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(false);
    // A name-shaped mailbox is no evidence either way; a distinctive one still is.
    const namesakes = pair(res, 1001 + base, 1002 + base);
    if (namesakes) expect(namesakes.evidence!.find((e) => e.field === 'email')?.level).toBe('missing');
    const same = pair(res, 1003 + base, 1004 + base)!;
    expect(same.evidence!.find((e) => e.field === 'email')?.level).toBe('same_mailbox_or_one_edit');
    expect(linked(res, 1003 + base, 1004 + base)).toBe(true);
  });

  it('keeps a father and his son of the same name apart', async () => {
    const family = {
      lastName: 'Соболев',
      firstName: 'Пётр',
      address: 'ул. Лесная, д. 7, кв. 3',
      phone: '+74951234567',
      city: 'г. Москва',
    };
    const res = await run([
      ...dupes,
      { ...family, middleName: 'Андреевич', birthDate: '1958-12-01' },
      { ...family, middleName: 'Петрович', birthDate: '1986-03-17' },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(false);
  });

  it('keeps a mother and her daughter of the same name apart, with or without patronymics', async () => {
    const family = {
      lastName: 'Котова',
      firstName: 'Анна',
      address: 'ул. Садовая, д. 9',
      phone: '+74957654321',
      city: 'г. Казань',
    };
    const res = await run([
      ...dupes,
      { ...family, middleName: 'Игоревна', birthDate: '1960-02-14' },
      { ...family, middleName: 'Олеговна', birthDate: '1988-07-30' },
      { ...family, firstName: 'Нина', lastName: 'Лукина', birthDate: '1961-03-15' },
      { ...family, firstName: 'Нина', lastName: 'Лукина', birthDate: '1990-08-31' },
    ]);
    expect(linked(res, 1001 + base, 1002 + base)).toBe(false);
    expect(linked(res, 1003 + base, 1004 + base)).toBe(false);
  });
});

describe('dedupeRecords: scoring', () => {
  it('counts agreement on a rare surname more than on a common one', async () => {
    const res = await run([
      ...dupes,
      { lastName: 'Иванов', firstName: 'Гавриил', birthDate: '1950-01-01', phone: '+79000000001' },
      { lastName: 'Иванов', firstName: 'Гавриил', birthDate: '1950-01-01' },
      { lastName: 'Шпаковский', firstName: 'Гавриил', birthDate: '1951-01-01', phone: '+79000000002' },
      { lastName: 'Шпаковский', firstName: 'Гавриил', birthDate: '1951-01-01' },
    ]);
    const common = pair(res, 1001 + base, 1002 + base)!.evidence!.find((e) => e.field === 'last_name')!;
    const rare = pair(res, 1003 + base, 1004 + base)!.evidence!.find((e) => e.field === 'last_name')!;
    expect(common.level).toBe('exact');
    expect(rare.level).toBe('exact');
    expect(rare.termFrequency!).toBeLessThan(common.termFrequency!);
    expect(rare.weight).toBeGreaterThan(common.weight + 1);
  });

  it('explains every pair field by field, the weights adding up to the total', async () => {
    const res = await run(dupes);
    const p = pair(res, 1001, 1002)!;
    expect(p.decision).toBe('match');
    const fields = p.evidence!.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['last_name', 'first_name', 'middle_name', 'birth_date', 'phone']),
    );
    expect(p.evidence!.find((e) => e.field === 'city')).toMatchObject({ level: 'missing', weight: 0 });
    const sum = p.evidence!.reduce((s, e) => s + e.weight, 0);
    const prior = Math.log2(res.stats.model.lambda / (1 - res.stats.model.lambda));
    expect(Math.abs(sum + prior - p.weight)).toBeLessThan(0.1);
    expect(res.explain(p)).toEqual(p.evidence);
  });

  it('reports blocking, the model and the clusters', async () => {
    const res = await run(dupes);
    expect(res.stats.records).toBe(400 + base);
    expect(res.stats.blocking.some((b) => b.rule === 'phone' && b.pairs > 0)).toBe(true);
    expect(res.clusters).toEqual(
      expect.arrayContaining([
        [1001, 1002],
        [1003, 1004],
        [1005, 1006],
        [1007, 1008],
      ]),
    );
    expect(res.clusterOf.size).toBe(400 + base);
    // Cluster ids are the smallest row of the cluster.
    expect(res.clusterOf.get(1002)).toBe(1001);
  });

  it('streams records from an async iterable', async () => {
    async function* stream() {
      for (const r of [...population(), ...dupes.map((d, i) => ({ ...d, row: 1001 + i }))]) yield r;
    }
    const res = await dedupeRecords(stream());
    expect(res.clusterOf.get(1002)).toBe(1001);
  });
});
