import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';

const cwd = mkdtempSync(join(tmpdir(), 'careloop-config-'));

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({}, cwd);
    expect(c.port).toBe(3000);
    expect(c.host).toBe('localhost');
    expect(c.dataDir).toBe(join(cwd, 'data'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.keyFile).toBe(join(cwd, 'data', 'keys', 'master-keys.json'));
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.sessionIdleMinutes).toBe(15);
  });

  it('reads the environment and converts numbers', () => {
    const c = loadConfig(
      { PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@h/db', LOG_LEVEL: 'warn' },
      cwd,
    );
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@h/db',
      logLevel: 'warn',
    });
  });

  it('reports every bad setting at once, naming each', () => {
    expect(() =>
      loadConfig(
        { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', CARELOOP_DATADIR: './x' },
        cwd,
      ),
    ).toThrowError(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /CARELOOP_DATADIR: unknown setting[\s\S]*PORT: must be integer \(got "eighty"\)[\s\S]*DATABASE_URL: [\s\S]*LOG_LEVEL: must be one of fatal, error/,
        ),
      }),
    );
  });

  it('R19: reads the DKIM selector of the From domain and the DNS servers for the sender check', () => {
    const c = loadConfig(
      {
        CARELOOP_SMTP_URL: 'smtp://relay.clinic.ru:587',
        CARELOOP_SMTP_FROM: 'Клиника <news@clinic.ru>',
        CARELOOP_SMTP_DKIM_SELECTOR: 'mail2026',
        CARELOOP_DNS_SERVERS: '10.0.0.53,10.0.1.53:5353',
      },
      cwd,
    );
    expect(c.delivery?.smtp?.dkimSelector).toBe('mail2026');
    expect(c.delivery?.dnsServers).toEqual(['10.0.0.53', '10.0.1.53:5353']);
    expect(() => loadConfig({ CARELOOP_DNS_SERVERS: '10.0.0.53, 10.0.1.53' }, cwd)).toThrow(
      /CARELOOP_DNS_SERVERS/,
    );
    expect(() => loadConfig({ CARELOOP_SMTP_DKIM_SELECTOR: 'bad selector' }, cwd)).toThrow(
      /CARELOOP_SMTP_DKIM_SELECTOR/,
    );
  });

  it('rejects an out-of-range port', () => {
    expect(() => loadConfig({ PORT: '70000' }, cwd)).toThrow(/PORT: must be <= 65535/);
  });

  it('reads an optional file, which the environment overrides, and refuses unknown keys in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'careloop-config-'));
    writeFileSync(join(dir, 'careloop.config.json'), JSON.stringify({ PORT: 4000, HOST: 'example.local' }));
    expect(loadConfig({ HOST: 'other.local' }, dir)).toMatchObject({ port: 4000, host: 'other.local' });
    writeFileSync(join(dir, 'careloop.config.json'), JSON.stringify({ PORT: 4000, PROT: 1 }));
    expect(() => loadConfig({}, dir)).toThrow(/PROT: unknown setting in the configuration file/);
    writeFileSync(join(dir, 'careloop.config.json'), '{ not json');
    expect(() => loadConfig({}, dir)).toThrow(/careloop.config.json: /);
  });

  it('names a missing explicit configuration file', () => {
    expect(() => loadConfig({ CARELOOP_CONFIG: 'nope.json' }, cwd)).toThrow(
      /CARELOOP_CONFIG: file .*nope.json does not exist/,
    );
  });
});
