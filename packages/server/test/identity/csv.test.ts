import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { clusterCsvLines, dedupeRecords, writeDedupeCsv } from '../../src/modules/identity/index.ts';
import { population } from './fixtures/population.ts';

const records = () => [
  ...population(30, 1),
  {
    row: 31,
    lastName: 'Белоусов',
    firstName: 'Глеб',
    middleName: 'Игоревич',
    birthDate: '1977-04-12',
    phone: '+79031112233',
  },
  {
    row: 32,
    lastName: 'Belousov',
    firstName: 'Gleb',
    middleName: 'Igorevich',
    birthDate: '1977-04-12',
    phone: '+79031112233',
  },
  {
    row: 33,
    lastName: 'Белоусов',
    firstName: 'Глеб',
    middleName: 'И.',
    birthDate: '1977-04-12',
    phone: '+79031112233',
  },
];

describe('row,cluster CSV', () => {
  it('lists every row once, in order, with the smallest row of its cluster', async () => {
    const res = await dedupeRecords(records());
    const text = [...clusterCsvLines(res)].join('');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('row,cluster');
    expect(lines).toHaveLength(34);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(
      Array.from({ length: 33 }, (_, i) => i + 1),
    );
    expect(lines.slice(-3)).toEqual(['31,31', '32,31', '33,31']);
    expect(lines[1]).toBe('1,1');
  });

  it('writes the clusters file and the pair evidence beside it', async () => {
    const res = await dedupeRecords(records());
    const dir = await mkdtemp(join(tmpdir(), 'careloop-dedupe-'));
    await writeDedupeCsv(res, join(dir, 'clusters.csv'), join(dir, 'pairs.csv'));
    const clusters = parse(await readFile(join(dir, 'clusters.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(clusters).toHaveLength(33);
    const pairs = parse(await readFile(join(dir, 'pairs.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    const p = pairs.find((r) => r.row_a === '31' && r.row_b === '32')!;
    expect(p).toMatchObject({ cluster_a: '31', cluster_b: '31', decision: 'match', held_back: 'no' });
    expect(Number(p.probability)).toBeGreaterThan(0.9);
    expect(p.evidence).toMatch(/last_name=exact:[\d.]+/);
    expect(p.evidence).toMatch(/phone=exact:[\d.]+/);
  });
});
