import type { Scope } from '../../kernel/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { decide, requireClasses } from '../policy/index.ts';
import { type OverviewFigures, overviewFigures, protectOverview, type Suppressed } from './overview.ts';
import { rebuildVisitStats } from './visit-stats.ts';

export type Overview = Suppressed<OverviewFigures> & {
  /** Counts of 1…10 hidden and counts of patients perturbed by their cell keys (R32). */
  readonly suppressed: boolean;
  readonly perturbed: boolean;
};

/**
 * Whether the actor may see individual patients at all (registry or rights work). Those
 * who may not — marketers, analysts — get small counts suppressed and counts of patients
 * perturbed (R30, R32; protectOverview).
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
    const exact = seesIndividuals(scope);
    const now = this.#deps.clock.now();
    if (exact) {
      const figures = await this.#deps.db.tenant(scope.tenantId, (tx) => overviewFigures(tx, now));
      return { ...figures, suppressed: false, perturbed: false };
    }
    const { cellKeys, ...figures } = await this.#deps.db.tenant(scope.tenantId, (tx) =>
      overviewFigures(tx, now, true),
    );
    return { ...protectOverview(figures, cellKeys), suppressed: true, perturbed: true };
  }

  /** Recounts the visits rollup of a tenant (after a bulk load or restore that skipped triggers). */
  rebuildVisitStats(tenantId: string): Promise<{ cells: number }> {
    return rebuildVisitStats(this.#deps.db, tenantId);
  }
}
