import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  checkRegistration,
  coverage,
  isAbroad,
  type ProcessorInput,
} from '../../src/modules/processors/index.ts';
import { appWithLog, signIn } from '../http/support.ts';
import { createTestTenant, staffScope, type TestTenant, testCareloop } from '../support/careloop.ts';

const gateway: ProcessorInput = {
  provider: 'sms',
  legalName: 'ООО «СМС-Шлюз»',
  service: 'sms',
  role: 'processor',
  country: 'RU',
  contractRef: 'Договор поручения № 12 от 01.02.2026',
  dataClasses: ['contact', 'identity'],
};

describe('R58, R26: the processor register rules', () => {
  it('a transfer abroad needs its basis: the RKN notification for a Russian clinic, SCCs outside the EEA for a European one', () => {
    expect(isAbroad('RU', 'RU')).toBe(false);
    expect(isAbroad('RU', 'DE')).toBe(true);
    expect(isAbroad('EU', 'DE')).toBe(false);
    expect(isAbroad('EU', 'NO')).toBe(false);
    expect(isAbroad('EU', 'US')).toBe(true);
    expect(isAbroad('US', 'US')).toBe(false);
    expect(() => checkRegistration(gateway, 'RU')).not.toThrow();
    const abroad = { ...gateway, country: 'DE' };
    expect(() => checkRegistration(abroad, 'RU')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field: 'transferRef', issue: expect.stringMatching(/RKN/) })],
      }),
    );
    expect(() =>
      checkRegistration({ ...abroad, transferRef: 'Уведомление РКН № 77-0001' }, 'RU'),
    ).not.toThrow();
    expect(() => checkRegistration(abroad, 'EU')).not.toThrow();
    expect(() => checkRegistration({ ...gateway, country: 'US' }, 'EU')).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'transferRef' })] }),
    );
  });

  it('every problem is named at once: a provider receives at least the contact, the country is an ISO code', () => {
    let details: unknown;
    try {
      checkRegistration(
        { ...gateway, country: 'Russia', dataClasses: ['identity'], contractRef: ' ', legalName: '' },
        'RU',
      );
    } catch (e) {
      details = (e as { details: unknown }).details;
    }
    expect((details as { field: string }[]).map((d) => d.field).sort()).toEqual([
      'contractRef',
      'country',
      'dataClasses',
      'legalName',
    ]);
  });

  it('an entry covers a message only when it names every class the message discloses', () => {
    const entry = { dataClasses: gateway.dataClasses, abroad: false, transferRef: null };
    expect(coverage(undefined, ['contact'])).toEqual({
      ok: false,
      reason: 'processor_unregistered',
      missing: [],
    });
    expect(coverage(entry, ['contact', 'identity'])).toEqual({ ok: true });
    expect(coverage(entry, ['contact', 'identity', 'visit_clinical', 'visit_clinical'])).toEqual({
      ok: false,
      reason: 'processor_not_covered',
      missing: ['visit_clinical'],
    });
    // An entry abroad without a basis (the clinic's jurisdiction changed since) covers nothing.
    expect(coverage({ ...entry, abroad: true }, ['contact']).ok).toBe(false);
    expect(coverage({ ...entry, abroad: true, transferRef: 'SCC 2021/914' }, ['contact']).ok).toBe(true);
  });
});

describe(`R58: the processor register (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  const clock = new ManualClock('2026-12-04T09:00:00Z');
  let careloop: Careloop;
  let app: App;
  let t: TestTenant;
  let other: TestTenant;
  const session: Record<string, { cookie: string; csrf: string }> = {};
  const as = (role: string) => ({ cookie: session[role]!.cookie, 'x-csrf-token': session[role]!.csrf });

  beforeAll(async () => {
    careloop = await testCareloop({ clock });
    ({ app } = await appWithLog(careloop));
    t = await createTestTenant(careloop, ['owner', 'marketer', 'auditor']);
    other = await createTestTenant(careloop, ['owner']);
    for (const role of ['owner', 'marketer', 'auditor'] as const)
      session[role] = await signIn(app, t.users[role].email, t.users[role].password);
  });
  afterAll(async () => {
    await app?.close();
    await careloop?.close();
  });

  it('a change is a new version that retires the one before; the owner registers, the auditor reads, the marketer is refused and the refusal audited', async () => {
    const post = (role: string, payload: object) =>
      app.inject({ method: 'POST', url: '/api/processors', headers: as(role), payload });
    const first = await post('owner', gateway);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ provider: 'sms', version: 1, abroad: false, retiredAt: null });
    clock.advance(60_000);
    const second = await post('owner', { ...gateway, dataClasses: ['contact'], contractRef: 'Договор № 13' });
    expect(second.json()).toMatchObject({ version: 2, dataClasses: ['contact'] });

    const abroad = await post('owner', { ...gateway, provider: 'smtp:mail.example.com', country: 'US' });
    expect(abroad.statusCode).toBe(400);
    expect(abroad.json().error.details).toEqual([expect.objectContaining({ field: 'transferRef' })]);
    expect((await post('owner', { ...gateway, provider: 'Bad Name' })).statusCode).toBe(400);

    const denied = await post('marketer', { ...gateway, provider: 'sms2' });
    expect(denied.statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'POST', url: '/api/processors/sms/retire', headers: as('marketer') }))
        .statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: '/api/processors', headers: as('marketer') })).statusCode,
    ).toBe(403);

    const read = await app.inject({ method: 'GET', url: '/api/processors', headers: as('auditor') });
    expect(read.statusCode).toBe(200);
    const view = read.json() as {
      entries: { provider: string; version: number; retiredAt: string | null; retiredBy: string | null }[];
      configured: { provider: string; external: boolean; registered: boolean }[];
    };
    expect(view.entries.map((e) => [e.provider, e.version, e.retiredAt !== null])).toEqual([
      ['sms', 2, false],
      ['sms', 1, true],
    ]);
    expect(view.entries[1]?.retiredBy).toBe(`staff:${t.users.owner.id}`);
    // The test configuration has no outside channel: only Careloop's own worklist, which needs no entry.
    expect(view.configured).toEqual([
      { provider: 'worklist', channel: 'call', external: false, registered: true },
    ]);

    const audit = await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'details'])
        .where('action', 'like', 'processor.%')
        .orderBy('seq')
        .execute(),
    );
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['processor.registered', 'done'],
      ['processor.registered', 'done'],
      ['processor.registered', 'denied'],
      ['processor.retired', 'denied'],
      ['processor.listed', 'denied'],
    ]);
    expect(audit[1]?.details).toMatchObject({ provider: 'sms', version: 2, contractRef: 'Договор № 13' });

    // Retiring takes it off: once; another tenant never sees it.
    const retire = () =>
      app.inject({ method: 'POST', url: '/api/processors/sms/retire', headers: as('owner') });
    expect((await retire()).statusCode).toBe(200);
    expect((await retire()).statusCode).toBe(404);
    expect(
      await careloop.processors.list(staffScope(other.tenantId, 'owner', 'registry.operations')),
    ).toEqual([]);
  });

  it('the register is a record: an entry is never edited or deleted, only retired once', async () => {
    const owner = staffScope(t.tenantId, 'owner', 'registry.operations');
    await careloop.processors.register(owner, { ...gateway, provider: 'messenger', service: 'messenger' });
    const attempt = (statement: ReturnType<typeof sql>) =>
      careloop.db.tenant(t.tenantId, (tx) => statement.execute(tx));
    await expect(
      attempt(sql`UPDATE processors SET contract_ref = 'forged' WHERE provider = 'messenger'`),
    ).rejects.toThrow(/only ever retired/);
    // The application role may not delete at all; the trigger stands behind the grant.
    await expect(attempt(sql`DELETE FROM processors WHERE provider = 'messenger'`)).rejects.toThrow(
      /permission denied/,
    );
    await careloop.processors.retire(owner, 'messenger');
    await expect(
      attempt(sql`UPDATE processors SET retired_at = now() WHERE provider = 'messenger'`),
    ).rejects.toThrow(/only ever retired/);
    const rows = await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('processors')
        .select(['contract_ref', 'retired_at'])
        .where('provider', '=', 'messenger')
        .execute(),
    );
    expect(rows).toEqual([{ contract_ref: gateway.contractRef, retired_at: clock.now() }]);
  });
});
