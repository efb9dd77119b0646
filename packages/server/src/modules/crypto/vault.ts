import type { KeyObject } from 'node:crypto';
import type { Tx } from '../../db/index.ts';
import { AppError } from '../../kernel/index.ts';
import { type Key, keyObject, newKey, open, seal } from './aead.ts';
import { Hmac256 } from './hmac.ts';
import type { MasterKeys } from './master-keys.ts';

/**
 * Envelope keys: master key (outside the database) → per-tenant data and blind-index
 * keys (wrapped in tenant_keys) → a per-patient key (wrapped in its patient row) that
 * encrypts the patient's identity and contact attributes. Deleting a patient's key
 * shreds every ciphertext under it; re-wrapping moves keys to new versions without
 * touching the data.
 */
export interface PatientKey {
  readonly key: KeyObject;
  readonly version: number;
  readonly wrapped: Buffer;
}

export class TenantKeys {
  readonly tenantId: string;
  readonly dataVersion: number;
  readonly blindIndexBits: number;
  readonly #data: ReadonlyMap<number, KeyObject>;
  readonly #index: KeyObject;
  readonly #mac: Hmac256;

  constructor(
    tenantId: string,
    data: ReadonlyMap<number, Buffer | KeyObject>,
    index: Buffer | KeyObject,
    blindIndexBits: number,
  ) {
    this.tenantId = tenantId;
    const asKey = (k: Buffer | KeyObject): KeyObject => (Buffer.isBuffer(k) ? keyObject(k) : k);
    this.#data = new Map([...data].map(([v, k]) => [v, asKey(k)]));
    this.#index = asKey(index);
    this.#mac = new Hmac256(this.#index);
    this.dataVersion = Math.max(...data.keys());
    this.blindIndexBits = blindIndexBits;
  }

  /**
   * The key objects themselves, to hand to a worker thread of this process (bulk
   * generation); they never leave the process and are never written anywhere.
   */
  material(): { data: [number, KeyObject][]; index: KeyObject; bits: number } {
    return { data: [...this.#data], index: this.#index, bits: this.blindIndexBits };
  }

  static fromMaterial(
    tenantId: string,
    m: { data: [number, KeyObject][]; index: KeyObject; bits: number },
  ): TenantKeys {
    return new TenantKeys(tenantId, new Map(m.data), m.index, m.bits);
  }

  #dataKey(version: number): KeyObject {
    const k = this.#data.get(version);
    if (!k) throw new AppError('INTERNAL', `Tenant data key version ${version} is not available.`);
    return k;
  }

  newPatientKey(patientId: string): PatientKey {
    const raw = newKey();
    const wrapped = seal(this.#dataKey(this.dataVersion), raw, `${this.tenantId}/${patientId}`);
    return { key: keyObject(raw), version: this.dataVersion, wrapped };
  }

  unwrapPatientKey(patientId: string, version: number, wrapped: Buffer): KeyObject {
    return keyObject(open(this.#dataKey(version), wrapped, `${this.tenantId}/${patientId}`));
  }

  rewrapPatientKey(patientId: string, version: number, wrapped: Buffer): PatientKey {
    const aad = `${this.tenantId}/${patientId}`;
    const raw = open(this.#dataKey(version), wrapped, aad);
    return {
      key: keyObject(raw),
      version: this.dataVersion,
      wrapped: seal(this.#dataKey(this.dataVersion), raw, aad),
    };
  }

  /**
   * A full keyed HMAC, for exact identity of values that are not personal identifiers
   * (an MIS record id, a source row's content): unlike `blind`, it is not truncated.
   */
  mac(kind: string, value: string): Buffer {
    return this.#mac.digest(`${kind}\u0000${value}`);
  }

  /**
   * Seals data that belongs to the tenant rather than one patient (a quarantined source
   * row) under the current data key; the caller stores `version` beside it.
   */
  sealForTenant(plaintext: Buffer, aad: string): { version: number; sealed: Buffer } {
    return { version: this.dataVersion, sealed: seal(this.#dataKey(this.dataVersion), plaintext, aad) };
  }

  openForTenant(version: number, sealed: Buffer, aad: string): Buffer {
    return open(this.#dataKey(version), sealed, aad);
  }

  /**
   * A blind index: the leading bits of a keyed HMAC. Truncation is deliberate (R28):
   * each digest matches a handful of patients, so the index alone reveals neither
   * a value nor how common it is; lookups confirm candidates by decrypting them.
   */
  blind(kind: string, canonical: string): number {
    return this.#mac.digest(`${kind}\u0000${canonical}`).readUInt32BE(0) >>> (32 - this.blindIndexBits);
  }
}

export const sealJson = (key: Key, value: unknown, aad: string): Buffer =>
  seal(key, Buffer.from(JSON.stringify(value)), aad);

export const openJson = <T>(key: Key, sealed: Buffer, aad: string): T =>
  JSON.parse(open(key, sealed, aad).toString('utf8')) as T;

/**
 * Bits per blind index for an expected number of patients R, so that the expected
 * number of patients sharing a digest C = R / 2^bits satisfies 2 ≤ C < √R (R28).
 * Within that band C is kept small (4 ≤ C < 8): every candidate of a lookup is
 * decrypted to confirm it, so fewer candidates is a faster search.
 */
export function blindIndexBitsFor(expectedRows: number): number {
  const r = Math.max(expectedRows, 64);
  return Math.max(1, Math.min(31, Math.floor(Math.log2(r / 4))));
}

export const blindIndexCollisions = (expectedRows: number, bits: number): number => expectedRows / 2 ** bits;

/** Creates and caches each tenant's unwrapped keys. */
export class Vault {
  readonly #master: MasterKeys;
  readonly #cache = new Map<string, TenantKeys>();

  constructor(master: MasterKeys) {
    this.#master = master;
  }

  /** Key rows for a new tenant, wrapped under the current master key. */
  newTenantKeyRows(
    tenantId: string,
  ): { purpose: 'data' | 'index'; version: number; master_version: number; wrapped: Buffer }[] {
    const mv = this.#master.current;
    return (['data', 'index'] as const).map((purpose) => ({
      purpose,
      version: 1,
      master_version: mv,
      wrapped: seal(this.#master.get(mv), newKey(), `${tenantId}/${purpose}/1`),
    }));
  }

  async forTenant(tx: Tx, tenantId: string): Promise<TenantKeys> {
    const cached = this.#cache.get(tenantId);
    if (cached) return cached;
    const rows = await tx
      .selectFrom('tenant_keys')
      .select(['purpose', 'version', 'master_version', 'wrapped'])
      .where('tenant_id', '=', tenantId)
      .where('retired_at', 'is', null)
      .execute();
    const settings = await tx
      .selectFrom('tenants')
      .select('blind_index_bits')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (!settings) throw new AppError('NOT_FOUND', 'Unknown tenant.');
    const data = new Map<number, Buffer>();
    let index: Buffer | undefined;
    for (const r of rows) {
      const key = open(
        this.#master.get(r.master_version),
        r.wrapped,
        `${tenantId}/${r.purpose}/${r.version}`,
      );
      if (r.purpose === 'data') data.set(r.version, key);
      else index = key;
    }
    if (data.size === 0 || !index) throw new AppError('INTERNAL', 'The tenant has no keys.');
    const keys = new TenantKeys(tenantId, data, index, settings.blind_index_bits);
    this.#cache.set(tenantId, keys);
    return keys;
  }

  /**
   * Proves the master keys open this database's tenant keys, so a lost or wrong key
   * file stops start-up with a clear message instead of failing on first use.
   */
  async verify(tx: Tx): Promise<void> {
    const row = await tx
      .selectFrom('tenant_keys')
      .select(['tenant_id', 'purpose', 'version', 'master_version', 'wrapped'])
      .limit(1)
      .executeTakeFirst();
    if (!row) return;
    if (!this.#master.versions().includes(row.master_version)) {
      throw new AppError(
        'CONFIG_INVALID',
        `The database needs master key version ${row.master_version}, which is not configured.`,
      );
    }
    try {
      open(
        this.#master.get(row.master_version),
        row.wrapped,
        `${row.tenant_id}/${row.purpose}/${row.version}`,
      );
    } catch {
      throw new AppError(
        'CONFIG_INVALID',
        'The configured master key does not open this database: restore the original key file or CARELOOP_MASTER_KEY.',
      );
    }
  }

  /** Forget cached keys after a rotation so the next use reloads them. */
  forget(tenantId?: string): void {
    if (tenantId) this.#cache.delete(tenantId);
    else this.#cache.clear();
  }

  get master(): MasterKeys {
    return this.#master;
  }

  /** Re-wraps every tenant key under the current master key version (after adding one). */
  async rewrapTenantKeys(tx: Tx): Promise<number> {
    const mv = this.#master.current;
    const rows = await tx
      .selectFrom('tenant_keys')
      .select(['tenant_id', 'purpose', 'version', 'master_version', 'wrapped'])
      .where('master_version', '<>', mv)
      .execute();
    // A few rows per tenant: a loop is fine here, unlike for patient keys.
    for (const r of rows) {
      const aad = `${r.tenant_id}/${r.purpose}/${r.version}`;
      const key = open(this.#master.get(r.master_version), r.wrapped, aad);
      await tx
        .updateTable('tenant_keys')
        .set({ master_version: mv, wrapped: seal(this.#master.get(mv), key, aad) })
        .where('tenant_id', '=', r.tenant_id)
        .where('purpose', '=', r.purpose)
        .where('version', '=', r.version)
        .execute();
    }
    this.forget();
    return rows.length;
  }
}
