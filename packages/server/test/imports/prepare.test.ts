import { describe, expect, it } from 'vitest';
import { keyObject, newKey, TenantKeys } from '../../src/modules/crypto/index.ts';
import { DEFAULT_RULES } from '../../src/modules/imports/pipeline/person.ts';
import { personOf, prepareRows, sourceKey } from '../../src/modules/imports/pipeline/prepare.ts';
import type { ImportRow } from '../../src/modules/imports/rows.ts';

const TENANT = '0190a0b0-0000-7000-8000-000000000001';
const SOURCE = '0190a0b0-0000-7000-8000-000000000002';

const row = (rowNo: number, fields: ImportRow['fields']): ImportRow => ({
  rowNo,
  line: rowNo + 1,
  fields,
  raw: Object.fromEntries(Object.entries(fields)),
  problems: [],
});

describe('preparing import rows', () => {
  it("a row's provenance key is the keyed hash of JSON [identity, contact, profile], as in earlier versions", () => {
    // Re-importing a file imported by an earlier version must find every row seen: the
    // record key is pinned to this text, however the worker builds it.
    const material = {
      data: [[1, keyObject(newKey())]] as [number, ReturnType<typeof keyObject>][],
      index: keyObject(newKey()),
      bits: 13,
    };
    const keys = TenantKeys.fromMaterial(TENANT, material);
    const now = new Date('2026-12-04T12:00:00Z');
    const chunk = prepareRows(
      {
        tenantId: TENANT,
        sourceId: SOURCE,
        batchId: SOURCE,
        rules: { ...DEFAULT_RULES, today: now },
        keys: material,
        now,
      },
      [
        row(1, {
          full_name: 'Семёнова Анна Петровна',
          birth_date: '05.03.1984',
          phone: '8 (916) 123-45-67',
          city: 'Тверь',
        }),
        row(2, { last_name: 'Иванов', first_name: 'Иван', email: 'ivan@mail.ru', snils: '112-233-445 95' }),
      ],
    );
    expect(chunk.rows.map((r) => r.verdict)).toEqual(['ok', 'ok']);
    for (const r of chunk.rows) {
      const p = personOf(r);
      expect(p.identity.lastName).toMatch(/^(Семёнова|Иванов)$/);
      const expected = sourceKey(
        keys,
        'import-row',
        SOURCE,
        JSON.stringify([p.identity, p.contact, p.profile]),
      );
      expect(r.record).toBe(expected.toString('hex'));
    }
  });
});
