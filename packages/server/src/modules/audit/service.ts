import { AppError, type Scope } from '../../kernel/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { listTenants } from '../tenants/index.ts';
import { type AuditEntryView, type AuditFilter, listAudit } from './read.ts';
import { type ChainFinding, verifyAuditChain } from './verify.ts';

export class AuditService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  /**
   * The security journal is for designated officials only (R42): the auditor and the
   * owner. Everyone else is told it does not exist.
   */
  async entries(scope: Scope, filter: AuditFilter): Promise<AuditEntryView[]> {
    if (scope.actor.kind !== 'staff' || !['auditor', 'owner'].includes(scope.actor.role)) {
      throw new AppError('NOT_FOUND');
    }
    return this.#deps.db.tenant(scope.tenantId, (tx) => listAudit(tx, filter));
  }

  /** Verifies the caller's own tenant chain; the journal is for designated officials only (R42). */
  async verifyOwn(scope: Scope): Promise<ChainFinding> {
    if (scope.actor.kind !== 'staff' || !['auditor', 'owner'].includes(scope.actor.role))
      throw new AppError('NOT_FOUND');
    return this.#deps.db.tenant(scope.tenantId, (tx) => verifyAuditChain(tx, scope.tenantId));
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
