import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/careloop.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process on this Node, with a clean environment. */
function careloop(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      cwd: mkdtempSync(join(tmpdir(), 'careloop-cli-')),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'careloop-data-'));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const c of running) c.kill('SIGKILL');
});

describe('careloop CLI', () => {
  it.each([
    [[]],
    [['serve']],
    [['migrate']],
    [['demo']],
    [['user', 'create']],
    [['audit', 'verify']],
    [['keys', 'rotate']],
  ])('%j --help explains itself', async (cmd) => {
    const r = await careloop([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: careloop/);
  });

  it('names a bad option value and exits non-zero', async () => {
    const r = await careloop(['demo', '--patients', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--patients must be a whole number');
  });

  it('names an unknown command', async () => {
    const r = await careloop(['serv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'serv'/);
  });

  it('stops on bad configuration, naming the setting', async () => {
    const r = await careloop(['migrate'], { PORT: 'abc', LOG_LEVEL: 'chatty' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PORT: must be integer[\s\S]*LOG_LEVEL: must be one of/);
  });

  it('stops when DATABASE_URL is unreachable, naming it without the password', async () => {
    const r = await careloop(['migrate'], {
      DATABASE_URL: 'postgres://careloop:s3cret@127.0.0.1:1/careloop',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'Cannot reach the PostgreSQL server in DATABASE_URL (postgres://careloop@127.0.0.1:1/careloop)',
    );
    expect(r.stderr).not.toContain('s3cret');
  });

  it('stops when the data directory cannot be used', async () => {
    const file = join(dataDir(), 'a-file');
    writeFileSync(file, '');
    const r = await careloop(['migrate'], { CARELOOP_DATA_DIR: join(file, 'data') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/CARELOOP_DATA_DIR .*a-file\/data is not a writable directory/);
  });

  it('migrates an embedded database, creates the first owner, verifies the audit trail', async () => {
    const env = { CARELOOP_DATA_DIR: dataDir() };
    const m = await careloop(['migrate'], env);
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/Applied \d+ migrations/);
    expect((await careloop(['migrate'], env)).stdout).toContain('The schema is up to date.');
    const u = await careloop(
      ['user', 'create', '--tenant', 'clinic-one', '--email', 'boss@clinic.test'],
      env,
    );
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('Created tenant clinic-one.');
    expect(u.stdout).toMatch(/Password \(shown once, store it safely\): \S{16,}/);
    expect(u.stderr).toContain('A new master key was written');
    const second = await careloop(
      [
        'user',
        'create',
        '--tenant',
        'clinic-one',
        '--email',
        'mkt@clinic.test',
        '--role',
        'marketer',
        '--password-stdin',
      ],
      env,
      'correct horse battery staple\n',
    );
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('Password');
    const dup = await careloop(
      ['user', 'create', '--tenant', 'clinic-one', '--email', 'MKT@clinic.test', '--role', 'analyst'],
      env,
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
    const v = await careloop(['audit', 'verify'], env);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('clinic-one: intact, 2 entries');
  }, 180_000);

  it('refuses a second process on the same data directory', async () => {
    const env = {
      CARELOOP_DATA_DIR: dataDir(),
      PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
      HOST: '127.0.0.1',
    };
    const server = spawn(process.execPath, [BIN, 'serve'], { env: { PATH: process.env.PATH ?? '', ...env } });
    running.push(server);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Careloop is running')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const r = await careloop(['migrate'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is in use by another Careloop process');
    server.kill('SIGTERM');
  }, 180_000);
});
