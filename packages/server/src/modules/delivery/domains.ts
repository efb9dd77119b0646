import { type Selectable, sql } from 'kysely';
import type { SendingDomainsTable, Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, type Scope, systemActor } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { COMPLAINT_WINDOW_MS, complaintRate, type DomainState, nextDomainState } from './complaints.ts';

/** A sending domain's standing under the complaint-rate breaker (R20). */
export interface DomainHealth {
  readonly domain: string;
  readonly state: DomainState;
  readonly sent: number;
  readonly complaints: number;
  readonly rate: number;
  readonly measuredAt: Date;
  readonly changedAt: Date;
  readonly resumedAt: Date | null;
  readonly resumedBy: string | null;
}

const healthOf = (r: Selectable<SendingDomainsTable>): DomainHealth => ({
  domain: r.domain,
  state: r.state,
  sent: r.sent,
  complaints: r.complaints,
  rate: complaintRate(r.sent, r.complaints),
  measuredAt: new Date(r.measured_at),
  changedAt: new Date(r.changed_at),
  resumedAt: r.resumed_at ? new Date(r.resumed_at) : null,
  resumedBy: r.resumed_by,
});

const AUDIT_ACTION: Readonly<Record<DomainState, string>> = {
  ok: 'delivery.domain_ok',
  alert: 'delivery.domain_alert',
  paused: 'delivery.domain_paused',
};

/**
 * Measures a domain's rolling 24-hour complaint rate — complaints about the e-mails it sent in the
 * window, over those e-mails — and moves it between ok, alert and paused (R20); each change is
 * audited. After a person resumes it, the window starts then: a late complaint about an e-mail
 * from before the pause does not trip it again.
 */
export async function measureDomain(
  tx: Tx,
  clock: Clock,
  tenantId: string,
  domain: string,
): Promise<DomainHealth> {
  const now = clock.now();
  const previous = await tx
    .selectFrom('sending_domains')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('domain', '=', domain)
    .forUpdate()
    .executeTakeFirst();
  const windowStart = new Date(now.getTime() - COMPLAINT_WINDOW_MS);
  const since =
    previous?.resumed_at && new Date(previous.resumed_at) > windowStart
      ? new Date(previous.resumed_at)
      : windowStart;
  const counts = await sql<{ sent: number; complaints: number }>`
    SELECT
      (SELECT count(*) FROM outbox_messages
        WHERE tenant_id = ${tenantId} AND sender_domain = ${domain} AND sent_at >= ${since})::int AS sent,
      (SELECT count(*) FROM delivery_provider_events e
        JOIN outbox_messages o ON o.tenant_id = e.tenant_id AND o.id = e.message_id
        WHERE e.tenant_id = ${tenantId} AND e.kind = 'receipt.complained' AND e.received_at >= ${since}
          AND o.sender_domain = ${domain} AND o.sent_at >= ${since})::int AS complaints`.execute(tx);
  const { sent, complaints } = counts.rows[0] ?? { sent: 0, complaints: 0 };
  const before: DomainState = previous?.state ?? 'ok';
  const state = nextDomainState(before, complaintRate(sent, complaints));
  const changed = state !== before;
  const row = await tx
    .insertInto('sending_domains')
    .values({
      tenant_id: tenantId,
      domain,
      state,
      sent,
      complaints,
      measured_at: now,
      changed_at: changed || !previous ? now : previous.changed_at,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'domain']).doUpdateSet((eb) => ({
        state: eb.ref('excluded.state'),
        sent: eb.ref('excluded.sent'),
        complaints: eb.ref('excluded.complaints'),
        measured_at: eb.ref('excluded.measured_at'),
        changed_at: eb.ref('excluded.changed_at'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  const health = healthOf(row);
  if (changed) {
    await appendAudit(
      tx,
      clock,
      { tenantId, actor: systemActor('delivery'), purpose: 'registry.operations' },
      [
        {
          action: AUDIT_ACTION[state],
          outcome: 'done',
          subjectType: 'sending_domain',
          details: { domain, from: before, sent, complaints, rate: health.rate },
        },
      ],
    );
  }
  return health;
}

/** Domains whose advertising e-mail waits for a person (R20). */
export async function pausedDomains(tx: Tx, tenantId: string): Promise<Set<string>> {
  const rows = await tx
    .selectFrom('sending_domains')
    .select('domain')
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'paused')
    .execute();
  return new Set(rows.map((r) => r.domain));
}

export async function listDomains(tx: Tx, tenantId: string): Promise<DomainHealth[]> {
  const rows = await tx
    .selectFrom('sending_domains')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('domain')
    .execute();
  return rows.map(healthOf);
}

/** Every domain the breaker knows of, measured again: an alert clears as complaints age out. */
export async function remeasureDomains(tx: Tx, clock: Clock, tenantId: string): Promise<DomainHealth[]> {
  const out: DomainHealth[] = [];
  // A handful of domains per clinic: one measurement each.
  for (const d of await listDomains(tx, tenantId))
    out.push(await measureDomain(tx, clock, tenantId, d.domain));
  return out;
}

/**
 * A person resumes advertising from a paused domain, having dealt with the cause: complaints
 * before now no longer count, new ones trip the breaker again.
 */
export async function resumeDomain(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  domain: string,
): Promise<DomainHealth> {
  const now = clock.now();
  const row = await tx
    .updateTable('sending_domains')
    .set({
      state: 'ok',
      changed_at: now,
      resumed_at: now,
      resumed_by: actorId(scope.actor),
      sent: 0,
      complaints: 0,
    })
    .where('tenant_id', '=', scope.tenantId)
    .where('domain', '=', domain)
    .where('state', '=', 'paused')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'This domain is not paused.');
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'delivery.domain_resumed',
      outcome: 'done',
      subjectType: 'sending_domain',
      details: { domain },
    },
  ]);
  return healthOf(row);
}
