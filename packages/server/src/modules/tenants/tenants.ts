import type { Jurisdiction } from '@careloop/contracts';
import type { Database, Tx } from '../../db/index.ts';
import { AppError, newId } from '../../kernel/index.ts';
import { startAuditChain } from '../audit/index.ts';
import { blindIndexBitsFor, type Vault } from '../crypto/index.ts';

export interface NewTenant {
  readonly slug: string;
  readonly name: string;
  readonly jurisdiction?: Jurisdiction;
  readonly timeZone?: string;
  /** Sizes the blind indexes (R28); cannot change once patients exist. */
  readonly expectedPatients?: number;
  readonly isDemo?: boolean;
}

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly jurisdiction: Jurisdiction;
  readonly timeZone: string;
  readonly isDemo: boolean;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Creates a tenant with its keys and audit chain, in one transaction. */
export async function createTenant(db: Database, vault: Vault, input: NewTenant): Promise<Tenant> {
  if (!SLUG.test(input.slug)) {
    throw new AppError('VALIDATION_FAILED', 'A tenant slug is 2–63 lower-case letters, digits and dashes.', [
      { field: 'slug', issue: 'pattern' },
    ]);
  }
  const id = newId();
  return db.system(async (tx) => {
    const taken = await tx
      .selectFrom('tenants')
      .select('tenant_id')
      .where('slug', '=', input.slug)
      .executeTakeFirst();
    if (taken) throw new AppError('ALREADY_EXISTS', `A tenant with slug ${input.slug} already exists.`);
    const row = await tx
      .insertInto('tenants')
      .values({
        tenant_id: id,
        slug: input.slug,
        name: input.name,
        jurisdiction: input.jurisdiction ?? 'RU',
        time_zone: input.timeZone ?? 'Europe/Moscow',
        blind_index_bits: blindIndexBitsFor(input.expectedPatients ?? 200_000),
        is_demo: input.isDemo ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('tenant_keys')
      .values(vault.newTenantKeyRows(id).map((k) => ({ tenant_id: id, ...k })))
      .execute();
    await startAuditChain(tx, id);
    return toTenant(row);
  });
}

const toTenant = (r: {
  tenant_id: string;
  slug: string;
  name: string;
  jurisdiction: Jurisdiction;
  time_zone: string;
  is_demo: boolean;
}): Tenant => ({
  id: r.tenant_id,
  slug: r.slug,
  name: r.name,
  jurisdiction: r.jurisdiction,
  timeZone: r.time_zone,
  isDemo: r.is_demo,
});

export async function listTenants(db: Database): Promise<Tenant[]> {
  const rows = await db.system((tx) => tx.selectFrom('tenants').selectAll().orderBy('created_at').execute());
  return rows.map(toTenant);
}

export async function getTenant(tx: Tx, tenantId: string): Promise<Tenant> {
  const row = await tx.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'Unknown tenant.');
  return toTenant(row);
}
