import { describe, expect, it } from 'vitest';
import { sensitiveMatcher, termFromText } from '../../src/modules/content/index.ts';
import { RESULT_NOTICES, SENSITIVE_CLEAN, SENSITIVE_HITS } from './fixtures/sensitive-corpus.ts';

const m = sensitiveMatcher();
const errors = (text: string) => m.scan(text).filter((h) => h.severity === 'error');

describe('R16 sensitive-term detector', () => {
  it.each(SENSITIVE_HITS)('R16: blocks «%s»', (text) => {
    expect(errors(text).length).toBeGreaterThan(0);
  });

  it.each(SENSITIVE_CLEAN)('R16: lets «%s» through', (text) => {
    expect(m.scan(text)).toEqual([]);
  });

  it.each(RESULT_NOTICES)('R16: warns on a results notice «%s»', (text) => {
    const hits = m.scan(text);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.severity === 'warning')).toBe(true);
  });

  it('R16: a text scanned again gives the same hits, whatever the caller did with the first answer', () => {
    const fresh = sensitiveMatcher();
    const text = 'Приём у онколога и результаты анализа положительные';
    const first = fresh.scan(text);
    expect(first.length).toBeGreaterThan(1);
    const copy = first.map((h) => ({ ...h }));
    first.length = 0;
    expect(fresh.scan(text)).toEqual(copy);
    // Many other texts in between: still the same answer.
    for (let i = 0; i < 2_000; i++) fresh.scan(`Запись на ${i} число`);
    expect(fresh.scan(text)).toEqual(copy);
    expect(fresh.scan('Запись на приём подтверждена')).toEqual([]);
  });

  it('R16: corpus sizes', () => {
    expect(SENSITIVE_HITS.length + SENSITIVE_CLEAN.length).toBeGreaterThanOrEqual(70);
  });

  it('R16: reports the words as written', () => {
    expect(m.scan('Приём у Онколога').map((h) => h.match)).toEqual(['Онколога']);
    expect(m.scan('Лучевая  терапия').map((h) => h.match)).toEqual(['Лучевая  терапия']);
  });

  it('R16: a caller’s terms match by stem, every form', () => {
    const tenant = sensitiveMatcher(['Флебология', 'Пластическая хирургия', 'ПЭТ']);
    // the stem «флеболог» also catches the specialist, which names the same thing
    expect(tenant.scan('Приём флеболога 12.03').length).toBe(1);
    expect(tenant.scan('Отделение флебологии ждёт вас').length).toBe(1);
    expect(tenant.scan('Консультация по пластической хирургии').length).toBe(1);
    expect(tenant.scan('ПЭТ-КТ: запись подтверждена').length).toBe(1);
    expect(tenant.scan('Пэт и Мэт').length).toBe(0);
    expect(termFromText('Маммография')).toEqual({ pattern: 'маммограф*' });
  });
});
