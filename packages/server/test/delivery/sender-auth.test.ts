import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSenderAuth,
  dnsTxtLookup,
  judgeDkim,
  judgeDmarc,
  judgeSpf,
} from '../../src/modules/delivery/index.ts';
import { startDns } from '../support/dns.ts';

const one = (...records: string[]) => records.map((r) => [r]);

describe('R19: sender authentication rules', () => {
  it('SPF: exactly one v=spf1 record that authorises some server', () => {
    expect(judgeSpf(one('v=spf1 include:_spf.mail.ru ~all')).ok).toBe(true);
    // Long records arrive in 255-byte strings: they are joined.
    expect(judgeSpf([['v=spf1 ip4:192.0.2.0/24 ', 'include:_spf.example.net -all']]).ok).toBe(true);
    expect(judgeSpf(one('google-site-verification=abc'))).toMatchObject({
      ok: false,
      problem: 'no SPF record (v=spf1)',
    });
    expect(judgeSpf(one('v=spf1 a -all', 'v=spf1 mx -all')).problem).toMatch(/more than one/);
    expect(judgeSpf(one('v=spf1 -all')).problem).toBe('the SPF record authorises no server');
  });

  it('DKIM: a key under the configured selector, not revoked', () => {
    expect(judgeDkim(one('v=DKIM1; k=rsa; p=MIIBIjANBgkq'), 'mail').ok).toBe(true);
    expect(judgeDkim(one('v=DKIM1; k=rsa; p=MIIBIjANBgkq'), undefined).problem).toMatch(
      /no DKIM selector configured/,
    );
    expect(judgeDkim([], 'mail').problem).toBe('no DKIM key for selector mail');
    expect(judgeDkim(one('v=DKIM1; p='), 'mail').problem).toBe('the DKIM key is revoked (empty p=)');
  });

  it('DMARC: one v=DMARC1 record with a policy, p=none at least', () => {
    for (const p of ['none', 'quarantine', 'reject'])
      expect(judgeDmarc(one(`v=DMARC1; p=${p}; rua=mailto:d@clinic.ru`)).ok).toBe(true);
    expect(judgeDmarc([]).problem).toBe('no DMARC record (v=DMARC1)');
    expect(judgeDmarc(one('v=DMARC1; rua=mailto:d@clinic.ru')).problem).toMatch(/no policy/);
    expect(judgeDmarc(one('v=DMARC1; p=none', 'v=DMARC1; p=reject')).problem).toMatch(/more than one/);
  });
});

describe('R19: the check against a real DNS server', () => {
  let dns: Awaited<ReturnType<typeof startDns>>;
  beforeAll(async () => {
    dns = await startDns();
  });
  afterAll(async () => {
    await dns?.close();
  });

  it('looks the three records up at the From domain and names every one that fails; a silent server fails closed', async () => {
    const lookup = dnsTxtLookup([dns.server]);
    dns.set('clinic.test', 'v=spf1 include:relay.example.net -all');
    dns.set('_dmarc.clinic.test', 'v=DMARC1; rua=mailto:dmarc@clinic.test');
    const first = await checkSenderAuth('clinic.test', 'mail', lookup);
    expect(first.ok).toBe(false);
    expect(first.checks.map((c) => [c.record, c.name, c.ok])).toEqual([
      ['spf', 'clinic.test', true],
      ['dkim', 'mail._domainkey.clinic.test', false],
      ['dmarc', '_dmarc.clinic.test', false],
    ]);
    dns.set('mail._domainkey.clinic.test', 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA');
    dns.set('_dmarc.clinic.test', 'v=DMARC1; p=quarantine; adkim=s');
    const fixed = await checkSenderAuth('clinic.test', 'mail', lookup);
    expect(fixed).toMatchObject({ domain: 'clinic.test', ok: true });
    expect(fixed.checks[2]?.found).toBe('v=DMARC1; p=quarantine; adkim=s');

    dns.mute();
    const down = await checkSenderAuth('clinic.test', 'mail', dnsTxtLookup([dns.server], 200));
    expect(down.ok).toBe(false);
    expect(down.checks.every((c) => !c.ok && /^DNS lookup failed/.test(c.problem ?? ''))).toBe(true);
  });
});
