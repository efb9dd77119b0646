import { Resolver } from 'node:dns/promises';

/**
 * Sender authentication pre-flight (R19): before a campaign that may send e-mail starts, the
 * From domain must publish SPF, a DKIM key under the relay's selector, and a DMARC policy (at
 * least p=none). The records are looked up at the From domain itself, so DKIM signed with that
 * domain and an envelope sender in it are aligned with the From address. The judges are pure;
 * the lookup is a port, backed by the system resolver or configured servers.
 */

export type SenderRecord = 'spf' | 'dkim' | 'dmarc';

export interface RecordCheck {
  readonly record: SenderRecord;
  /** The DNS name looked up. */
  readonly name: string;
  readonly ok: boolean;
  /** The record found, as published. */
  readonly found: string | null;
  readonly problem?: string;
}

export interface SenderAuth {
  readonly domain: string;
  readonly ok: boolean;
  readonly checks: readonly RecordCheck[];
}

/** TXT records at a name, each as its strings; none when the name has none. */
export type TxtLookup = (name: string) => Promise<string[][]>;

type Judged = Pick<RecordCheck, 'ok' | 'found' | 'problem'>;

const texts = (records: readonly (readonly string[])[]): string[] => records.map((chunks) => chunks.join(''));

/** `k=v; k=v` tags of a DKIM or DMARC record. */
const tags = (record: string): Map<string, string> =>
  new Map(
    record
      .split(';')
      .map((t) => t.trim())
      .filter((t) => t.includes('='))
      .map((t) => [t.slice(0, t.indexOf('=')).trim().toLowerCase(), t.slice(t.indexOf('=') + 1).trim()]),
  );

export function judgeSpf(records: readonly (readonly string[])[]): Judged {
  const spf = texts(records).filter((r) => /^v=spf1(\s|$)/i.test(r));
  if (spf.length === 0) return { ok: false, found: null, problem: 'no SPF record (v=spf1)' };
  const [record] = spf as [string];
  if (spf.length > 1)
    return { ok: false, found: record, problem: 'more than one SPF record: receivers treat it as an error' };
  // A record that names no server (only "-all" or "~all") authorises nothing to send.
  const mechanisms = record
    .split(/\s+/)
    .slice(1)
    .filter((m) => !/^[-~?+]?all$/i.test(m));
  if (mechanisms.length === 0)
    return { ok: false, found: record, problem: 'the SPF record authorises no server' };
  return { ok: true, found: record };
}

export function judgeDkim(records: readonly (readonly string[])[], selector: string | undefined): Judged {
  if (!selector)
    return { ok: false, found: null, problem: 'no DKIM selector configured (CARELOOP_SMTP_DKIM_SELECTOR)' };
  const keys = texts(records).filter((r) => tags(r).has('p'));
  if (keys.length === 0) return { ok: false, found: null, problem: `no DKIM key for selector ${selector}` };
  const [record] = keys as [string];
  if (!tags(record).get('p'))
    return { ok: false, found: record, problem: 'the DKIM key is revoked (empty p=)' };
  return { ok: true, found: record };
}

export function judgeDmarc(records: readonly (readonly string[])[]): Judged {
  const dmarc = texts(records).filter((r) => /^v=DMARC1\s*(;|$)/i.test(r));
  if (dmarc.length === 0) return { ok: false, found: null, problem: 'no DMARC record (v=DMARC1)' };
  const [record] = dmarc as [string];
  if (dmarc.length > 1)
    return { ok: false, found: record, problem: 'more than one DMARC record: receivers ignore both' };
  const policy = tags(record).get('p')?.toLowerCase();
  if (!policy || !['none', 'quarantine', 'reject'].includes(policy))
    return {
      ok: false,
      found: record,
      problem: 'the DMARC record has no policy (p=none, quarantine or reject)',
    };
  return { ok: true, found: record };
}

/** Looks the three records up; a failed lookup fails its check, never passes it. */
export async function checkSenderAuth(
  domain: string,
  selector: string | undefined,
  lookup: TxtLookup,
): Promise<SenderAuth> {
  const names: Record<SenderRecord, string | null> = {
    spf: domain,
    dkim: selector ? `${selector}._domainkey.${domain}` : null,
    dmarc: `_dmarc.${domain}`,
  };
  const judge = async (record: SenderRecord): Promise<RecordCheck> => {
    const name = names[record];
    try {
      const found = name ? await lookup(name) : [];
      const j =
        record === 'spf'
          ? judgeSpf(found)
          : record === 'dkim'
            ? judgeDkim(found, selector)
            : judgeDmarc(found);
      return { record, name: name ?? '', ...j };
    } catch (e) {
      return {
        record,
        name: name ?? '',
        ok: false,
        found: null,
        problem: `DNS lookup failed (${(e as { code?: string }).code ?? 'error'})`,
      };
    }
  };
  const checks = await Promise.all((['spf', 'dkim', 'dmarc'] as const).map(judge));
  return { domain, ok: checks.every((c) => c.ok), checks };
}

/** TXT lookups through the system resolver, or the given servers (`host` or `host:port`). */
export function dnsTxtLookup(servers?: readonly string[], timeoutMs = 3_000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers?.length) resolver.setServers([...servers]);
  return async (name) => {
    try {
      return await resolver.resolveTxt(name);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
      throw e;
    }
  };
}
