import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fullNamesOf,
  inferSex,
  nameKey,
  nameOfFields,
  normaliseNamePart,
  parseFullName,
  patronymicMatchesName,
  sexFromPatronymic,
  type Take,
  titleCase,
} from '../../src/modules/normalise/index.ts';
import { foldCase, foldCaseFully } from '../../src/modules/normalise/text.ts';

const parsed = (s: string) => {
  const r = parseFullName(s);
  if (!r.ok) throw new Error(`not parsed: ${s} (${r.reason})`);
  return r.value;
};

describe('parseFullName', () => {
  it('splits Фамилия Имя Отчество and fixes case', () => {
    expect(parsed('иванов-петров иван иванович')).toMatchObject({
      lastName: 'Иванов-Петров',
      firstName: 'Иван',
      middleName: 'Иванович',
      order: 'last-first-middle',
    });
  });
  it('moves the surname to the end when the patronymic is second', () => {
    expect(parsed('МАРИЯ ИВАНОВНА СМИРНОВА')).toMatchObject({
      lastName: 'Смирнова',
      firstName: 'Мария',
      middleName: 'Ивановна',
    });
  });
  it('reads initials in all the usual spacings', () => {
    for (const s of ['Иванов И.О.', 'Иванов И. О.', 'И.О. Иванов', 'Иванов ИО']) {
      expect(parsed(s)).toMatchObject({ lastName: 'Иванов', firstName: 'И.', middleName: 'О.' });
    }
  });
  it('orders two words by the first-name table', () => {
    expect(parsed('Иванов Иван')).toMatchObject({ lastName: 'Иванов', firstName: 'Иван' });
    expect(parsed('Иван Иванов')).toMatchObject({ lastName: 'Иванов', firstName: 'Иван' });
    expect(parsed('Ольга Петрова')).toMatchObject({ lastName: 'Петрова', firstName: 'Ольга' });
  });
  it('handles Latin and Turkic patronymics', () => {
    expect(parsed('Ivanov Ivan Ivanovich')).toMatchObject({ lastName: 'Ivanov', middleName: 'Ivanovich' });
    expect(parsed('Мамедов Али Гусейн оглы')).toMatchObject({ firstName: 'Али', middleName: 'Гусейн оглы' });
  });
  it('rejects digits and symbols and reports empty input', () => {
    expect(parseFullName('Иванов 123')).toMatchObject({
      ok: false,
      reason: 'name_invalid',
      severity: 'reject',
    });
    expect(parseFullName('  ')).toMatchObject({ ok: false, reason: 'missing' });
  });
  it('keeps the written value: ё stays in storage, folds only in the key', () => {
    expect(parsed('Артём Фёдоров').firstName).toBe('Артём');
    expect(nameKey('Фёдоров')).toBe(nameKey('федоров'));
    expect(nameKey("Д'Артаньян-Ёлкин")).toBe('дартаньянелкин');
  });
});

describe('case folding', () => {
  it('the plain-letter shortcut folds exactly as the full Unicode path', () => {
    const alphabet = [
      ..."АаЁёЙйЯяZzIi -'",
      'е\u0308',
      'и\u0306',
      'É',
      'é',
      'ß',
      'İ',
      '\u2000',
      'ǅ',
      '\u0301',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }), (parts) => {
        const s = parts.join('');
        expect(foldCase(s)).toBe(foldCaseFully(s));
      }),
      { numRuns: 3000 },
    );
    expect(foldCase('Семёнова-Йорк')).toBe('семенова-йорк');
  });

  it('Russian has no case rules of its own: the root mapping equals the ru locale for every character', () => {
    const differ: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const s = String.fromCharCode(c);
      if (s.toUpperCase() !== s.toLocaleUpperCase('ru') || s.toLowerCase() !== s.toLocaleLowerCase('ru'))
        differ.push(c);
    }
    expect(differ).toEqual([]);
  });
});

describe('name parts', () => {
  it('title-cases hyphenated names and keeps particles', () => {
    expect(titleCase('анна-мария')).toBe('Анна-Мария');
    expect(titleCase('МАМЕДОВ ОГЛЫ')).toBe('Мамедов оглы');
    expect(normaliseNamePart('  сергей ', 'first_name')).toEqual({ ok: true, value: 'Сергей' });
    expect(normaliseNamePart('и', 'middle_name')).toEqual({ ok: true, value: 'И.' });
  });
});

describe('sex from names', () => {
  it('reads the patronymic first, strongly', () => {
    expect(sexFromPatronymic('Ильинична')).toBe('female');
    expect(sexFromPatronymic('Кузьмич')).toBe('male');
    expect(sexFromPatronymic('Sergeevna')).toBe('female');
    expect(inferSex({ firstName: 'Саша', middleName: 'Петровна' })).toEqual({
      sex: 'female',
      confidence: 'strong',
      from: 'patronymic',
    });
  });
  it('falls back weakly to an unambiguous first name, then the surname ending', () => {
    expect(inferSex({ firstName: 'Маша' })).toMatchObject({
      sex: 'female',
      confidence: 'weak',
      from: 'first_name',
    });
    // Саша and Женя are both sexes: the surname decides.
    expect(inferSex({ firstName: 'Женя', lastName: 'Петрова' })).toMatchObject({
      sex: 'female',
      from: 'surname',
    });
    expect(inferSex({ lastName: 'Достоевский' })).toMatchObject({ sex: 'male' });
    expect(inferSex({ firstName: 'Саша' })).toBeUndefined();
  });
});

describe('diminutives', () => {
  it('resolves everyday and Latin forms to full names', () => {
    const names = (s: string) => fullNamesOf(s).map((f) => f.name);
    expect(names('Саша')).toEqual(['Александр', 'Александра']);
    expect(names('Шура')).toContain('Александр');
    expect(names('Лёша')).toEqual(['Алексей']);
    expect(names('Леша')).toEqual(['Алексей']);
    expect(names('Sasha')).toContain('Александр');
    expect(names('Katya')).toEqual(['Екатерина']);
    expect(names('Julia')).toEqual(['Юлия']);
    expect(names('Серёжа')).toEqual(['Сергей']);
    expect(names('Zhenya')).toEqual(['Евгений', 'Евгения']);
    expect(names('Абырвалг')).toEqual([]);
  });
  it('tells a patronymic formed from a first name', () => {
    expect(patronymicMatchesName('Иванович', 'Иван')).toBe(true);
    expect(patronymicMatchesName('Ильинична', 'Илья')).toBe(true);
    expect(patronymicMatchesName('Павлович', 'Павел')).toBe(true);
    expect(patronymicMatchesName('Сергеевич', 'Sergey')).toBe(true);
    expect(patronymicMatchesName('Петрович', 'Иван')).toBe(false);
  });
});

describe('nameOfFields', () => {
  const value: Take = (r) => (r.ok ? r.value : undefined);
  const guess: Take = (r) => (r.ok ? r.value : r.guess);

  it('prefers the separate columns and fixes their case', () => {
    expect(
      nameOfFields(
        { last_name: 'ИВАНОВА', first_name: 'мария', middle_name: 'ПЕТРОВНА', full_name: 'Сидоров Пётр' },
        { part: value, whole: value },
      ),
    ).toEqual({ lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна' });
  });

  it('leaves a bad column out through `part`, and splits the ФИО only when no column is given', () => {
    const seen: string[] = [];
    const part: Take = (r) => {
      if (!r.ok) seen.push(r.field);
      return r.ok ? r.value : undefined;
    };
    expect(nameOfFields({ last_name: 'Ив4нов', first_name: 'Иван' }, { part, whole: value })).toEqual({
      lastName: undefined,
      firstName: 'Иван',
      middleName: undefined,
    });
    expect(seen).toEqual(['last_name']);
    expect(nameOfFields({ full_name: 'петров пётр ильич' }, { part, whole: guess })).toEqual({
      lastName: 'Петров',
      firstName: 'Пётр',
      middleName: 'Ильич',
    });
    expect(nameOfFields({}, { part, whole: guess })).toEqual({
      lastName: undefined,
      firstName: undefined,
      middleName: undefined,
    });
  });
});
