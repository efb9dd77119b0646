import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Careloop } from '../../src/main/careloop.ts';
import { createTestTenant, registerTestPatient, staffScope, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let tenant: { tenantId: string; slug: string };

beforeAll(async () => {
  careloop = await testCareloop();
  tenant = await createTestTenant(careloop);
});
afterAll(async () => careloop?.close());

describe('key rotation (R27)', () => {
  it('re-wraps every patient key under a new data key without touching the ciphertexts, then retires the old key', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await registerTestPatient(careloop, tenant.tenantId));
    const before = await careloop.db.tenant(tenant.tenantId, (tx) =>
      sql<{
        id: string;
        identity_enc: Buffer;
        key_version: number;
      }>`SELECT id, identity_enc, key_version FROM patients ORDER BY id`.execute(tx),
    );
    expect(new Set(before.rows.map((r) => r.key_version))).toEqual(new Set([1]));
    const [r] = await careloop.keys.rotateDataKeys(tenant.slug);
    expect(r).toMatchObject({ version: 2, rewrapped: 7, retired: [1] });
    const after = await careloop.db.tenant(tenant.tenantId, (tx) =>
      sql<{
        id: string;
        identity_enc: Buffer;
        key_version: number;
      }>`SELECT id, identity_enc, key_version FROM patients ORDER BY id`.execute(tx),
    );
    expect(after.rows.every((x) => x.key_version === 2)).toBe(true);
    for (const [i, x] of after.rows.entries())
      expect(x.identity_enc.equals(before.rows[i]!.identity_enc)).toBe(true);
    const card = await careloop.patients.card(
      staffScope(tenant.tenantId, 'front_desk', 'registry.operations'),
      ids[3]!,
    );
    expect(card.identity?.lastName).toBe('Семёнова');
    // New patients get keys under the new version.
    const fresh = await registerTestPatient(careloop, tenant.tenantId);
    const v = await careloop.db.tenant(tenant.tenantId, (tx) =>
      tx.selectFrom('patients').select('key_version').where('id', '=', fresh).executeTakeFirstOrThrow(),
    );
    expect(v.key_version).toBe(2);
    const retired = await careloop.db.tenant(tenant.tenantId, (tx) =>
      tx
        .selectFrom('tenant_keys')
        .select(['version', 'retired_at'])
        .where('purpose', '=', 'data')
        .orderBy('version')
        .execute(),
    );
    expect(retired.map((k) => [k.version, k.retired_at !== null])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('R27: destroying the tenant keys makes every ciphertext of the tenant undecryptable', async () => {
    const t = await createTestTenant(careloop);
    const id = await registerTestPatient(careloop, t.tenantId);
    await careloop.db.system((tx) =>
      sql`DELETE FROM tenant_keys WHERE tenant_id = ${t.tenantId}`.execute(tx),
    );
    careloop.vault.forget(t.tenantId);
    await expect(
      careloop.patients.card(staffScope(t.tenantId, 'front_desk', 'registry.operations'), id),
    ).rejects.toThrow();
  });
});
