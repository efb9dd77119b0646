import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/careloop.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../identity/fixtures/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI with no database configured: file mode must not need one. */
function careloop(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const cwd = mkdtempSync(join(tmpdir(), 'careloop-dedupe-'));
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: cwd, CARELOOP_DATA_DIR: join(cwd, 'no-data') },
      cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const out = () => join(mkdtempSync(join(tmpdir(), 'careloop-clusters-')), 'clusters.csv');

/** row → cluster, from the written file. */
const clustersOf = (path: string): Map<number, number> => {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  expect(header).toBe('row,cluster');
  return new Map(lines.map((l) => l.split(',').map(Number) as [number, number]));
};

// In clinic-dupes.csv (24 data rows): 1≈4 (case, ISO date, phone format), 2≈8, 9≈10 (ё/е),
// 14≈21, 3≈17; 6 and 7 are twins (same surname, birthday and phone, different first
// names); 12 and 13 a father and son sharing surname, first name and almost a phone.
const DUPLICATES: readonly (readonly [number, number])[] = [
  [1, 4],
  [2, 8],
  [9, 10],
  [14, 21],
  [3, 17],
];

describe('careloop dedupe (stateless file mode)', { timeout: 60_000 }, () => {
  it('--help explains itself', async () => {
    const r = await careloop(['dedupe', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: careloop dedupe/);
    expect(r.stdout).toContain('--explain');
  });

  it('writes row,cluster for every row: known duplicates together, twins and father/son apart, no database', async () => {
    const path = out();
    const r = await careloop(['dedupe', join(FIXTURES, 'clinic-dupes.csv'), '--out', path]);
    expect(r.stderr).not.toMatch(/careloop:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('24 rows');
    const c = clustersOf(path);
    expect([...c.keys()]).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const [a, b] of DUPLICATES) expect(c.get(b), `rows ${a} and ${b}`).toBe(c.get(a));
    expect(c.get(7)).not.toBe(c.get(6));
    expect(c.get(13)).not.toBe(c.get(12));
    // Exactly the planted duplicates: 24 rows make 19 people.
    expect(new Set(c.values()).size).toBe(19);
  });

  it('reads a Windows-1251 file the same way, detected or named with --encoding', async () => {
    const auto = out();
    const named = out();
    const file = join(FIXTURES, 'clinic-dupes-cp1251.csv');
    const r1 = await careloop(['dedupe', file, '--out', auto]);
    const r2 = await careloop(['dedupe', file, '--encoding', 'cp1251', '--out', named]);
    expect(r1.code).toBe(0);
    expect(r1.stdout).toContain('(csv, cp1251)');
    expect(r2.code).toBe(0);
    const c = clustersOf(auto);
    for (const [a, b] of DUPLICATES) expect(c.get(b)).toBe(c.get(a));
    expect(c.get(7)).not.toBe(c.get(6));
    expect(readFileSync(named, 'utf8')).toBe(readFileSync(auto, 'utf8'));
  });

  it('--explain writes per-field evidence beside the clusters; --map names columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'careloop-map-'));
    const input = join(dir, 'export.csv');
    // Headers nobody recognises, and a blank line after the third row that still counts as a row.
    const [, ...lines] = readFileSync(join(FIXTURES, 'clinic-dupes.csv'), 'utf8').trim().split('\n');
    writeFileSync(input, ['A;B;C;D;E;F', ...lines.slice(0, 3), '', ...lines.slice(3)].join('\n'));
    const path = join(dir, 'clusters.csv');
    const r = await careloop([
      'dedupe',
      input,
      '--map',
      'A=full_name,B=birth_date,C=sex,D=phone,E=email,F=snils',
      '--out',
      path,
      '--explain',
    ]);
    expect(r.code).toBe(0);
    const c = clustersOf(path);
    expect([...c.keys()]).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(c.get(4)).toBe(4);
    expect(c.get(5)).toBe(1);
    expect(c.get(8)).not.toBe(c.get(7));
    const pairs = readFileSync(join(dir, 'clusters.pairs.csv'), 'utf8').trim().split('\n');
    expect(pairs[0]).toBe('row_a,row_b,cluster_a,cluster_b,probability,weight,decision,held_back,evidence');
    expect(pairs[1]).toMatch(/^1,5,1,1,0\.\d+,[\d.]+,match,no,.*birth_date=exact:/);
  });

  it.each([
    [['dedupe', '/nonexistent/file.csv', '--out', '/tmp/x.csv'], /Cannot read \/nonexistent\/file\.csv/],
    [['dedupe', 'file.csv'], /required option '--out/],
    [['dedupe', 'file.csv', '--out', 'x.csv', '--encoding', 'koi8'], /--encoding must be one of/],
  ])('%j fails with a clear message', async (args, message) => {
    const r = await careloop(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a file whose columns it cannot map, and a bad mapping, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'careloop-bad-'));
    const input = join(dir, 'numbers.csv');
    writeFileSync(input, '1,2,3\n4,5,6\n');
    const path = join(dir, 'clusters.csv');
    const r = await careloop(['dedupe', input, '--out', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No column was recognised as a patient field/);
    const bad = await careloop(['dedupe', input, '--map', 'column_1=shoe_size', '--out', path]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/mapping is not valid/);
    expect(existsSync(path)).toBe(false);
  });
});
