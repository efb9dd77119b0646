import { describe, expect, it } from 'vitest';
import { smsEncoding, smsInfo } from '../../src/modules/content/index.ts';

describe('SMS segmentation (R22 channel limits)', () => {
  it('plain Latin text is GSM-7', () => {
    expect(smsEncoding('Hello, your visit is at 10:30.')).toBe('gsm7');
  });

  it('any Cyrillic letter forces UCS-2', () => {
    expect(smsEncoding('Visit at 10:30, ждём')).toBe('ucs2');
    expect(smsInfo('Я').encoding).toBe('ucs2');
  });

  it('GSM-7: 160 characters are one part, 161 are two', () => {
    expect(smsInfo('a'.repeat(160))).toMatchObject({ encoding: 'gsm7', units: 160, parts: 1, remaining: 0 });
    expect(smsInfo('a'.repeat(161))).toMatchObject({ units: 161, parts: 2, perPart: 153 });
  });

  it('GSM-7: 306 characters are two parts of 153, 307 are three', () => {
    expect(smsInfo('a'.repeat(306)).parts).toBe(2);
    expect(smsInfo('a'.repeat(307)).parts).toBe(3);
    expect(smsInfo('a'.repeat(459)).parts).toBe(3);
    expect(smsInfo('a'.repeat(460)).parts).toBe(4);
  });

  it('GSM-7: extension characters count double', () => {
    const info = smsInfo(`${'a'.repeat(158)}€`);
    expect(info).toMatchObject({ encoding: 'gsm7', characters: 159, units: 160, parts: 1 });
    expect(smsInfo(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, parts: 2 });
    expect(smsInfo('{}[]~|^\\').units).toBe(16);
  });

  it('GSM-7: an escape pair is never split across parts', () => {
    // 152 plain + € (2) = 154 > 153: the € moves to part two whole.
    const info = smsInfo(`${'a'.repeat(152)}€${'a'.repeat(10)}`);
    expect(info.units).toBe(164);
    expect(info.parts).toBe(2);
    expect(info.remaining).toBe(153 - 12);
  });

  it('GSM-7 accented letters of the basic table stay GSM-7; others force UCS-2', () => {
    expect(smsEncoding('éèùìòÄÖÑÜäöñüà')).toBe('gsm7');
    expect(smsEncoding('ç')).toBe('ucs2'); // only capital Ç is in the table
    expect(smsEncoding('«кавычки»')).toBe('ucs2');
  });

  it('UCS-2: 70 characters are one part, 71 are two', () => {
    expect(smsInfo('я'.repeat(70))).toMatchObject({ encoding: 'ucs2', units: 70, parts: 1, remaining: 0 });
    expect(smsInfo('я'.repeat(71))).toMatchObject({ parts: 2, perPart: 67 });
  });

  it('UCS-2: 134 characters are two parts of 67, 135 are three', () => {
    expect(smsInfo('я'.repeat(134)).parts).toBe(2);
    expect(smsInfo('я'.repeat(135)).parts).toBe(3);
    expect(smsInfo('я'.repeat(201)).parts).toBe(3);
    expect(smsInfo('я'.repeat(202)).parts).toBe(4);
  });

  it('UCS-2: an emoji takes two units and is never split', () => {
    expect(smsInfo('😀')).toMatchObject({ characters: 1, units: 2, parts: 1 });
    expect(smsInfo(`${'я'.repeat(69)}😀`)).toMatchObject({ units: 71, parts: 2 });
    // 66 + 2 = 68 > 67: the emoji starts part two.
    const info = smsInfo(`${'я'.repeat(66)}😀${'я'.repeat(10)}`);
    expect(info.parts).toBe(2);
    expect(info.remaining).toBe(67 - 12);
  });

  it('an empty text has no parts', () => {
    expect(smsInfo('')).toMatchObject({ units: 0, parts: 0 });
  });
});
