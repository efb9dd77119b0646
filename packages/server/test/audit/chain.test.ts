import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId, systemActor } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { createTestTenant, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
const clock = new ManualClock('2026-11-23T09:00:00Z');

beforeAll(async () => {
  careloop = await testCareloop({ clock });
});
afterAll(async () => careloop?.close());

/** A tenant with a chain of `n` entries written by real actions (account creation, sign-ins). */
async function tenantWithEntries(): Promise<{ tenantId: string; slug: string }> {
  const t = await createTestTenant(careloop, ['owner', 'marketer']);
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await careloop.sessions.login(t.users.marketer.email, t.users.marketer.password);
  }
  await expect(careloop.sessions.login(t.users.marketer.email, 'wrong password')).rejects.toThrow();
  return t;
}

/** Tampering needs the owner, with triggers off: the application role can do neither. */
const tamper = (q: ReturnType<typeof sql>) =>
  careloop.db.system(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await q.execute(tx);
  });

describe('hash-chained audit trail (R41)', () => {
  it('verifies an intact chain', async () => {
    const t = await tenantWithEntries();
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding).toEqual({ ok: true, entries: 6 });
  });

  it('R41: the application role can neither change nor delete an entry', async () => {
    const t = await tenantWithEntries();
    await expect(
      careloop.db.tenant(t.tenantId, (tx) =>
        sql`UPDATE audit_log SET action = 'x' WHERE seq = 1`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied|append-only/);
    await expect(
      careloop.db.tenant(t.tenantId, (tx) => sql`DELETE FROM audit_log WHERE seq = 1`.execute(tx)),
    ).rejects.toThrow(/permission denied|append-only/);
    // Not even the owner, while the trigger stands.
    await expect(
      careloop.db.system((tx) => sql`DELETE FROM audit_log WHERE tenant_id = ${t.tenantId}`.execute(tx)),
    ).rejects.toThrow(/append-only/);
  });

  it('R41: a modified entry is named', async () => {
    const t = await tenantWithEntries();
    // Entry 6 is the refused sign-in: rewriting it as a success must not go unnoticed.
    await tamper(sql`UPDATE audit_log SET outcome = 'done' WHERE tenant_id = ${t.tenantId} AND seq = 6`);
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding).toEqual({ ok: false, entries: 5, firstBadSeq: 6, problem: 'modified' });
  });

  it('R41: a changed detail value is detected', async () => {
    const t = await tenantWithEntries();
    await tamper(
      sql`UPDATE audit_log SET details = '{"role":"owner"}' WHERE tenant_id = ${t.tenantId} AND seq = 2`,
    );
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'modified' });
  });

  it('R41: a deleted entry is named', async () => {
    const t = await tenantWithEntries();
    await tamper(sql`DELETE FROM audit_log WHERE tenant_id = ${t.tenantId} AND seq = 3`);
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'missing' });
  });

  it('R41: reordered entries are detected', async () => {
    const t = await tenantWithEntries();
    // Swap the contents (and hashes) of entries 4 and 5: each entry is self-consistent, the chain is not.
    await tamper(sql`UPDATE audit_log SET seq = 1004 WHERE tenant_id = ${t.tenantId} AND seq = 4`);
    await tamper(sql`UPDATE audit_log SET seq = 4 WHERE tenant_id = ${t.tenantId} AND seq = 5`);
    await tamper(sql`UPDATE audit_log SET seq = 5 WHERE tenant_id = ${t.tenantId} AND seq = 1004`);
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding.ok).toBe(false);
    expect(r?.finding).toMatchObject({ firstBadSeq: 4 });
  });

  it('R41: a cut tail is detected against the chain head', async () => {
    const t = await tenantWithEntries();
    await tamper(sql`DELETE FROM audit_log WHERE tenant_id = ${t.tenantId} AND seq = 6`);
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding).toMatchObject({ ok: false, firstBadSeq: 6, problem: 'truncated' });
  });

  it('entries never carry the e-mail of the account they concern', async () => {
    const t = await tenantWithEntries();
    const rows = await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{ j: string }>`SELECT row_to_json(a)::text AS j FROM audit_log a`.execute(tx),
    );
    expect(rows.rows.length).toBe(6);
    for (const r of rows.rows) expect(r.j).not.toContain('@example.test');
  });

  it('concurrent appends of one tenant keep one unbroken chain', async () => {
    const t = await createTestTenant(careloop, ['owner']);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        careloop.staff.create(
          { tenantId: t.tenantId, actor: systemActor('test'), purpose: 'registry.operations' },
          {
            email: `u${i}-${newId().slice(-6)}@example.test`,
            password: 'long enough password',
            role: 'analyst',
            displayName: `u${i}`,
          },
        ),
      ),
    );
    const [r] = await careloop.audit.verify(t.slug);
    expect(r?.finding).toEqual({ ok: true, entries: 13 });
  });
});
