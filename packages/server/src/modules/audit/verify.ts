import type { Tx } from '../../db/index.ts';
import { chainHash, GENESIS, leafHash } from './chain.ts';

export type ChainFinding =
  | { readonly ok: true; readonly entries: number }
  | {
      readonly ok: false;
      readonly entries: number;
      /** The first entry whose content or place is wrong. */
      readonly firstBadSeq: number;
      readonly problem: 'modified' | 'missing' | 'reordered' | 'truncated';
    };

const PAGE = 5_000;

/**
 * Recomputes a tenant's chain in pages and names the first bad entry: a changed
 * entry fails its leaf hash, a deleted one leaves a gap, a reordered one breaks the
 * chain, and a cut tail no longer reaches the head.
 */
export async function verifyAuditChain(tx: Tx, tenantId: string): Promise<ChainFinding> {
  let expectedSeq = 1;
  let chain: Buffer = GENESIS;
  let entries = 0;
  for (;;) {
    const rows = await tx
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return { ok: false, entries, firstBadSeq: expectedSeq, problem: 'missing' };
      const leaf = leafHash({
        tenantId: r.tenant_id,
        at: new Date(r.at),
        actor: r.actor,
        action: r.action,
        purpose: r.purpose,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        outcome: r.outcome,
        details: r.details as Record<string, unknown>,
        requestId: r.request_id,
      });
      if (!leaf.equals(r.leaf_hash)) return { ok: false, entries, firstBadSeq: seq, problem: 'modified' };
      chain = chainHash(chain, leaf, seq);
      if (!chain.equals(r.chain_hash)) return { ok: false, entries, firstBadSeq: seq, problem: 'reordered' };
      entries++;
      expectedSeq++;
    }
    if (rows.length < PAGE) break;
  }
  const head = await tx
    .selectFrom('audit_heads')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (head && (Number(head.seq) !== expectedSeq - 1 || !head.chain_hash.equals(chain))) {
    return { ok: false, entries, firstBadSeq: expectedSeq, problem: 'truncated' };
  }
  return { ok: true, entries };
}
