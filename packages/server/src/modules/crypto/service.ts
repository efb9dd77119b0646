import type { ModuleDeps } from '../deps.ts';
import { listTenants } from '../tenants/index.ts';
import { addDataKeyVersion, retireUnusedDataKeys, rewrapPatientKeys } from './rotation.ts';

export class KeyService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  /** Re-wraps every tenant key under the newest master key; returns how many keys moved. */
  rewrapTenantKeys(): Promise<number> {
    return this.#deps.db.system((tx) => this.#deps.vault.rewrapTenantKeys(tx));
  }

  /**
   * Rotates each tenant's data key (or one tenant's) and runs the re-wrap job to the
   * end, batch by batch, each batch its own transaction; reports per tenant.
   */
  async rotateDataKeys(
    slug?: string,
    onBatch?: (slug: string, moved: number) => void,
  ): Promise<{ slug: string; version: number; rewrapped: number; retired: number[] }[]> {
    const { db, vault, clock } = this.#deps;
    const out = [];
    for (const t of (await listTenants(db)).filter((x) => !slug || x.slug === slug)) {
      const version = await db.tenant(t.id, (tx) => addDataKeyVersion(tx, vault, t.id));
      let rewrapped = 0;
      for (;;) {
        const n = await db.tenant(t.id, (tx) => rewrapPatientKeys(tx, vault, t.id));
        if (n === 0) break;
        rewrapped += n;
        onBatch?.(t.slug, rewrapped);
      }
      const retired = await db.tenant(t.id, (tx) => retireUnusedDataKeys(tx, vault, t.id, clock.now()));
      out.push({ slug: t.slug, version, rewrapped, retired });
    }
    return out;
  }
}
