import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';

/**
 * Plants open review-queue pairs among a tenant's active patients (the newest ids, two by
 * two, leaving out `exclude`), with probabilities taken in turn, so queue tests have pages
 * to turn and ties to break. A pair already queued is left as it is.
 */
export async function plantOpenPairs(
  careloop: Careloop,
  tenantId: string,
  opts: {
    readonly pairs: number;
    readonly probabilities: readonly number[];
    readonly exclude?: readonly string[];
  },
): Promise<void> {
  await careloop.db.tenant(tenantId, async (tx) => {
    let q = tx.selectFrom('patients').select('id').where('status', '=', 'active');
    if (opts.exclude?.length) q = q.where('id', 'not in', [...opts.exclude]);
    const ids = (
      await q
        .orderBy('id', 'desc')
        .limit(2 * opts.pairs)
        .execute()
    ).map((r) => r.id);
    const now = careloop.clock.now();
    await tx
      .insertInto('identity_candidates')
      .values(
        Array.from({ length: opts.pairs }, (_, i) => {
          const [a, b] = [ids[2 * i]!, ids[2 * i + 1]!].sort() as [string, string];
          return {
            tenant_id: tenantId,
            id: newId(),
            patient_a: a,
            patient_b: b,
            probability: opts.probabilities[i % opts.probabilities.length]!,
            weight: 1,
            reason: 'between_thresholds' as const,
            evidence: '[]',
            created_at: now,
            updated_at: now,
          };
        }),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'patient_a', 'patient_b']).doNothing())
      .execute();
  });
}
