import type { ModuleDeps } from '../deps.ts';
import { listTenants } from '../tenants/index.ts';
import { type ChainFinding, verifyAuditChain } from './verify.ts';

export class AuditService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  /** Verifies the chain of each tenant (or the one named by slug). */
  async verify(slug?: string): Promise<{ slug: string; finding: ChainFinding }[]> {
    const tenants = (await listTenants(this.#deps.db)).filter((t) => !slug || t.slug === slug);
    const out = [];
    for (const t of tenants) {
      out.push({
        slug: t.slug,
        finding: await this.#deps.db.tenant(t.id, (tx) => verifyAuditChain(tx, t.id)),
      });
    }
    return out;
  }
}
