import { sql } from 'kysely';
import type { CaptureMethod, Tx } from '../../db/index.ts';
import { type Actor, AppError, actorId, type Clock, isUuid, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { openJson, sealJson, type TenantKeys } from '../crypto/index.ts';
import { requireClasses } from '../policy/index.ts';
import { channelOfKind, isConsentKind, requiresWrittenForm } from './kinds.ts';

/** Proof of how a consent was given (R2), stored encrypted under the patient's key. */
export interface ConsentEvidence {
  readonly ip?: string;
  readonly userAgent?: string;
  /** Where the signed paper or e-signature lives (scan id, archive reference, signature hash). */
  readonly signatureRef?: string;
  readonly note?: string;
}

export interface ConsentInput {
  readonly kind: string;
  readonly event: 'granted' | 'withdrawn';
  readonly captureMethod: CaptureMethod;
  readonly documentId?: string;
  readonly occurredAt?: Date;
  readonly expiresAt?: Date;
  readonly representativeId?: string;
  readonly evidence?: ConsentEvidence;
}

export interface ConsentOutcome {
  readonly eventId: string | null;
  /** False when a withdrawal found nothing granted: withdrawing is idempotent. */
  readonly changed: boolean;
}

const WRITTEN_METHODS: ReadonlySet<CaptureMethod> = new Set(['paper', 'e_signature']);

const ageOn = (birthYear: number, birthMd: number, on: Date): number => {
  const md = (on.getUTCMonth() + 1) * 100 + on.getUTCDate();
  return on.getUTCFullYear() - birthYear - (md < birthMd ? 1 : 0);
};

const invalid = (field: string, issue: string, message: string): AppError =>
  new AppError('VALIDATION_FAILED', message, [{ field, issue }]);

/** A patient acting on their own record (preference page, unsubscribe link) needs no staff rights. */
const isSelf = (actor: Actor, patientId: string): boolean =>
  actor.kind === 'patient' && actor.patientId === patientId;

/**
 * Appends one consent event and updates the current state in the same transaction
 * (R1). A grant must point at a published document of exactly its kind (R3), carry
 * the proof its form requires (R2, R5), and for a minor come from a recorded
 * representative (R11). Withdrawal needs nothing but the wish (R8).
 */
export async function recordConsent(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
  input: ConsentInput,
): Promise<ConsentOutcome> {
  if (!isSelf(scope.actor, patientId)) requireClasses(scope, 'write', ['preference']);
  if (!isUuid(patientId)) throw new AppError('NOT_FOUND', 'No such patient.');
  if (!isConsentKind(input.kind)) throw invalid('kind', 'unknown', `Unknown consent kind ${input.kind}.`);
  const now = clock.now();
  const occurredAt = input.occurredAt ?? now;
  if (occurredAt.getTime() > now.getTime() + 60_000)
    throw invalid('occurredAt', 'future', 'A consent cannot be given in the future.');
  const patient = await tx
    .selectFrom('patients')
    .select(['id', 'status', 'birth_year', 'birth_md', 'key_version', 'key_wrapped'])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient || patient.status === 'erased') throw new AppError('NOT_FOUND', 'No such patient.');
  const current = await tx
    .selectFrom('consent_state')
    .select(['status', 'expires_at', 'document_id'])
    .where('patient_id', '=', patientId)
    .where('kind', '=', input.kind)
    .forUpdate()
    .executeTakeFirst();

  let documentHash: Buffer | null = null;
  let documentId: string | null = null;
  let legalBasis: 'consent' | 'written_consent' = 'consent';
  if (input.event === 'granted') {
    if (!input.documentId)
      throw invalid('documentId', 'required', 'A grant names the consent text it agrees to.');
    const doc = await tx
      .selectFrom('consent_documents')
      .select(['id', 'kind', 'status', 'body_hash', 'written_form'])
      .where('id', '=', input.documentId)
      .executeTakeFirst();
    if (!doc) throw invalid('documentId', 'unknown', 'No such consent text.');
    if (doc.kind !== input.kind) {
      throw invalid(
        'documentId',
        'other_kind',
        'One consent text covers one purpose: this text is for another kind (R3).',
      );
    }
    if (doc.status !== 'published')
      throw invalid('documentId', 'not_published', 'Only a published consent text can be agreed to.');
    documentId = doc.id;
    documentHash = doc.body_hash;
    if (doc.written_form || requiresWrittenForm(input.kind)) {
      if (!WRITTEN_METHODS.has(input.captureMethod)) {
        throw invalid(
          'captureMethod',
          'written_form',
          'This consent must be given in writing: on paper or with an e-signature.',
        );
      }
      if (!input.evidence?.signatureRef) {
        throw invalid(
          'evidence.signatureRef',
          'required',
          'A written consent keeps a reference to its signed artefact (R2).',
        );
      }
      legalBasis = 'written_consent';
    }
    if (input.captureMethod === 'web_form' && (!input.evidence?.ip || !input.evidence.userAgent)) {
      throw invalid(
        'evidence',
        'web_proof',
        'A consent given on the web keeps the IP address and browser of the form (R2).',
      );
    }
    if (input.expiresAt && input.expiresAt <= occurredAt)
      throw invalid('expiresAt', 'before_grant', 'A term ends after it starts.');
    if (
      patient.birth_year !== null &&
      patient.birth_md !== null &&
      ageOn(patient.birth_year, patient.birth_md, occurredAt) < 18
    ) {
      if (!input.representativeId) {
        throw invalid(
          'representativeId',
          'minor',
          'A minor consents only through a recorded legal representative (R11).',
        );
      }
      const rep = await tx
        .selectFrom('patient_representatives')
        .select('id')
        .where('id', '=', input.representativeId)
        .where('patient_id', '=', patientId)
        .executeTakeFirst();
      if (!rep) throw invalid('representativeId', 'unknown', 'No such representative of this patient.');
    }
  } else if (current?.status !== 'granted') {
    await appendAudit(tx, clock, auditContextOf(scope), [
      {
        action: 'consent.withdrawn',
        outcome: 'done',
        subjectType: 'patient',
        subjectId: patientId,
        details: { kind: input.kind, changed: false },
      },
    ]);
    return { eventId: null, changed: false };
  }

  const eventId = newId();
  const key =
    input.evidence && patient.key_version !== null && patient.key_wrapped !== null
      ? keys.unwrapPatientKey(patientId, patient.key_version, patient.key_wrapped)
      : null;
  await tx
    .insertInto('consent_events')
    .values({
      tenant_id: scope.tenantId,
      id: eventId,
      patient_id: patientId,
      kind: input.kind,
      channel: channelOfKind(input.kind),
      event: input.event,
      document_id: documentId,
      document_hash: documentHash,
      legal_basis: legalBasis,
      capture_method: input.captureMethod,
      evidence_enc:
        key && input.evidence
          ? sealJson(key, input.evidence, evidenceAad(scope.tenantId, patientId, eventId))
          : null,
      representative_id: input.representativeId ?? null,
      actor: actorId(scope.actor),
      occurred_at: occurredAt,
      recorded_at: now,
      expires_at: input.event === 'granted' ? (input.expiresAt ?? null) : null,
    })
    .execute();
  // The projection follows the latest event by the time it happened, so late imports of old events do not win.
  await sql`
    INSERT INTO consent_state (tenant_id, patient_id, kind, channel, status, since, expires_at, event_id, document_id)
    VALUES (${scope.tenantId}, ${patientId}, ${input.kind}, ${channelOfKind(input.kind)}, ${input.event}, ${occurredAt},
            ${input.event === 'granted' ? (input.expiresAt ?? null) : null}, ${eventId}, ${documentId ?? current?.document_id ?? null})
    ON CONFLICT (tenant_id, patient_id, kind) DO UPDATE SET
      status = EXCLUDED.status, since = EXCLUDED.since, expires_at = EXCLUDED.expires_at,
      event_id = EXCLUDED.event_id, document_id = EXCLUDED.document_id, channel = EXCLUDED.channel
    WHERE consent_state.since <= EXCLUDED.since`.execute(tx);
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: `consent.${input.event}`,
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: { kind: input.kind, method: input.captureMethod, eventId },
    },
  ]);
  return { eventId, changed: true };
}

export const evidenceAad = (tenantId: string, patientId: string, eventId: string): string =>
  `${tenantId}/${patientId}/consent/${eventId}`;

export function openEvidence(
  keys: TenantKeys,
  patient: { id: string; key_version: number | null; key_wrapped: Buffer | null },
  eventId: string,
  sealed: Buffer,
): ConsentEvidence | null {
  if (patient.key_version === null || patient.key_wrapped === null) return null;
  const key = keys.unwrapPatientKey(patient.id, patient.key_version, patient.key_wrapped);
  return openJson<ConsentEvidence>(key, sealed, evidenceAad(keys.tenantId, patient.id, eventId));
}

/** Records a legal representative with the authority document, verified by the staff member (R11). */
export async function addRepresentative(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  patientId: string,
  rep: {
    fullName: string;
    authorityDocument: string;
    relationship: 'parent' | 'guardian' | 'trustee' | 'other';
  },
): Promise<string> {
  requireClasses(scope, 'write', ['identity']);
  if (!rep.fullName.trim() || !rep.authorityDocument.trim()) {
    throw invalid('representative', 'required', 'A representative has a name and an authority document.');
  }
  const patient = await tx
    .selectFrom('patients')
    .select(['id', 'status', 'key_version', 'key_wrapped'])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (patient?.status !== 'active' || patient.key_version === null || patient.key_wrapped === null) {
    throw new AppError('NOT_FOUND', 'No such patient.');
  }
  const key = keys.unwrapPatientKey(patientId, patient.key_version, patient.key_wrapped);
  const id = newId();
  await tx
    .insertInto('patient_representatives')
    .values({
      tenant_id: scope.tenantId,
      id,
      patient_id: patientId,
      details_enc: sealJson(
        key,
        { fullName: rep.fullName, authorityDocument: rep.authorityDocument },
        `${scope.tenantId}/${patientId}/representative/${id}`,
      ),
      relationship: rep.relationship,
      verified_by: actorId(scope.actor),
      verified_at: clock.now(),
    })
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'representative.added',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: { relationship: rep.relationship },
    },
  ]);
  return id;
}
