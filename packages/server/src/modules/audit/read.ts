import type { Tx } from '../../db/index.ts';

export interface AuditEntryView {
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly purpose: string | null;
  readonly subjectType: string | null;
  readonly subjectId: string | null;
  readonly outcome: string;
  readonly details: Record<string, unknown>;
  readonly requestId: string | null;
  readonly chainHash: string;
}

export interface AuditFilter {
  readonly subjectId?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly outcome?: 'allowed' | 'denied' | 'done' | 'failed';
  readonly from?: Date;
  readonly to?: Date;
  /** Keyset paging: entries before this sequence number. */
  readonly before?: number;
  readonly limit?: number;
}

/** Newest first, keyset-paged by sequence number. */
export async function listAudit(tx: Tx, f: AuditFilter): Promise<AuditEntryView[]> {
  let q = tx
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(Math.min(f.limit ?? 100, 500));
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action) q = q.where('action', 'like', `${f.action.replace(/[%_]/g, '')}%`);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.before) q = q.where('seq', '<', f.before);
  return (await q.execute()).map((r) => ({
    seq: Number(r.seq),
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    purpose: r.purpose,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    outcome: r.outcome,
    details: r.details,
    requestId: r.request_id,
    chainHash: r.chain_hash.toString('hex'),
  }));
}
