import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { isConsentKind, requiresWrittenForm } from './kinds.ts';
import { bodyHash, publicationProblems } from './templates.ts';

export interface ConsentDocument {
  readonly id: string;
  readonly kind: string;
  readonly version: number;
  readonly locale: 'ru' | 'en';
  readonly title: string;
  readonly body: string;
  readonly status: 'draft' | 'published' | 'retired';
  readonly writtenForm: boolean;
  readonly widens: boolean;
  readonly hash: string;
  readonly publishedAt: Date | null;
}

const toDocument = (r: {
  id: string;
  kind: string;
  version: number;
  locale: 'ru' | 'en';
  title: string;
  body: string;
  status: 'draft' | 'published' | 'retired';
  written_form: boolean;
  widens: boolean;
  body_hash: Buffer;
  published_at: Date | null;
}): ConsentDocument => ({
  id: r.id,
  kind: r.kind,
  version: r.version,
  locale: r.locale,
  title: r.title,
  body: r.body,
  status: r.status,
  writtenForm: r.written_form,
  widens: r.widens,
  hash: r.body_hash.toString('hex'),
  publishedAt: r.published_at,
});

/** Only the owner manages consent texts: they are the clinic's legal commitments. */
const requireOwner = (scope: Scope): void => {
  if (scope.actor.kind === 'staff' && scope.actor.role !== 'owner') throw new AppError('ROLE_NOT_PERMITTED');
};

/** A new draft version of a kind's text (R12): existing grants stay bound to their own version. */
export async function draftDocument(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: { kind: string; locale: 'ru' | 'en'; title: string; body: string; widens?: boolean },
): Promise<ConsentDocument> {
  requireOwner(scope);
  if (!isConsentKind(input.kind)) {
    throw new AppError('VALIDATION_FAILED', `Unknown consent kind ${input.kind}.`, [
      { field: 'kind', issue: 'unknown' },
    ]);
  }
  const last = await tx
    .selectFrom('consent_documents')
    .select((e) => e.fn.max('version').as('v'))
    .where('kind', '=', input.kind)
    .where('locale', '=', input.locale)
    .executeTakeFirst();
  const row = await tx
    .insertInto('consent_documents')
    .values({
      tenant_id: scope.tenantId,
      id: newId(),
      kind: input.kind,
      version: (last?.v ?? 0) + 1,
      locale: input.locale,
      title: input.title,
      body: input.body,
      body_hash: bodyHash(input.body),
      written_form: requiresWrittenForm(input.kind),
      widens: input.widens ?? false,
      created_by: actorId(scope.actor),
      created_at: clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'consent_document.drafted',
      outcome: 'done',
      subjectType: 'consent_document',
      subjectId: row.id,
      details: { kind: row.kind, version: row.version },
    },
  ]);
  return toDocument(row);
}

/**
 * Publishes a draft. A Russian written-form text must name all nine elements of
 * 152-FZ art. 9(4) first (R5). The previous published version of the kind retires;
 * when the new one widens what is agreed to, grants of older versions are
 * superseded (R12) in one set-based statement.
 */
export async function publishDocument(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  documentId: string,
): Promise<ConsentDocument> {
  requireOwner(scope);
  const doc = await tx
    .selectFrom('consent_documents')
    .selectAll()
    .where('id', '=', documentId)
    .forUpdate()
    .executeTakeFirst();
  if (!doc) throw new AppError('NOT_FOUND', 'No such consent text.');
  if (doc.status !== 'draft') throw new AppError('CONFLICT', 'Only a draft can be published.');
  const problems = publicationProblems(doc);
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'The text lacks required elements of a written consent (152-FZ art. 9(4)).',
      problems.map((p) => ({ field: 'body', issue: p })),
    );
  }
  const now = clock.now();
  await tx
    .updateTable('consent_documents')
    .set({ status: 'retired' })
    .where('kind', '=', doc.kind)
    .where('locale', '=', doc.locale)
    .where('status', '=', 'published')
    .execute();
  const row = await tx
    .updateTable('consent_documents')
    .set({ status: 'published', published_at: now })
    .where('id', '=', documentId)
    .returningAll()
    .executeTakeFirstOrThrow();
  let superseded = 0;
  if (doc.widens) {
    const r = await sql<{ n: number }>`
      WITH old AS (
        SELECT s.patient_id, s.kind, s.channel, gen_random_uuid() AS event_id
        FROM consent_state s JOIN consent_documents d ON d.tenant_id = s.tenant_id AND d.id = s.document_id
        WHERE s.kind = ${doc.kind} AND s.status = 'granted' AND d.version < ${doc.version}
      ), ev AS (
        INSERT INTO consent_events (tenant_id, id, patient_id, kind, channel, event, capture_method, actor, occurred_at, recorded_at)
        SELECT ${scope.tenantId}, event_id, patient_id, kind, channel, 'superseded', 'system', ${actorId(scope.actor)}, ${now}, ${now} FROM old
        RETURNING patient_id, id
      )
      UPDATE consent_state s SET status = 'superseded', since = ${now}, event_id = ev.id, expires_at = NULL
      FROM ev WHERE s.patient_id = ev.patient_id AND s.kind = ${doc.kind}
      RETURNING 1`.execute(tx);
    superseded = r.rows.length;
  }
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'consent_document.published',
      outcome: 'done',
      subjectType: 'consent_document',
      subjectId: documentId,
      details: { kind: doc.kind, version: doc.version, superseded },
    },
  ]);
  return toDocument(row);
}

export async function listDocuments(
  tx: Tx,
  filter: { status?: 'draft' | 'published' | 'retired' } = {},
): Promise<ConsentDocument[]> {
  let q = tx
    .selectFrom('consent_documents')
    .selectAll()
    .orderBy('kind')
    .orderBy('locale')
    .orderBy('version', 'desc');
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.execute()).map(toDocument);
}
