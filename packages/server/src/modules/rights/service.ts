import type { SubjectRequestKind } from '../../db/index.ts';
import { AppError, type Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import { recordConsent } from '../consent/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { type DestructionAct, erasePatient } from './erasure.ts';
import { buildSubjectPackage, type SubjectPackage } from './export.ts';
import { renderSubjectPackage } from './export-html.ts';
import { closeRequest, extendRequest, listRequests, openRequest, type SubjectRequest } from './requests.ts';

/** Marketing consents an objection withdraws (R9: demand to stop processing for marketing). */
const MARKETING =
  /^(pd\.marketing|pd\.marketing\.health_based|ads\.receive\.|tracking\.web|transfer\.|secrecy\.disclose\.|pd\.distribution)/;

/** Only designated officials handle data-subject requests; the front desk may log one. */
const requireOfficer = (scope: Scope): void => {
  if (scope.actor.kind === 'staff' && !['auditor', 'owner'].includes(scope.actor.role))
    throw new AppError('ROLE_NOT_PERMITTED');
};

export class RightsService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  async open(
    scope: Scope,
    input: { patientId: string; kind: SubjectRequestKind; receivedVia: string; receivedAt?: Date },
  ): Promise<SubjectRequest> {
    if (scope.actor.kind === 'staff' && !['auditor', 'owner', 'front_desk'].includes(scope.actor.role)) {
      throw new AppError('ROLE_NOT_PERMITTED');
    }
    return this.#deps.db.tenant(scope.tenantId, (tx) => openRequest(tx, this.#deps.clock, scope, input));
  }

  async list(scope: Scope, status?: 'open' | 'completed' | 'rejected'): Promise<SubjectRequest[]> {
    requireOfficer(scope);
    return this.#deps.db.tenant(scope.tenantId, (tx) =>
      listRequests(tx, this.#deps.clock, status ? { status } : {}),
    );
  }

  async extend(scope: Scope, id: string, reason: string): Promise<SubjectRequest> {
    requireOfficer(scope);
    return this.#deps.db.tenant(scope.tenantId, (tx) =>
      extendRequest(tx, this.#deps.clock, scope, id, reason),
    );
  }

  async reject(scope: Scope, id: string, reason: string): Promise<SubjectRequest> {
    requireOfficer(scope);
    if (!reason.trim()) throw new AppError('REASON_REQUIRED', 'A refusal states its reason.');
    return this.#deps.db.tenant(scope.tenantId, (tx) =>
      closeRequest(tx, this.#deps.clock, scope, id, 'rejected', { reason }),
    );
  }

  /** The subject's package as data and as a readable page; closes the access request when given. */
  async export(
    scope: Scope,
    patientId: string,
    requestId?: string,
  ): Promise<{ data: SubjectPackage; html: string }> {
    requireOfficer(scope);
    const { db, vault, clock } = this.#deps;
    const data = await guarded(
      db,
      clock,
      scope,
      { action: 'patient.export', subjectType: 'patient', subjectId: patientId },
      async (tx) => {
        const pkg = await buildSubjectPackage(
          tx,
          await vault.forTenant(tx, scope.tenantId),
          clock,
          scope,
          patientId,
        );
        if (requestId)
          await closeRequest(tx, clock, scope, requestId, 'completed', {
            exported: true,
            visits: pkg.visits.length,
          });
        return pkg;
      },
    );
    return { data, html: renderSubjectPackage(data) };
  }

  async erase(scope: Scope, patientId: string, requestId?: string): Promise<DestructionAct> {
    requireOfficer(scope);
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'patient.erase', subjectType: 'patient', subjectId: patientId },
      async (tx) => {
        const act = await erasePatient(tx, clock, scope, patientId);
        if (requestId) await closeRequest(tx, clock, scope, requestId, 'completed', { destructionAct: act });
        return act;
      },
    );
  }

  /** Objection to marketing: every marketing consent is withdrawn, in the ledger (R9). */
  async object(scope: Scope, patientId: string, requestId?: string): Promise<{ withdrawn: string[] }> {
    requireOfficer(scope);
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'patient.object', subjectType: 'patient', subjectId: patientId },
      async (tx) => {
        const keys = await vault.forTenant(tx, scope.tenantId);
        const granted = await tx
          .selectFrom('consent_state')
          .select('kind')
          .where('patient_id', '=', patientId)
          .where('status', '=', 'granted')
          .execute();
        const withdrawn: string[] = [];
        for (const { kind } of granted.filter((g) => MARKETING.test(g.kind))) {
          await recordConsent(tx, keys, clock, scope, patientId, {
            kind,
            event: 'withdrawn',
            captureMethod: 'system',
          });
          withdrawn.push(kind);
        }
        if (requestId) await closeRequest(tx, clock, scope, requestId, 'completed', { withdrawn });
        return { withdrawn };
      },
    );
  }
}
