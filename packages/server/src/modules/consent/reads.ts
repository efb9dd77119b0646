import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import { classesFor } from '../policy/index.ts';
import { type ConsentEvidence, openEvidence } from './ledger.ts';

export interface ConsentEventView {
  readonly id: string;
  readonly kind: string;
  readonly channel: string | null;
  readonly event: string;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly expiresAt: Date | null;
  readonly captureMethod: string;
  readonly legalBasis: string;
  readonly actor: string;
  readonly document: { id: string; version: number; title: string; hash: string } | null;
  readonly representativeId: string | null;
  readonly evidence?: ConsentEvidence | null;
}

export interface ConsentStateView {
  readonly kind: string;
  readonly channel: string | null;
  readonly status: string;
  readonly since: Date;
  readonly expiresAt: Date | null;
  /** Whether it counts now: granted and not past its term. */
  readonly active: boolean;
}

const requirePreference = (scope: Scope): void => {
  if (scope.actor.kind === 'patient') return;
  if (!classesFor(scope, 'read').has('preference'))
    throw new AppError('ROLE_NOT_PERMITTED', 'Your role does not see consents.');
};

export async function currentConsents(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  patientId: string,
): Promise<ConsentStateView[]> {
  requirePreference(scope);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const now = clock.now();
  const rows = await tx
    .selectFrom('consent_state')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    channel: r.channel,
    status: r.status,
    since: new Date(r.since),
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    active: r.status === 'granted' && (r.expires_at === null || new Date(r.expires_at) > now),
  }));
}

/** The ledger of one patient, oldest first; evidence only when the caller may see identity data. */
export async function consentHistory(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
  withEvidence = false,
): Promise<ConsentEventView[]> {
  requirePreference(scope);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  const patient = await tx
    .selectFrom('patients')
    .select(['id', 'key_version', 'key_wrapped'])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient) throw new AppError('NOT_FOUND', 'No such patient.');
  const evidence =
    withEvidence && (scope.actor.kind === 'patient' || classesFor(scope, 'read').has('identity'));
  const rows = await tx
    .selectFrom('consent_events as e')
    .leftJoin('consent_documents as d', (j) =>
      j.onRef('d.tenant_id', '=', 'e.tenant_id').onRef('d.id', '=', 'e.document_id'),
    )
    .select([
      'e.id',
      'e.kind',
      'e.channel',
      'e.event',
      'e.occurred_at',
      'e.recorded_at',
      'e.expires_at',
      'e.capture_method',
      'e.legal_basis',
      'e.actor',
      'e.document_id',
      'e.document_hash',
      'e.representative_id',
      'e.evidence_enc',
      'd.version',
      'd.title',
    ])
    .where('e.patient_id', '=', patientId)
    .orderBy('e.occurred_at')
    .orderBy('e.recorded_at')
    .orderBy('e.id')
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'consent.history_read',
      outcome: 'allowed',
      subjectType: 'patient',
      subjectId: patientId,
      details: { events: rows.length, evidence },
    },
  ]);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    event: r.event,
    occurredAt: new Date(r.occurred_at),
    recordedAt: new Date(r.recorded_at),
    expiresAt: r.expires_at ? new Date(r.expires_at) : null,
    captureMethod: r.capture_method,
    legalBasis: r.legal_basis,
    actor: r.actor,
    document:
      r.document_id && r.version !== null && r.title !== null
        ? {
            id: r.document_id,
            version: r.version,
            title: r.title,
            hash: r.document_hash?.toString('hex') ?? '',
          }
        : null,
    representativeId: r.representative_id,
    ...(evidence
      ? {
          evidence: r.evidence_enc
            ? failSoft(() => openEvidence(keys, patient, r.id, r.evidence_enc!))
            : null,
        }
      : {}),
  }));
}

/** Evidence of a shredded patient is unreadable by design: report it as absent. */
const failSoft = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/**
 * Marks grants whose term has passed (R10). Checks already treat them as expired at
 * their instant; this writes the ledger event and the projection, set-based.
 */
export async function expireConsents(tx: Tx, clock: Clock, tenantId: string): Promise<number> {
  const now = clock.now();
  const r = await sql<{ n: number }>`
    WITH due AS (
      SELECT patient_id, kind, channel, expires_at, document_id, gen_random_uuid() AS event_id
      FROM consent_state WHERE status = 'granted' AND expires_at <= ${now}
    ), ev AS (
      INSERT INTO consent_events (tenant_id, id, patient_id, kind, channel, event, document_id, capture_method, actor, occurred_at, recorded_at)
      SELECT ${tenantId}, event_id, patient_id, kind, channel, 'expired', document_id, 'system', 'system:consent-expiry', expires_at, ${now}
      FROM due
      RETURNING patient_id, kind, id, occurred_at
    )
    UPDATE consent_state s SET status = 'expired', since = ev.occurred_at, event_id = ev.id, expires_at = NULL
    FROM ev WHERE s.patient_id = ev.patient_id AND s.kind = ev.kind
    RETURNING 1 AS n`.execute(tx);
  return r.rows.length;
}
