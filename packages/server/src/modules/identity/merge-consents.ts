import { sql } from 'kysely';
import { chunks, type Tx, valuesList } from '../../db/index.ts';
import { actorId, type Clock, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';

/** One merge of a batch: which record went into which. */
export interface MergeStep {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly mergedId: string;
}

interface ConsentRow {
  kind: string;
  channel: string | null;
  status: string;
  since: Date;
  expires_at: Date | null;
  event_id: string;
  document_id: string | null;
}

/** A consent state the merge ended (survivor: withdrawn; merged record: superseded), with the state it replaced. */
export interface ConsentChange {
  readonly patientId: string;
  readonly kind: string;
  readonly eventId: string;
  readonly previous: {
    status: string;
    since: string;
    expiresAt: string | null;
    eventId: string;
    documentId: string | null;
  };
}

/**
 * Consent never widens on a merge. A kind withdrawn on the merged record and granted on
 * the survivor is withdrawn on the survivor too: whoever the person told "no" on either
 * record, the answer stands. The merged record's own grants are not carried over; they
 * are superseded on the ledger, so nothing can reach the merged record either. Steps into
 * one survivor apply in order (a kind the first withdrew is no longer granted for the
 * second); the ledger events and state changes of the whole batch are written at once.
 */
export async function carryWithdrawals(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  steps: readonly MergeStep[],
): Promise<Map<string, ConsentChange[]>> {
  const ids = [...new Set(steps.flatMap((st) => [st.survivorId, st.mergedId]))];
  const states = new Map<string, ConsentRow[]>();
  for (const part of chunks(ids)) {
    const rows = await tx
      .selectFrom('consent_state')
      .select(['patient_id', 'kind', 'channel', 'status', 'since', 'expires_at', 'event_id', 'document_id'])
      .where('patient_id', 'in', part)
      .orderBy('patient_id')
      .orderBy('kind')
      .forUpdate()
      .execute();
    for (const { patient_id, ...r } of rows) states.set(patient_id, [...(states.get(patient_id) ?? []), r]);
  }
  const now = clock.now();
  const byMerge = new Map<string, ConsentChange[]>();
  const events: {
    patientId: string;
    prev: ConsentRow;
    event: 'withdrawn' | 'superseded';
    eventId: string;
  }[] = [];
  // The survivors' granted kinds as the batch goes: a withdrawal carried over ends a grant for later steps.
  const granted = new Map<string, Map<string, ConsentRow>>();
  for (const st of steps) {
    let g = granted.get(st.survivorId);
    if (!g) {
      g = new Map(
        (states.get(st.survivorId) ?? []).filter((r) => r.status === 'granted').map((r) => [r.kind, r]),
      );
      granted.set(st.survivorId, g);
    }
    const changes: ConsentChange[] = [];
    const end = (patientId: string, prev: ConsentRow, event: 'withdrawn' | 'superseded') => {
      const eventId = newId();
      events.push({ patientId, prev, event, eventId });
      changes.push({
        patientId,
        kind: prev.kind,
        eventId,
        previous: {
          status: prev.status,
          since: prev.since.toISOString(),
          expiresAt: prev.expires_at?.toISOString() ?? null,
          eventId: prev.event_id,
          documentId: prev.document_id,
        },
      });
    };
    for (const w of states.get(st.mergedId) ?? []) {
      const prev = g.get(w.kind);
      if (w.status === 'withdrawn' && prev) {
        end(st.survivorId, prev, 'withdrawn');
        g.delete(w.kind);
      }
      if (w.status === 'granted') end(st.mergedId, w, 'superseded');
    }
    if (changes.length > 0) byMerge.set(st.mergeId, changes);
  }
  if (events.length === 0) return byMerge;
  for (const part of chunks(events)) {
    await tx
      .insertInto('consent_events')
      .values(
        part.map((e) => ({
          tenant_id: scope.tenantId,
          id: e.eventId,
          patient_id: e.patientId,
          kind: e.prev.kind,
          channel: e.prev.channel as 'email' | 'sms' | 'messenger' | 'call' | null,
          event: e.event,
          document_id: null,
          document_hash: null,
          capture_method: 'merge' as const,
          evidence_enc: null,
          representative_id: null,
          actor: actorId(scope.actor),
          occurred_at: now,
          recorded_at: now,
          expires_at: null,
        })),
      )
      .execute();
    await sql`
      UPDATE consent_state AS c SET status = v.status, since = ${now}, expires_at = NULL, event_id = v.event_id
      FROM ${valuesList(
        part.map((e) => [e.patientId, e.prev.kind, e.event, e.eventId]),
        ['uuid', 'text', 'text', 'uuid'],
      )} AS v(patient_id, kind, status, event_id)
      WHERE c.tenant_id = ${scope.tenantId} AND c.patient_id = v.patient_id AND c.kind = v.kind`.execute(tx);
  }
  await appendAudit(
    tx,
    clock,
    auditContextOf(scope),
    events.map((e) => ({
      action: e.event === 'withdrawn' ? 'consent.withdrawn' : 'consent.superseded',
      outcome: 'done' as const,
      subjectType: 'patient',
      subjectId: e.patientId,
      details: { kind: e.prev.kind, method: 'merge', eventId: e.eventId },
    })),
  );
  return byMerge;
}
