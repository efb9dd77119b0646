import type { Channel, DataClass, Purpose, SegmentRule } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { requireClasses } from '../policy/index.ts';
import { planSegment, type SegmentPlan } from './plan.ts';

/** A saved segment: its definition and what planning it decided (purpose, health basis, classes). */
export interface Segment {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly rule: SegmentRule;
  readonly requestedPurpose: Purpose;
  readonly purpose: Purpose;
  readonly channel: Channel | null;
  readonly healthBased: boolean;
  readonly dataClasses: readonly DataClass[];
  readonly version: number;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SegmentInput {
  readonly name: string;
  readonly description?: string | null;
  readonly rule: unknown;
  readonly purpose: Purpose;
  readonly channel?: Channel | null;
}

type Row = {
  id: string;
  name: string;
  description: string | null;
  rule: unknown;
  requested_purpose: string;
  purpose: string;
  channel: Channel | null;
  health_based: boolean;
  data_classes: string[];
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

const view = (r: Row): Segment => ({
  id: r.id,
  name: r.name,
  description: r.description,
  rule: (typeof r.rule === 'string' ? JSON.parse(r.rule) : r.rule) as SegmentRule,
  requestedPurpose: r.requested_purpose as Purpose,
  purpose: r.purpose as Purpose,
  channel: r.channel,
  healthBased: r.health_based,
  dataClasses: r.data_classes as DataClass[],
  version: r.version,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** Defining a segment is the `segment` action under the purpose the rule really needs. */
const planFor = (
  scope: Scope,
  input: { rule: unknown; purpose: Purpose; channel?: Channel | null },
): SegmentPlan => {
  const plan = planSegment(input);
  requireClasses(
    { ...scope, purpose: plan.purpose },
    'segment',
    plan.dataClasses.length > 0 ? plan.dataClasses : ['demographic'],
  );
  return plan;
};

export async function createSegment(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: SegmentInput,
): Promise<Segment> {
  const plan = planFor(scope, input);
  const now = clock.now();
  const row = await tx
    .insertInto('segments')
    .values({
      tenant_id: scope.tenantId,
      id: newId(),
      name: input.name.trim(),
      description: input.description ?? null,
      rule: JSON.stringify(plan.rule),
      requested_purpose: plan.requestedPurpose,
      purpose: plan.purpose,
      channel: plan.channel,
      health_based: plan.healthBased,
      data_classes: [...plan.dataClasses],
      created_by: actorId(scope.actor),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(tx, clock, auditContextOf({ ...scope, purpose: plan.purpose }), [
    {
      action: 'segment.created',
      outcome: 'done',
      subjectType: 'segment',
      subjectId: row.id,
      details: { healthBased: plan.healthBased, classes: [...plan.dataClasses] },
    },
  ]);
  return view(row as Row);
}

export async function getSegment(tx: Tx, id: string): Promise<Segment> {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', 'No such segment.');
  const row = await tx.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such segment.');
  return view(row as Row);
}

export async function listSegments(tx: Tx): Promise<Segment[]> {
  const rows = await tx.selectFrom('segments').selectAll().orderBy('updated_at', 'desc').limit(500).execute();
  return rows.map((r) => view(r as Row));
}

/** A change to a saved segment; `version`, when given, is the one the editor started from. */
export type SegmentChange = Partial<SegmentInput> & { readonly version?: number };

const STALE = 'The segment was changed meanwhile; reload it and edit again.';

/** Changing or deleting needs the right to define the segment as it stands, not only as it will be. */
const requireCurrent = (scope: Scope, current: Segment): SegmentPlan =>
  planFor(scope, { rule: current.rule, purpose: current.requestedPurpose, channel: current.channel });

export async function updateSegment(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  id: string,
  patch: SegmentChange,
): Promise<Segment> {
  const current = await getSegment(tx, id);
  requireCurrent(scope, current);
  if (patch.version !== undefined && patch.version !== current.version) throw new AppError('CONFLICT', STALE);
  const next = {
    name: patch.name ?? current.name,
    description: patch.description === undefined ? current.description : patch.description,
    rule: patch.rule ?? current.rule,
    purpose: patch.purpose ?? current.requestedPurpose,
    channel: patch.channel === undefined ? current.channel : patch.channel,
  };
  const plan = planFor(scope, next);
  // The version read above must still be the stored one: a concurrent change makes this a conflict.
  const row = await tx
    .updateTable('segments')
    .set({
      name: next.name.trim(),
      description: next.description,
      rule: JSON.stringify(plan.rule),
      requested_purpose: plan.requestedPurpose,
      purpose: plan.purpose,
      channel: plan.channel,
      health_based: plan.healthBased,
      data_classes: [...plan.dataClasses],
      version: current.version + 1,
      updated_at: clock.now(),
    })
    .where('id', '=', id)
    .where('version', '=', current.version)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('CONFLICT', STALE);
  await appendAudit(tx, clock, auditContextOf({ ...scope, purpose: plan.purpose }), [
    {
      action: 'segment.updated',
      outcome: 'done',
      subjectType: 'segment',
      subjectId: id,
      details: {
        healthBased: plan.healthBased,
        classes: [...plan.dataClasses],
        version: row.version,
        previousVersion: current.version,
      },
    },
  ]);
  return view(row as Row);
}

/**
 * Deletes a definition nobody froze an audience from: a snapshot keeps its segment for the
 * campaigns' history, so a segment with snapshots is a CONFLICT and stays.
 */
export async function deleteSegment(tx: Tx, clock: Clock, scope: Scope, id: string): Promise<void> {
  const current = await getSegment(tx, id);
  const plan = requireCurrent(scope, current);
  const used = await tx
    .selectFrom('segment_snapshots')
    .select('id')
    .where('segment_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (used) throw new AppError('CONFLICT', 'Audiences were frozen from this segment; it is kept for them.');
  await tx.deleteFrom('segments').where('id', '=', id).execute();
  await appendAudit(tx, clock, auditContextOf({ ...scope, purpose: plan.purpose }), [
    {
      action: 'segment.deleted',
      outcome: 'done',
      subjectType: 'segment',
      subjectId: id,
      details: { healthBased: current.healthBased, version: current.version },
    },
  ]);
}
