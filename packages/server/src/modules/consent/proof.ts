import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { consentHistory } from './reads.ts';
import { bodyHash } from './templates.ts';

/**
 * A self-contained proof of a patient's consents (R2): every ledger event with its
 * capture method and evidence, the exact texts agreed to with their SHA-256 (which
 * anyone can recompute from the text), and the audit entries that journaled each
 * event with their leaf and chain hashes, against the current head of the chain.
 */
export interface ConsentProof {
  readonly patientId: string;
  readonly generatedAt: string;
  readonly documents: readonly {
    id: string;
    kind: string;
    version: number;
    locale: string;
    title: string;
    body: string;
    sha256: string;
    verified: boolean;
  }[];
  readonly events: Awaited<ReturnType<typeof consentHistory>>;
  readonly journal: readonly {
    seq: number;
    at: string;
    action: string;
    eventId: string | null;
    leafHash: string;
    chainHash: string;
  }[];
  readonly chainHead: { seq: number; chainHash: string };
}

export async function consentProof(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
): Promise<ConsentProof> {
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const events = await consentHistory(tx, keys, clock, scope, patientId, true);
  const docIds = [...new Set(events.flatMap((e) => (e.document ? [e.document.id] : [])))];
  const docs = docIds.length
    ? await tx.selectFrom('consent_documents').selectAll().where('id', 'in', docIds).execute()
    : [];
  const journal = await tx
    .selectFrom('audit_log')
    .select(['seq', 'at', 'action', 'details', 'leaf_hash', 'chain_hash'])
    .where('subject_id', '=', patientId)
    .where('action', 'in', ['consent.granted', 'consent.withdrawn'])
    .orderBy('seq')
    .execute();
  const head = await tx
    .selectFrom('audit_heads')
    .select(['seq', 'chain_hash'])
    .where('tenant_id', '=', scope.tenantId)
    .executeTakeFirstOrThrow();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'consent.proof_issued',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: { events: events.length },
    },
  ]);
  return {
    patientId,
    generatedAt: clock.now().toISOString(),
    documents: docs.map((d) => ({
      id: d.id,
      kind: d.kind,
      version: d.version,
      locale: d.locale,
      title: d.title,
      body: d.body,
      sha256: d.body_hash.toString('hex'),
      verified: bodyHash(d.body).equals(d.body_hash),
    })),
    events,
    journal: journal.map((j) => ({
      seq: Number(j.seq),
      at: new Date(j.at).toISOString(),
      action: j.action,
      eventId: typeof j.details.eventId === 'string' ? j.details.eventId : null,
      leafHash: j.leaf_hash.toString('hex'),
      chainHash: j.chain_hash.toString('hex'),
    })),
    chainHead: { seq: Number(head.seq), chainHash: head.chain_hash.toString('hex') },
  };
}
