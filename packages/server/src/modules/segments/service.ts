import type { Role } from '@careloop/contracts';
import type { Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import {
  type AudienceSnapshot,
  countSegment,
  listMembers,
  segmentContext,
  snapshotAudience,
  snapshotCellKey,
  snapshotMembers,
} from './audience.ts';
import { listSpecialties, type SpecialtyOption } from './catalog.ts';
import { perturbCount, type ShownCount } from './cell-key.ts';
import { type RebuildSummary, rebuildFacts } from './facts.ts';
import type { AudienceInput, SegmentPlan } from './plan.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  type Segment,
  type SegmentChange,
  type SegmentInput,
  updateSegment,
} from './saved.ts';

const AGGREGATE_ONLY_ROLES: ReadonlySet<Role> = new Set(['marketer', 'analyst']);

export interface CountView {
  /** The count: exact, or perturbed by its cell key (see `perturbed`), or null when suppressed. */
  readonly count: number | null;
  /** Set when suppressed: the audience has fewer than this many patients (and at least one). */
  readonly fewerThan: number | null;
  /**
   * True for viewers who see aggregates only: the count may differ from the true one by up to 2
   * (cell-key method, R32). Set by role, never by whether this count moved.
   */
  readonly perturbed: boolean;
  readonly plan: SegmentPlan;
}

/** Whether this viewer sees counts only through the cell-key perturbation (R30, R32). */
export const seesPerturbedCounts = (scope: Scope): boolean =>
  scope.actor.kind !== 'system' &&
  (scope.actor.kind !== 'staff' || AGGREGATE_ONLY_ROLES.has(scope.actor.role));

/**
 * A count for a viewer: exact for roles that may see individuals anyway (owners, system jobs);
 * for aggregate-only roles, perturbed by the set's cell key, 1…10 shown as "fewer than 11".
 */
export function presentCount(
  scope: Scope,
  cell: { readonly count: number; readonly cellKey: number },
): ShownCount & { readonly perturbed: boolean } {
  return seesPerturbedCounts(scope)
    ? { ...perturbCount(cell.count, cell.cellKey), perturbed: true }
    : { count: cell.count, fewerThan: null, perturbed: false };
}

export type AudienceRef = AudienceInput | { readonly segmentId: string };

export class SegmentService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  create(scope: Scope, input: SegmentInput): Promise<Segment> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'segment.created' }, (tx) =>
      createSegment(tx, clock, scope, input),
    );
  }

  /** Changes a saved segment in place (its version increases); a stale `version` is a CONFLICT. */
  update(scope: Scope, id: string, patch: SegmentChange): Promise<Segment> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'segment.updated', subjectType: 'segment', subjectId: id },
      (tx) => updateSegment(tx, clock, scope, id, patch),
    );
  }

  /** Deletes a segment no audience snapshot was taken from. */
  delete(scope: Scope, id: string): Promise<void> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'segment.deleted', subjectType: 'segment', subjectId: id },
      (tx) => deleteSegment(tx, clock, scope, id),
    );
  }

  /** Definitions are visible to everyone who may segment: they name no patient (R30). */
  get(scope: Scope, id: string): Promise<Segment> {
    return this.#deps.db.tenant(scope.tenantId, (tx) => getSegment(tx, id));
  }

  list(scope: Scope): Promise<Segment[]> {
    return this.#deps.db.tenant(scope.tenantId, (tx) => listSegments(tx));
  }

  /** The clinic's specialties for the builder's "visited specialty" condition. */
  specialties(scope: Scope): Promise<SpecialtyOption[]> {
    return this.#deps.db.tenant(scope.tenantId, (tx) => listSpecialties(tx));
  }

  /** The live count for the builder, or of a saved segment; audited as aggregate access. */
  count(scope: Scope, ref: AudienceRef): Promise<CountView> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'segment.count' }, async (tx) => {
      const input = await this.#resolve(tx, ref);
      const ctx = await segmentContext(tx, clock, scope.tenantId);
      const { count, cellKey, plan } = await countSegment(tx, clock, scope, input, ctx);
      return { ...presentCount(scope, { count, cellKey }), plan };
    });
  }

  /** Member ids of an audience for a person: a reason, a role allowed to see individuals, an audit entry (R30). */
  members(
    scope: Scope,
    ref: AudienceRef,
    page: { after?: string; limit?: number } = {},
  ): Promise<{ patientIds: string[]; next: string | null }> {
    const { db, clock } = this.#deps;
    const segmentId = 'segmentId' in ref ? ref.segmentId : undefined;
    return guarded(
      db,
      clock,
      scope,
      { action: 'segment.members', ...(segmentId ? { subjectType: 'segment', subjectId: segmentId } : {}) },
      async (tx) => {
        const input = await this.#resolve(tx, ref);
        const ctx = await segmentContext(tx, clock, scope.tenantId);
        return listMembers(tx, clock, scope, { ...input, ...(segmentId ? { segmentId } : {}) }, ctx, {
          limit: Math.min(page.limit ?? 100, 1000),
          ...(page.after ? { after: page.after } : {}),
        });
      },
    );
  }

  /**
   * Freezes the audience now (campaigns queue from snapshots). `size` is exact (for the code
   * that queues from it); `shown` is the size as this viewer may see it — perturbed for
   * aggregate-only roles, or a snapshot would be an exact count of any saved segment (R32).
   */
  snapshot(
    scope: Scope,
    ref: AudienceRef,
  ): Promise<AudienceSnapshot & { readonly shown: ShownCount & { readonly perturbed: boolean } }> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'segment.snapshot' }, async (tx) => {
      const input = await this.#resolve(tx, ref);
      const ctx = await segmentContext(tx, clock, scope.tenantId);
      const segmentId = 'segmentId' in ref ? ref.segmentId : null;
      const snap = await snapshotAudience(tx, clock, scope, { ...input, segmentId }, ctx);
      const cellKey = seesPerturbedCounts(scope) ? await snapshotCellKey(tx, snap.id) : 0;
      return { ...snap, shown: presentCount(scope, { count: snap.size, cellKey }) };
    });
  }

  snapshotMembers(
    scope: Scope,
    snapshotId: string,
    page: { after?: string; limit: number },
  ): Promise<string[]> {
    return this.#deps.db.tenant(scope.tenantId, (tx) => snapshotMembers(tx, snapshotId, page));
  }

  /** Full rebuild of a tenant's facts (after bulk loads that skipped triggers). */
  rebuildFacts(tenantId: string): Promise<RebuildSummary> {
    return rebuildFacts(this.#deps.db, tenantId);
  }

  async #resolve(tx: Parameters<typeof getSegment>[0], ref: AudienceRef): Promise<AudienceInput> {
    if (!('segmentId' in ref)) return ref;
    const s = await getSegment(tx, ref.segmentId);
    return { rule: s.rule, purpose: s.requestedPurpose, channel: s.channel };
  }
}
