import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { getTenant } from '../tenants/index.ts';
import { breachDeadlines, type Deadline, koapTier, NOTICES, type Notice } from './clocks.ts';

export interface IncidentInput {
  readonly title: string;
  readonly description: string;
  readonly detectedAt: Date;
  /** The window of the audit log the incident concerns, and optionally the one actor behind it. */
  readonly scope: { readonly from: Date; readonly to: Date; readonly actor?: string };
}

export interface Incident {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly detectedAt: Date;
  readonly recordedAt: Date;
  readonly recordedBy: string;
  readonly scope: { readonly from: Date; readonly to: Date; readonly actor: string | null };
  /** Patients whose records the scope touched, counted from the audit log. */
  readonly affected: number;
  readonly koapTier: 0 | 1 | 2 | 3;
  readonly deadlines: readonly (Deadline & { readonly sentAt: Date | null; readonly overdue: boolean })[];
  readonly closedAt: Date | null;
}

const aad = (tenantId: string, id: string) => `${tenantId}/incident/${id}`;

/**
 * The patients an incident touched: every patient the audit log shows as the subject of an access
 * in the window (by the actor, if one is named). One indexed range scan of the log.
 */
export async function countAffected(
  tx: Tx,
  tenantId: string,
  scope: IncidentInput['scope'],
): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(DISTINCT subject_id)::int AS n FROM audit_log
    WHERE tenant_id = ${tenantId} AND at >= ${scope.from} AND at <= ${scope.to}
      AND subject_type = 'patient' AND outcome IN ('allowed', 'done')
      AND (${scope.actor ?? null}::text IS NULL OR actor = ${scope.actor ?? null})`.execute(tx);
  return r.rows[0]?.n ?? 0;
}

export async function recordIncident(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  input: IncidentInput,
): Promise<string> {
  const now = clock.now();
  const problems = [
    ...(input.title.trim() ? [] : [{ field: 'title', issue: 'required' }]),
    ...(input.detectedAt > now ? [{ field: 'detectedAt', issue: 'in the future' }] : []),
    ...(input.scope.from > input.scope.to
      ? [{ field: 'scope', issue: 'the window ends before it starts' }]
      : []),
  ];
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 'The incident is incomplete.', problems);
  const id = newId();
  const affected = await countAffected(tx, scope.tenantId, input.scope);
  const sealed = keys.sealForTenant(
    Buffer.from(JSON.stringify({ title: input.title.trim(), description: input.description })),
    aad(scope.tenantId, id),
  );
  await tx
    .insertInto('incidents')
    .values({
      tenant_id: scope.tenantId,
      id,
      detected_at: input.detectedAt,
      recorded_at: now,
      recorded_by: actorId(scope.actor),
      key_version: sealed.version,
      summary_enc: sealed.sealed,
      scope_from: input.scope.from,
      scope_to: input.scope.to,
      scope_actor: input.scope.actor ?? null,
      affected,
    })
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'incident.recorded',
      outcome: 'done',
      subjectType: 'incident',
      subjectId: id,
      details: { affected },
    },
  ]);
  return id;
}

/** The register, newest first, decrypted; `only` narrows it to one incident. */
export async function listIncidents(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  tenantId: string,
  only?: string,
): Promise<Incident[]> {
  const [tenant, rows] = await Promise.all([
    getTenant(tx, tenantId),
    tx
      .selectFrom('incidents')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(only !== undefined, (q) => q.where('id', '=', only ?? ''))
      .orderBy('detected_at', 'desc')
      .execute(),
  ]);
  const now = clock.now();
  return rows.map((r) => {
    const summary = JSON.parse(
      keys.openForTenant(r.key_version, r.summary_enc, aad(tenantId, r.id)).toString('utf8'),
    ) as { title: string; description: string };
    const detectedAt = new Date(r.detected_at);
    return {
      id: r.id,
      ...summary,
      detectedAt,
      recordedAt: new Date(r.recorded_at),
      recordedBy: r.recorded_by,
      scope: { from: new Date(r.scope_from), to: new Date(r.scope_to), actor: r.scope_actor },
      affected: r.affected,
      koapTier: koapTier(r.affected),
      deadlines: breachDeadlines(detectedAt, tenant.jurisdiction, r.affected).map((d) => {
        const sent = r.notified[d.notice];
        return {
          ...d,
          sentAt: sent ? new Date(sent) : null,
          overdue: !sent && r.closed_at === null && d.due < now,
        };
      }),
      closedAt: r.closed_at ? new Date(r.closed_at) : null,
    };
  });
}

/** Records that a notice went out (once); the clock for it stops. */
export async function recordNotice(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  id: string,
  notice: Notice,
): Promise<void> {
  if (!NOTICES.includes(notice)) throw new AppError('VALIDATION_FAILED', 'Unknown notice.');
  const now = clock.now();
  const r = await tx
    .updateTable('incidents')
    .set({ notified: sql`notified || jsonb_build_object(${notice}::text, ${now.toISOString()}::text)` })
    .where('tenant_id', '=', scope.tenantId)
    .where('id', '=', id)
    .where(sql<boolean>`NOT notified ? ${notice}`)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError('CONFLICT', 'No such incident, or this notice is already recorded.');
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'incident.notified',
      outcome: 'done',
      subjectType: 'incident',
      subjectId: id,
      details: { notice },
    },
  ]);
}
