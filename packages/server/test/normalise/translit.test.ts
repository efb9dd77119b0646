import { describe, expect, it } from 'vitest';
import { toCyrillic, toLatin, translitKey } from '../../src/modules/normalise/index.ts';

describe('translitKey', () => {
  const same = (...xs: string[]) => expect(new Set(xs.map(translitKey)).size).toBe(1);
  it('makes Latin and Cyrillic spellings of one name agree', () => {
    same('Иванов', 'Ivanov', 'IVANOV');
    same('Юлия', 'Yuliya', 'Julia', 'Iuliia', 'Yulia');
    same('Щукин', 'Shchukin', 'Schukin');
    same('Дмитрий', 'Dmitriy', 'Dmitry', 'Dmitrii', 'Dmitrij');
    same('Хабаров', 'Khabarov', 'Habarov');
    same('Цветков', 'Tsvetkov', 'Tzvetkov');
    same('Яковлев', 'Yakovlev', 'Iakovlev', 'Jakovlev');
    same('Жуков', 'Zhukov');
    same('Фёдор', 'Федор', 'Fedor', 'Fyodor');
    same('Ксения', 'Kseniya', 'Xenia');
    same('Наталья', 'Natalya', 'Natalia', 'Наталия');
  });
  it('keeps different names apart', () => {
    expect(translitKey('Иванов')).not.toBe(translitKey('Ивашов'));
    expect(translitKey('Жуков')).not.toBe(translitKey('Зуков'));
  });
});

describe('passport transliteration', () => {
  it('follows the ICAO scheme of Russian passports', () => {
    expect(toLatin('Щукин Юлия Ёлкина')).toBe('Shchukin Iuliia Elkina');
    expect(toLatin('Подъячев')).toBe('Podieiachev');
  });
  it('reads Latin back to Cyrillic for display', () => {
    expect(toCyrillic('Iuliia')).toBe('Юлия');
    expect(toCyrillic('Shchukin')).toBe('Щукин');
    expect(toCyrillic('Dmitriy')).toBe('Дмитрий');
    expect(toCyrillic('Zhukov')).toBe('Жуков');
    expect(toCyrillic('Natalia')).toBe('Наталия');
  });
});
