import { describe, expect, it } from 'vitest';
import {
  formatMapping,
  IMPORT_FIELDS,
  mappingFromJson,
  mappingToJson,
  parseMapping,
  recogniseHeader,
  resolveMapping,
  toMappingSpec,
} from '../../src/modules/imports/index.ts';

describe('header recognition', () => {
  it('knows every canonical field name', () => {
    for (const field of IMPORT_FIELDS) expect(recogniseHeader(field)).toBe(field);
  });

  it.each([
    ['ФИО', 'full_name'],
    ['Ф.И.О.', 'full_name'],
    ['ф. и. о.', 'full_name'],
    ['Фамилия', 'last_name'],
    ['Имя', 'first_name'],
    ['Отчество', 'middle_name'],
    ['Дата рождения', 'birth_date'],
    ['Дата рождения (дд.мм.гггг)', 'birth_date'],
    ['Д.р.', 'birth_date'],
    ['Пол', 'sex'],
    ['Телефон', 'phone'],
    ['Моб. телефон', 'phone'],
    ['Мобильный', 'phone'],
    ['E-mail', 'email'],
    ['Эл. почта', 'email'],
    ['Адрес электронной почты', 'email'],
    ['Адрес', 'address'],
    ['Город', 'city'],
    ['СНИЛС', 'snils'],
    ['Полис ОМС', 'oms_policy'],
    ['№ карты', 'card_no'],
    ['Номер карты', 'card_no'],
    ['Медкарта', 'card_no'],
    ['Код пациента', 'external_id'],
    ['Почтовый индекс', 'postcode'],
    ['Домашний телефон', 'phone_alt'],
    ['ДАТА РОЖДЕНИЯ', 'birth_date'],
    ['Ёмейл', undefined],
  ] as const)('reads the Russian header %j as %s', (header, field) => {
    expect(recogniseHeader(header)).toBe(field);
  });

  it.each([
    ['given_name', 'first_name'],
    ['Surname', 'last_name'],
    ['family_name', 'last_name'],
    ['Date of Birth', 'birth_date'],
    ['DOB', 'birth_date'],
    ['gender', 'sex'],
    ['Mobile', 'phone'],
    ['e_mail', 'email'],
    ['Zip Code', 'postcode'],
  ] as const)('reads the English header %j as %s', (header, field) => {
    expect(recogniseHeader(header)).toBe(field);
  });

  it('maps FEBRL headers and leaves rec_id (the ground truth) unmapped', () => {
    const names = [
      'rec_id',
      'given_name',
      'surname',
      'street_number',
      'address_1',
      'address_2',
      'suburb',
      'postcode',
      'state',
      'date_of_birth',
      'soc_sec_id',
    ];
    const resolved = resolveMapping(names);
    expect(resolved.fields).toEqual({
      first_name: [1],
      last_name: [2],
      street_number: [3],
      address: [4, 5],
      city: [6],
      postcode: [7],
      region: [8],
      birth_date: [9],
      national_id: [10],
    });
    expect(resolved.unmapped).toEqual([{ index: 0, name: 'rec_id', reason: 'unknown_header' }]);
  });

  it('does not take generic words for fields they only start like', () => {
    expect(recogniseHeader('Полис ДМС')).toBeUndefined();
    expect(recogniseHeader('Карта лояльности')).toBeUndefined();
    expect(recogniseHeader('Городской телефон')).toBe('phone_alt');
  });
});

describe('resolving a mapping against a header', () => {
  it('turns a second phone column into phone_alt and reports further duplicates as field_taken', () => {
    const resolved = resolveMapping(['ФИО', 'Телефон', 'Моб. телефон', 'Сотовый', 'Комментарий']);
    expect(resolved.fields).toEqual({ full_name: [0], phone: [1], phone_alt: [2] });
    expect(resolved.unmapped).toEqual([
      { index: 3, name: 'Сотовый', reason: 'field_taken', field: 'phone' },
      { index: 4, name: 'Комментарий', reason: 'unknown_header' },
    ]);
  });

  it('lets explicit entries win over recognition and joins several columns in file order', () => {
    const spec = parseMapping('Имя=full_name,Фамилия=full_name,Отчество=full_name,Тел=-');
    const resolved = resolveMapping(['Фамилия', 'Имя', 'Отчество', 'Тел', 'Пациент'], spec);
    expect(resolved.fields).toEqual({ full_name: [0, 1, 2] });
    expect(resolved.columns.map((c) => c.how)).toEqual([
      'explicit',
      'explicit',
      'explicit',
      'ignored',
      'unmapped',
    ]);
    expect(resolved.unmapped).toEqual([
      { index: 4, name: 'Пациент', reason: 'field_taken', field: 'full_name' },
    ]);
  });

  it('matches mapping columns case-, space- and punctuation-insensitively when not exact', () => {
    const resolved = resolveMapping(
      ['Дата  рождения', 'Ф.И.О.'],
      parseMapping('дата рождения=birth_date,ФИО=full_name'),
    );
    expect(resolved.fields).toEqual({ birth_date: [0], full_name: [1] });
  });

  it('reports every unknown column and ambiguity at once', () => {
    const spec = parseMapping('Нет такой=phone,телефон=phone');
    expect(() => resolveMapping(['Телефон', 'ТЕЛЕФОН!'], spec)).toThrow(
      expect.objectContaining({
        code: 'IMPORT_MAPPING_INVALID',
        details: [
          { field: 'Нет такой', issue: 'the file has no column "Нет такой"' },
          { field: 'телефон', issue: '"телефон" matches several columns; use the exact header' },
        ],
      }),
    );
  });

  it('with auto off, maps only what the spec names', () => {
    const resolved = resolveMapping(['ФИО', 'Телефон'], parseMapping('ФИО=full_name', false));
    expect(resolved.fields).toEqual({ full_name: [0] });
    expect(resolved.unmapped).toEqual([{ index: 1, name: 'Телефон', reason: 'unknown_header' }]);
  });
});

describe('the --map syntax and saved mappings', () => {
  it('parses quoted column names holding commas and equals signs', () => {
    expect(parseMapping('"Адрес, улица"=address, "a=b"=city ,X=-').entries).toEqual([
      { column: 'Адрес, улица', field: 'address' },
      { column: 'a=b', field: 'city' },
      { column: 'X', field: null },
    ]);
  });

  it('names each mistake', () => {
    expect(() => parseMapping('ФИО=fio,Телефон,=phone,Пол=,Дата=birth_date,Дата=sex')).toThrow(
      expect.objectContaining({
        code: 'IMPORT_MAPPING_INVALID',
        details: [
          { field: 'ФИО', issue: 'unknown field "fio" for column "ФИО"' },
          { issue: '"Телефон" is not of the form Column=field' },
          { issue: '"=phone" names no column' },
          { field: 'Пол', issue: 'no field for column "Пол" (use - to ignore it)' },
          { field: 'Дата', issue: 'column "Дата" is mapped twice' },
        ],
      }),
    );
    expect(() => parseMapping(' , ')).toThrow(expect.objectContaining({ code: 'IMPORT_MAPPING_INVALID' }));
  });

  it('round-trips through the CLI form and JSON', () => {
    const spec = parseMapping('"Адрес, улица"=address,Фамилия=full_name,Имя=full_name,Прочее=-');
    expect(parseMapping(formatMapping(spec))).toEqual(spec);
    expect(mappingFromJson(mappingToJson(spec))).toEqual(spec);
  });

  it('freezes a resolved mapping so the next file of the source maps the same way', () => {
    const resolved = resolveMapping(['ФИО', 'Дата рождения', 'Заметки']);
    const saved = mappingToJson(toMappingSpec(resolved));
    const again = resolveMapping(['ФИО', 'Дата рождения', 'Заметки', 'Телефон'], mappingFromJson(saved));
    expect(again.fields).toEqual({ full_name: [0], birth_date: [1] });
    expect(again.unmapped.map((u) => u.name)).toEqual(['Заметки', 'Телефон']);
  });

  it('rejects a saved mapping with an unknown field or a wrong shape', () => {
    expect(() => mappingFromJson('{"version":1,"entries":[{"column":"A","field":"nope"}]}')).toThrow(
      expect.objectContaining({ code: 'IMPORT_MAPPING_INVALID' }),
    );
    expect(() => mappingFromJson('[1,2]')).toThrow(
      expect.objectContaining({ code: 'IMPORT_MAPPING_INVALID' }),
    );
    expect(() => mappingFromJson('{oops')).toThrow(
      expect.objectContaining({ code: 'IMPORT_MAPPING_INVALID' }),
    );
  });
});
