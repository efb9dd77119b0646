import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { newKey, seal } from './aead.ts';
import type { Vault } from './vault.ts';

/**
 * Tenant data-key rotation (R27): a new data-key version wraps every new patient
 * key at once; the re-wrap job then moves existing patient keys to it in batches,
 * without touching a single ciphertext, and the old version retires when nothing
 * uses it any more.
 */
export async function addDataKeyVersion(tx: Tx, vault: Vault, tenantId: string): Promise<number> {
  const last = await tx
    .selectFrom('tenant_keys')
    .select((e) => e.fn.max('version').as('v'))
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', 'data')
    .executeTakeFirstOrThrow();
  const version = (last.v ?? 0) + 1;
  const mv = vault.master.current;
  await tx
    .insertInto('tenant_keys')
    .values({
      tenant_id: tenantId,
      purpose: 'data',
      version,
      master_version: mv,
      wrapped: seal(vault.master.get(mv), newKey(), `${tenantId}/data/${version}`),
    })
    .execute();
  vault.forget(tenantId);
  return version;
}

/**
 * Re-wraps up to `batch` patient keys of older versions under the current one,
 * in one UPDATE; returns how many moved. Run until it returns 0.
 */
export async function rewrapPatientKeys(
  tx: Tx,
  vault: Vault,
  tenantId: string,
  batch = 5_000,
): Promise<number> {
  const keys = await vault.forTenant(tx, tenantId);
  const rows = await tx
    .selectFrom('patients')
    .select(['id', 'key_version', 'key_wrapped'])
    .where('key_version', '<', keys.dataVersion)
    .limit(batch)
    .forUpdate()
    .execute();
  if (rows.length === 0) return 0;
  const moved = rows.map((r) => {
    const k = keys.rewrapPatientKey(r.id, r.key_version!, r.key_wrapped!);
    return { id: r.id, wrapped: k.wrapped };
  });
  await sql`
    UPDATE patients p SET key_version = ${keys.dataVersion}, key_wrapped = v.wrapped
    FROM (SELECT unnest(${moved.map((m) => m.id)}::uuid[]) AS id, unnest(${moved.map((m) => m.wrapped)}::bytea[]) AS wrapped) v
    WHERE p.id = v.id`.execute(tx);
  return moved.length;
}

/** Retires data-key versions no patient key or tenant-sealed row uses any more; returns the versions retired. */
export async function retireUnusedDataKeys(
  tx: Tx,
  vault: Vault,
  tenantId: string,
  now: Date,
): Promise<number[]> {
  const r = await sql<{ version: number }>`
    UPDATE tenant_keys k SET retired_at = ${now}
    WHERE k.tenant_id = ${tenantId} AND k.purpose = 'data' AND k.retired_at IS NULL
      AND k.version < (SELECT max(version) FROM tenant_keys WHERE tenant_id = ${tenantId} AND purpose = 'data')
      AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.key_version = k.version)
      AND NOT EXISTS (SELECT 1 FROM import_quarantine q WHERE q.key_version = k.version)
      AND NOT EXISTS (SELECT 1 FROM inbound_messages m WHERE m.key_version = k.version)
      AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.key_version = k.version)
    RETURNING k.version`.execute(tx);
  if (r.rows.length > 0) vault.forget(tenantId);
  return r.rows.map((x) => x.version);
}
