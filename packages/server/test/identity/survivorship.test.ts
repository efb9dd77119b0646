import { describe, expect, it } from 'vitest';
import { chooseGolden } from '../../src/modules/identity/index.ts';
import { normaliseSnils } from '../../src/modules/normalise/index.ts';

describe('chooseGolden', () => {
  const cluster = [
    {
      row: 1,
      updatedAt: '2020-01-01',
      values: {
        lastName: 'Рябова',
        firstName: 'Светлана',
        phone: '+79001112233',
        snils: '11223344595',
        email: '',
      },
    },
    {
      row: 2,
      updatedAt: '2024-06-01',
      values: {
        lastName: 'Медведева',
        firstName: 'Света',
        phone: '+79004445566',
        snils: '11223344596',
        email: 'sv@mail.ru',
      },
    },
    {
      row: 3,
      updatedAt: '2022-03-01',
      values: {
        lastName: 'Рябова',
        firstName: 'светлана',
        phone: '',
        snils: '11223344595',
        email: 'old@mail.ru',
      },
    },
  ];

  it('takes contacts and the surname from the newest source, names by vote', () => {
    const g = chooseGolden(cluster);
    expect(g.phone).toEqual({ value: '+79004445566', row: 2, rule: 'most_recent' });
    expect(g.email?.value).toBe('sv@mail.ru');
    expect(g.lastName?.value).toBe('Медведева');
    // Two sources spell it alike (case folded): the vote beats the newest «Света».
    expect(g.firstName?.value.toLowerCase()).toBe('светлана');
  });

  it('skips invalid values and lets a verified СНИЛС win', () => {
    const valid = (field: string, v: string) => field !== 'snils' || normaliseSnils(v).ok;
    expect(chooseGolden(cluster, undefined, valid).snils?.value).toBe('11223344595');
    const verified = cluster.map((r) => (r.row === 2 ? { ...r, snilsVerified: true } : r));
    expect(chooseGolden(verified).snils).toMatchObject({ value: '11223344596', row: 2 });
  });

  it('leaves out fields no record fills', () => {
    expect(chooseGolden([{ row: 1, values: { email: ' ' } }]).email).toBeUndefined();
  });
});
