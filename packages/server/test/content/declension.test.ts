import { describe, expect, it } from 'vitest';
import {
  declineFirstName,
  declinePatronymic,
  declineSurname,
  fullName,
  type GrammaticalCase,
  nameWithPatronymic,
  salutation,
  sexFromPatronymic,
} from '../../src/modules/content/index.ts';

const CASES: readonly GrammaticalCase[] = [
  'genitive',
  'dative',
  'accusative',
  'instrumental',
  'prepositional',
];
type Row = readonly [string, 'male' | 'female' | undefined, string, string, string, string, string];

const FIRST_NAMES: readonly Row[] = [
  ['Анна', 'female', 'Анны', 'Анне', 'Анну', 'Анной', 'Анне'],
  ['Ольга', 'female', 'Ольги', 'Ольге', 'Ольгу', 'Ольгой', 'Ольге'],
  ['Наташа', 'female', 'Наташи', 'Наташе', 'Наташу', 'Наташей', 'Наташе'],
  ['Татьяна', 'female', 'Татьяны', 'Татьяне', 'Татьяну', 'Татьяной', 'Татьяне'],
  ['Мария', 'female', 'Марии', 'Марии', 'Марию', 'Марией', 'Марии'],
  ['Наталья', 'female', 'Натальи', 'Наталье', 'Наталью', 'Натальей', 'Наталье'],
  ['Зоя', 'female', 'Зои', 'Зое', 'Зою', 'Зоей', 'Зое'],
  ['Любовь', 'female', 'Любови', 'Любови', 'Любовь', 'Любовью', 'Любови'],
  ['Любовь', undefined, 'Любови', 'Любови', 'Любовь', 'Любовью', 'Любови'],
  ['Нелли', 'female', 'Нелли', 'Нелли', 'Нелли', 'Нелли', 'Нелли'],
  ['Кармен', 'female', 'Кармен', 'Кармен', 'Кармен', 'Кармен', 'Кармен'],
  ['Иван', 'male', 'Ивана', 'Ивану', 'Ивана', 'Иваном', 'Иване'],
  ['Игорь', 'male', 'Игоря', 'Игорю', 'Игоря', 'Игорем', 'Игоре'],
  ['Сергей', 'male', 'Сергея', 'Сергею', 'Сергея', 'Сергеем', 'Сергее'],
  ['Николай', 'male', 'Николая', 'Николаю', 'Николая', 'Николаем', 'Николае'],
  ['Дмитрий', 'male', 'Дмитрия', 'Дмитрию', 'Дмитрия', 'Дмитрием', 'Дмитрии'],
  ['Павел', 'male', 'Павла', 'Павлу', 'Павла', 'Павлом', 'Павле'],
  ['Пётр', 'male', 'Петра', 'Петру', 'Петра', 'Петром', 'Петре'],
  ['Лев', 'male', 'Льва', 'Льву', 'Льва', 'Львом', 'Льве'],
  // -а/-я names of men decline like women's
  ['Никита', 'male', 'Никиты', 'Никите', 'Никиту', 'Никитой', 'Никите'],
  ['Илья', 'male', 'Ильи', 'Илье', 'Илью', 'Ильёй', 'Илье'],
  ['Кузьма', 'male', 'Кузьмы', 'Кузьме', 'Кузьму', 'Кузьмой', 'Кузьме'],
  ['Саша', undefined, 'Саши', 'Саше', 'Сашу', 'Сашей', 'Саше'],
  ['Отто', 'male', 'Отто', 'Отто', 'Отто', 'Отто', 'Отто'],
  ['Анна-Мария', 'female', 'Анны-Марии', 'Анне-Марии', 'Анну-Марию', 'Анной-Марией', 'Анне-Марии'],
];

const PATRONYMICS: readonly (readonly [string, string, string, string, string, string])[] = [
  ['Петровна', 'Петровны', 'Петровне', 'Петровну', 'Петровной', 'Петровне'],
  ['Ильинична', 'Ильиничны', 'Ильиничне', 'Ильиничну', 'Ильиничной', 'Ильиничне'],
  ['Петрович', 'Петровича', 'Петровичу', 'Петровича', 'Петровичем', 'Петровиче'],
  ['Сергеевич', 'Сергеевича', 'Сергеевичу', 'Сергеевича', 'Сергеевичем', 'Сергеевиче'],
  ['Ильич', 'Ильича', 'Ильичу', 'Ильича', 'Ильичом', 'Ильиче'],
  ['Мамед оглы', 'Мамед оглы', 'Мамед оглы', 'Мамед оглы', 'Мамед оглы', 'Мамед оглы'],
];

const SURNAMES: readonly Row[] = [
  ['Иванов', 'male', 'Иванова', 'Иванову', 'Иванова', 'Ивановым', 'Иванове'],
  ['Иванова', 'female', 'Ивановой', 'Ивановой', 'Иванову', 'Ивановой', 'Ивановой'],
  ['Пушкин', 'male', 'Пушкина', 'Пушкину', 'Пушкина', 'Пушкиным', 'Пушкине'],
  ['Соловьёв', 'male', 'Соловьёва', 'Соловьёву', 'Соловьёва', 'Соловьёвым', 'Соловьёве'],
  ['Чайковский', 'male', 'Чайковского', 'Чайковскому', 'Чайковского', 'Чайковским', 'Чайковском'],
  ['Чайковская', 'female', 'Чайковской', 'Чайковской', 'Чайковскую', 'Чайковской', 'Чайковской'],
  ['Толстой', 'male', 'Толстого', 'Толстому', 'Толстого', 'Толстым', 'Толстом'],
  ['Толстая', 'female', 'Толстой', 'Толстой', 'Толстую', 'Толстой', 'Толстой'],
  ['Белый', 'male', 'Белого', 'Белому', 'Белого', 'Белым', 'Белом'],
  ['Шевченко', 'male', 'Шевченко', 'Шевченко', 'Шевченко', 'Шевченко', 'Шевченко'],
  ['Шевченко', 'female', 'Шевченко', 'Шевченко', 'Шевченко', 'Шевченко', 'Шевченко'],
  ['Черных', 'male', 'Черных', 'Черных', 'Черных', 'Черных', 'Черных'],
  ['Долгих', 'female', 'Долгих', 'Долгих', 'Долгих', 'Долгих', 'Долгих'],
  ['Шмидт', 'male', 'Шмидта', 'Шмидту', 'Шмидта', 'Шмидтом', 'Шмидте'],
  ['Шмидт', 'female', 'Шмидт', 'Шмидт', 'Шмидт', 'Шмидт', 'Шмидт'],
  ['Бабич', 'male', 'Бабича', 'Бабичу', 'Бабича', 'Бабичем', 'Бабиче'],
  ['Гоголь', 'male', 'Гоголя', 'Гоголю', 'Гоголя', 'Гоголем', 'Гоголе'],
  ['Глинка', 'male', 'Глинки', 'Глинке', 'Глинку', 'Глинкой', 'Глинке'],
  ['Данелия', 'male', 'Данелии', 'Данелии', 'Данелию', 'Данелией', 'Данелии'],
  ['Руставели', 'male', 'Руставели', 'Руставели', 'Руставели', 'Руставели', 'Руставели'],
  ['Дюбуа', 'female', 'Дюбуа', 'Дюбуа', 'Дюбуа', 'Дюбуа', 'Дюбуа'],
  [
    'Римский-Корсаков',
    'male',
    'Римского-Корсакова',
    'Римскому-Корсакову',
    'Римского-Корсакова',
    'Римским-Корсаковым',
    'Римском-Корсакове',
  ],
];

describe('Russian declension', () => {
  it.each(FIRST_NAMES)('first name %s (%s)', (name, sex, ...forms) => {
    expect(CASES.map((c) => declineFirstName(name, sex, c))).toEqual(forms);
    expect(declineFirstName(name, sex, 'nominative')).toBe(name);
  });

  it.each(PATRONYMICS)('patronymic %s', (p, ...forms) => {
    expect(CASES.map((c) => declinePatronymic(p, c))).toEqual(forms);
  });

  it.each(SURNAMES)('surname %s (%s)', (name, sex, ...forms) => {
    expect(CASES.map((c) => declineSurname(name, sex, c))).toEqual(forms);
  });

  it('keeps capitals as written', () => {
    expect(declineSurname('ИВАНОВ', 'male', 'dative')).toBe('ИВАНОВУ');
  });

  it('the sex comes from the patronymic when it is not recorded', () => {
    expect(sexFromPatronymic('Петровна')).toBe('female');
    expect(sexFromPatronymic('Ильич')).toBe('male');
    expect(sexFromPatronymic('Мамед кызы')).toBe('female');
    expect(sexFromPatronymic(undefined)).toBeUndefined();
    expect(fullName({ firstName: 'Анна', patronymic: 'Петровна', lastName: 'Иванова' }, 'dative')).toBe(
      'Ивановой Анне Петровне',
    );
  });

  it('name and patronymic in the cases a sentence needs', () => {
    const anna = { firstName: 'Анна', patronymic: 'Петровна', sex: 'female' } as const;
    expect(nameWithPatronymic(anna, 'dative')).toBe('Анне Петровне');
    expect(nameWithPatronymic(anna, 'genitive')).toBe('Анны Петровны');
    expect(nameWithPatronymic(anna, 'instrumental')).toBe('Анной Петровной');
    const ilya = { firstName: 'Илья', patronymic: 'Ильич' };
    expect(nameWithPatronymic(ilya, 'dative')).toBe('Илье Ильичу');
    expect(nameWithPatronymic(ilya, 'instrumental')).toBe('Ильёй Ильичом');
    expect(nameWithPatronymic({ firstName: 'Игорь' }, 'dative')).toBe('Игорю');
  });
});

describe('forms of address', () => {
  it('Уважаемый/Уважаемая by sex, with the patronymic when known', () => {
    expect(salutation({ firstName: 'Анна', patronymic: 'Петровна', sex: 'female' }, 'ru')).toBe(
      'Уважаемая Анна Петровна',
    );
    expect(salutation({ firstName: 'Иван', patronymic: 'Сергеевич', sex: 'male' }, 'ru')).toBe(
      'Уважаемый Иван Сергеевич',
    );
    expect(salutation({ firstName: 'Никита', sex: 'male' }, 'ru')).toBe('Уважаемый Никита');
  });

  it('the patronymic tells the sex when it is not recorded', () => {
    expect(salutation({ firstName: 'Анна', patronymic: 'Петровна' }, 'ru')).toBe('Уважаемая Анна Петровна');
    expect(salutation({ firstName: 'Илья', patronymic: 'Ильич' }, 'ru')).toBe('Уважаемый Илья Ильич');
  });

  it('without a sex it greets instead of guessing', () => {
    expect(salutation({ firstName: 'Саша' }, 'ru')).toBe('Здравствуйте, Саша');
    expect(salutation({ firstName: 'Женя', lastName: 'Ким' }, 'ru')).toBe('Здравствуйте, Женя');
  });

  it('neutral form when nothing is known', () => {
    expect(salutation({}, 'ru')).toBe('Уважаемый пациент');
    expect(salutation({ lastName: 'Иванова', sex: 'female' }, 'ru')).toBe('Уважаемый пациент');
    expect(salutation({ firstName: '  ' }, 'ru')).toBe('Уважаемый пациент');
  });

  it('informal: Дорогой/Дорогая with the first name only', () => {
    expect(salutation({ firstName: 'Иван', patronymic: 'Петрович' }, 'ru', 'informal')).toBe('Дорогой Иван');
    expect(salutation({ firstName: 'Анна', sex: 'female' }, 'ru', 'informal')).toBe('Дорогая Анна');
    expect(salutation({ firstName: 'Саша' }, 'ru', 'informal')).toBe('Здравствуйте, Саша');
  });

  it('English: Dear Ms/Mr Surname, else the first name, else patient', () => {
    expect(salutation({ firstName: 'Anna', lastName: 'Ivanova', sex: 'female' }, 'en')).toBe(
      'Dear Ms Ivanova',
    );
    expect(salutation({ firstName: 'John', lastName: 'Smith', sex: 'male' }, 'en')).toBe('Dear Mr Smith');
    expect(salutation({ firstName: 'Anna', lastName: 'Ivanova' }, 'en')).toBe('Dear Anna');
    expect(salutation({ firstName: 'Anna', lastName: 'Ivanova', sex: 'female' }, 'en', 'informal')).toBe(
      'Dear Anna',
    );
    expect(salutation({}, 'en')).toBe('Dear patient');
  });
});
