import type { CandidateReason, EvidenceLevel, Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { maskDigits, maskEmail, maskPhone, type Revealable, unsealPatient } from '../patients/index.ts';
import { classesFor, requireClasses } from '../policy/index.ts';
import { MERGE_CLASSES } from './merge.ts';

/** One side of a candidate pair, as the reviewer sees it. */
export interface ReviewSide {
  readonly id: string;
  readonly lastName: string;
  readonly firstName: string;
  readonly middleName?: string;
  readonly birthDate?: string;
  readonly sex: string | null;
  readonly city: string | null;
  readonly phone?: string;
  readonly email?: string;
  readonly snils?: string;
  readonly omsPolicy?: string;
  readonly visits: number;
  readonly createdAt: string;
}

export interface ReviewItem {
  readonly id: string;
  readonly probability: number;
  readonly weight: number;
  readonly reason: CandidateReason;
  readonly evidence: readonly EvidenceLevel[];
  readonly a: ReviewSide;
  readonly b: ReviewSide;
  readonly createdAt: string;
}

export interface ReviewPage {
  readonly items: readonly ReviewItem[];
  readonly total: number;
  readonly revealed: readonly Revealable[];
  /** The cursor of the next page, or null on the last one. */
  readonly next: string | null;
}

const MAX_PAGE = 100;

/**
 * A page cursor: the sort key (probability, id) of the last pair shown, opaque to callers.
 * The probability travels as JSON, which round-trips a double exactly.
 */
export const encodeCursor = (probability: number, id: string): string =>
  Buffer.from(JSON.stringify([probability, id])).toString('base64url');

const decodeCursor = (cursor: string): { probability: number; id: string } => {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    !Array.isArray(value) ||
    typeof value[0] !== 'number' ||
    !Number.isFinite(value[0]) ||
    !isUuid(value[1])
  )
    throw new AppError('VALIDATION_FAILED', 'The page cursor is not valid.', [
      { field: 'cursor', issue: 'invalid' },
    ]);
  return { probability: value[0], id: value[1] as string };
};

/**
 * The open review queue, strongest pairs first, both records side by side. Values are
 * decrypted for the reader only now (the queue itself holds agreement levels), masked
 * unless the role may read contacts and asked to reveal them; every pair shown is audited.
 * Pages by keyset: `cursor` (the previous page's `next`) resumes after the last pair shown,
 * reading on along identity_candidates_open_idx (tenant, probability desc, id) however deep
 * the page. `offset` is still accepted when there is no cursor, for older callers.
 */
export async function listReviewQueue(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  page: { limit?: number; offset?: number; cursor?: string; reveal?: readonly Revealable[] } = {},
): Promise<ReviewPage> {
  requireClasses(scope, 'read', ['identity']);
  const classes = classesFor(scope, 'read');
  const reveal = new Set(
    (page.reveal ?? []).filter((r) =>
      r === 'phone' || r === 'email' ? classes.has('contact') : classes.has('identity'),
    ),
  );
  const limit = Math.min(Math.max(page.limit ?? 20, 1), MAX_PAGE);
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const offset = after ? 0 : Math.max(page.offset ?? 0, 0);
  const base = tx
    .selectFrom('identity_candidates as c')
    .innerJoin('patients as pa', (j) => j.onRef('pa.id', '=', 'c.patient_a').on('pa.status', '=', 'active'))
    .innerJoin('patients as pb', (j) => j.onRef('pb.id', '=', 'c.patient_b').on('pb.status', '=', 'active'))
    .where('c.status', '=', 'open');
  let pageQuery = base;
  if (after)
    pageQuery = pageQuery
      // The first condition bounds the index range; the second drops the ties already shown.
      .where('c.probability', '<=', after.probability)
      .where((eb) =>
        eb.or([
          eb('c.probability', '<', after.probability),
          eb.and([eb('c.probability', '=', after.probability), eb('c.id', '>', after.id)]),
        ]),
      );
  const [fetched, total] = await Promise.all([
    pageQuery
      .select([
        'c.id',
        'c.patient_a',
        'c.patient_b',
        'c.probability',
        'c.weight',
        'c.reason',
        'c.evidence',
        'c.created_at',
      ])
      .orderBy('c.probability', 'desc')
      .orderBy('c.id')
      // One more than the page: whether there is a next page, without a second query.
      .limit(limit + 1)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const rows = fetched.slice(0, limit);
  const last = rows.at(-1);
  const next = fetched.length > limit && last ? encodeCursor(last.probability, last.id) : null;
  const ids = [...new Set(rows.flatMap((r) => [r.patient_a, r.patient_b]))];
  const sides = new Map<string, ReviewSide>();
  if (ids.length > 0) {
    const [patients, visits] = await Promise.all([
      tx
        .selectFrom('patients')
        .select([
          'id',
          'key_version',
          'key_wrapped',
          'identity_enc',
          'contact_enc',
          'sex',
          'city',
          'created_at',
        ])
        .where('id', 'in', ids)
        .execute(),
      tx
        .selectFrom('visits')
        .select(['patient_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('patient_id', 'in', ids)
        .groupBy('patient_id')
        .execute(),
    ]);
    const visitCount = new Map(visits.map((v) => [v.patient_id, Number(v.n)]));
    const wantContact = classes.has('contact');
    for (const p of patients) {
      const plain = unsealPatient(keys, p, { identity: true, contact: wantContact });
      const id = plain.identity;
      const ct = plain.contact;
      if (!id) continue;
      sides.set(p.id, {
        id: p.id,
        lastName: id.lastName,
        firstName: id.firstName,
        ...(id.middleName ? { middleName: id.middleName } : {}),
        ...(id.birthDate ? { birthDate: id.birthDate } : {}),
        sex: p.sex,
        city: p.city,
        ...(ct?.phone ? { phone: reveal.has('phone') ? ct.phone : maskPhone(ct.phone) } : {}),
        ...(ct?.email ? { email: reveal.has('email') ? ct.email : maskEmail(ct.email) } : {}),
        ...(id.snils ? { snils: reveal.has('snils') ? id.snils : maskDigits(id.snils) } : {}),
        ...(id.omsPolicy
          ? { omsPolicy: reveal.has('omsPolicy') ? id.omsPolicy : maskDigits(id.omsPolicy, 4) }
          : {}),
        visits: visitCount.get(p.id) ?? 0,
        createdAt: p.created_at.toISOString(),
      });
    }
  }
  const items: ReviewItem[] = [];
  for (const r of rows) {
    const a = sides.get(r.patient_a);
    const b = sides.get(r.patient_b);
    if (!a || !b) continue;
    items.push({
      id: r.id,
      probability: r.probability,
      weight: r.weight,
      reason: r.reason,
      evidence: r.evidence,
      a,
      b,
      createdAt: r.created_at.toISOString(),
    });
  }
  await appendAudit(
    tx,
    clock,
    auditContextOf(scope),
    items.map((i) => ({
      action: reveal.size > 0 ? 'identity.review.reveal' : 'identity.review.read',
      outcome: 'allowed' as const,
      subjectType: 'identity_candidate',
      subjectId: i.id,
      details: { patients: [i.a.id, i.b.id], revealed: [...reveal].sort() },
    })),
  );
  return { items, total: Number(total.n), revealed: [...reveal], next };
}

/** An open candidate of this tenant (another tenant's is simply not found). */
export async function openCandidate(
  tx: Tx,
  candidateId: string,
): Promise<{ id: string; patient_a: string; patient_b: string; probability: number }> {
  if (!isUuid(candidateId)) throw new AppError('NOT_FOUND', 'No such candidate pair.');
  const c = await tx
    .selectFrom('identity_candidates')
    .select(['id', 'patient_a', 'patient_b', 'probability', 'status'])
    .where('id', '=', candidateId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw new AppError('NOT_FOUND', 'No such candidate pair.');
  if (c.status !== 'open') throw new AppError('CONFLICT', `This pair was already ${c.status}.`);
  return c;
}

/** "Not the same person": the pair leaves the queue and is never proposed or merged again. */
export async function rejectCandidate(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  candidateId: string,
): Promise<void> {
  requireClasses(scope, 'write', [...MERGE_CLASSES]);
  const c = await openCandidate(tx, candidateId);
  const now = clock.now();
  await tx
    .updateTable('identity_candidates')
    .set({ status: 'rejected', resolved_by: actorId(scope.actor), resolved_at: now, updated_at: now })
    .where('id', '=', c.id)
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'identity.reject',
      outcome: 'done',
      subjectType: 'identity_candidate',
      subjectId: c.id,
      details: { patients: [c.patient_a, c.patient_b] },
    },
  ]);
}

export interface MergeView {
  readonly id: string;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly method: 'auto' | 'manual';
  readonly probability: number | null;
  readonly actor: string;
  readonly mergedAt: string;
  readonly undoneAt: string | null;
  readonly undoneBy: string | null;
}

/**
 * Merges, newest first, optionally for one patient (as survivor or merged record). Pages
 * by keyset with `before` (the last merge of the previous page: ids are time-ordered), along
 * the primary key however deep; `offset` is still accepted without it.
 */
export async function listMerges(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  filter: { patientId?: string; limit?: number; offset?: number; before?: string } = {},
): Promise<MergeView[]> {
  requireClasses(scope, 'read', ['identity']);
  let q = tx
    .selectFrom('patient_merges')
    .select([
      'id',
      'survivor_id',
      'merged_id',
      'method',
      'probability',
      'actor',
      'merged_at',
      'undone_at',
      'undone_by',
    ]);
  if (filter.patientId) {
    if (!isUuid(filter.patientId)) return [];
    const p = filter.patientId;
    q = q.where((eb) => eb.or([eb('survivor_id', '=', p), eb('merged_id', '=', p)]));
  }
  if (filter.before) {
    if (!isUuid(filter.before)) return [];
    q = q.where('id', '<', filter.before);
  }
  const rows = await q
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(filter.limit ?? 50, 1), 200))
    .offset(filter.before ? 0 : Math.max(filter.offset ?? 0, 0))
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'identity.merges.read',
      outcome: 'allowed',
      details: { count: rows.length, ...(filter.patientId ? { patientId: filter.patientId } : {}) },
    },
  ]);
  return rows.map((r) => ({
    id: r.id,
    survivorId: r.survivor_id,
    mergedId: r.merged_id,
    method: r.method,
    probability: r.probability,
    actor: r.actor,
    mergedAt: r.merged_at.toISOString(),
    undoneAt: r.undone_at?.toISOString() ?? null,
    undoneBy: r.undone_by,
  }));
}
