import type { Scope } from '../../kernel/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { decide, requireClasses } from '../policy/index.ts';
import { type OverviewFigures, overviewFigures, type Suppressed, suppressSmallCounts } from './overview.ts';
import { rebuildVisitStats } from './visit-stats.ts';

export type Overview = Suppressed<OverviewFigures> & { readonly suppressed: boolean };

/**
 * Whether the actor may see individual patients at all (registry or rights work). Those
 * who may not — marketers, analysts — get small counts suppressed (R30, R32).
 */
const seesIndividuals = (scope: Scope): boolean => {
  if (scope.actor.kind !== 'staff') return true;
  const role = scope.actor.role;
  return (['registry.operations', 'subject.rights'] as const).some(
    (purpose) => decide({ role, purpose, action: 'read', dataClass: 'identity' }).allowed,
  );
};

/** Aggregate figures for the dashboard, under the analytics purpose. */
export class AnalyticsService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  async overview(scope: Scope): Promise<Overview> {
    requireClasses(scope, 'aggregate', ['demographic', 'visit_timing', 'preference']);
    const figures = await this.#deps.db.tenant(scope.tenantId, (tx) =>
      overviewFigures(tx, this.#deps.clock.now()),
    );
    const exact = seesIndividuals(scope);
    return { ...(exact ? figures : suppressSmallCounts(figures)), suppressed: !exact };
  }

  /** Recounts the visits rollup of a tenant (after a bulk load or restore that skipped triggers). */
  rebuildVisitStats(tenantId: string): Promise<{ cells: number }> {
    return rebuildVisitStats(this.#deps.db, tenantId);
  }
}
