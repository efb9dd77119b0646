import { AppError, type Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import type { Revealable } from '../patients/index.ts';
import { requireClasses } from '../policy/index.ts';
import { MERGE_CLASSES, type MergeOutcome, mergePatients } from './merge.ts';
import {
  listMerges,
  listReviewQueue,
  type MergeView,
  openCandidate,
  type ReviewPage,
  rejectCandidate,
} from './queue.ts';
import { type ResolutionOptions, type ResolutionReport, resolveIdentities } from './resolution.ts';
import { type UnmergeOutcome, unmergePatients } from './unmerge.ts';

/**
 * Identity resolution for one tenant: runs that find duplicates, the review queue,
 * merges with lineage and their undo. Every call checks the policy for its scope
 * (purpose `registry.operations`) and is audited, denials included.
 */
export class IdentityService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  /** A full run over the base, or an incremental one for an import batch (`batchId`). */
  async resolve(scope: Scope, options: ResolutionOptions = {}): Promise<ResolutionReport> {
    const { db, clock } = this.#deps;
    // Checked (and a denial audited) before any patient is decrypted.
    await guarded(db, clock, scope, { action: 'identity.resolve' }, async () =>
      requireClasses(scope, 'write', [...MERGE_CLASSES]),
    );
    return resolveIdentities(this.#deps, scope, options);
  }

  reviewQueue(
    scope: Scope,
    page: { limit?: number; offset?: number; cursor?: string; reveal?: readonly Revealable[] } = {},
  ): Promise<ReviewPage> {
    const { db, vault, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'identity.review.read' }, async (tx) =>
      listReviewQueue(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, page),
    );
  }

  /** Merges a queued pair; the survivor is the older record unless named. */
  merge(scope: Scope, candidateId: string, survivorId?: string): Promise<MergeOutcome> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'identity.merge', subjectType: 'identity_candidate', subjectId: candidateId },
      async (tx) => {
        requireClasses(scope, 'write', [...MERGE_CLASSES]);
        const c = await openCandidate(tx, candidateId);
        const survivor = survivorId ?? c.patient_a;
        if (survivor !== c.patient_a && survivor !== c.patient_b)
          throw new AppError('VALIDATION_FAILED', 'The survivor is one of the two records of the pair.', [
            { field: 'survivorId', issue: 'not_in_pair' },
          ]);
        return mergePatients(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, {
          survivorId: survivor,
          mergedId: survivor === c.patient_a ? c.patient_b : c.patient_a,
          method: 'manual',
          candidateId: c.id,
          probability: c.probability,
        });
      },
    );
  }

  /** "Not the same person": never proposed again. */
  reject(scope: Scope, candidateId: string): Promise<void> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'identity.reject', subjectType: 'identity_candidate', subjectId: candidateId },
      (tx) => rejectCandidate(tx, clock, scope, candidateId),
    );
  }

  merges(
    scope: Scope,
    filter: { patientId?: string; limit?: number; offset?: number; before?: string } = {},
  ): Promise<MergeView[]> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'identity.merges.read' }, (tx) =>
      listMerges(tx, clock, scope, filter),
    );
  }

  unmerge(scope: Scope, mergeId: string): Promise<UnmergeOutcome> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'identity.unmerge', subjectType: 'patient_merge', subjectId: mergeId },
      async (tx) => unmergePatients(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, mergeId),
    );
  }
}
