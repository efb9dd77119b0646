import type { Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { listTenants } from '../tenants/index.ts';
import { type ConsentDocument, draftDocument, listDocuments, publishDocument } from './documents.ts';
import { addRepresentative, type ConsentInput, type ConsentOutcome, recordConsent } from './ledger.ts';
import { type ConsentProof, consentProof } from './proof.ts';
import {
  type ConsentEventView,
  type ConsentStateView,
  consentHistory,
  currentConsents,
  expireConsents,
} from './reads.ts';

/** The consent ledger as the API, the import and the jobs use it. */
export class ConsentService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  record(scope: Scope, patientId: string, input: ConsentInput): Promise<ConsentOutcome> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: `consent.${input.event}`, subjectType: 'patient', subjectId: patientId },
      async (tx) =>
        recordConsent(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, patientId, input),
    );
  }

  current(scope: Scope, patientId: string): Promise<ConsentStateView[]> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'consent.read', subjectType: 'patient', subjectId: patientId },
      (tx) => currentConsents(tx, clock, scope, patientId),
    );
  }

  history(scope: Scope, patientId: string, withEvidence = false): Promise<ConsentEventView[]> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'consent.history_read', subjectType: 'patient', subjectId: patientId },
      async (tx) =>
        consentHistory(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, patientId, withEvidence),
    );
  }

  proof(scope: Scope, patientId: string): Promise<ConsentProof> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'consent.proof', subjectType: 'patient', subjectId: patientId },
      async (tx) => consentProof(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, patientId),
    );
  }

  addRepresentative(
    scope: Scope,
    patientId: string,
    rep: {
      fullName: string;
      authorityDocument: string;
      relationship: 'parent' | 'guardian' | 'trustee' | 'other';
    },
  ): Promise<string> {
    const { db, vault, clock } = this.#deps;
    return db.tenant(scope.tenantId, async (tx) =>
      addRepresentative(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, patientId, rep),
    );
  }

  documents(scope: Scope, status?: 'draft' | 'published' | 'retired'): Promise<ConsentDocument[]> {
    return this.#deps.db.tenant(scope.tenantId, (tx) => listDocuments(tx, status ? { status } : {}));
  }

  draft(
    scope: Scope,
    input: { kind: string; locale: 'ru' | 'en'; title: string; body: string; widens?: boolean },
  ): Promise<ConsentDocument> {
    return this.#deps.db.tenant(scope.tenantId, (tx) => draftDocument(tx, this.#deps.clock, scope, input));
  }

  publish(scope: Scope, documentId: string): Promise<ConsentDocument> {
    return this.#deps.db.tenant(scope.tenantId, (tx) =>
      publishDocument(tx, this.#deps.clock, scope, documentId),
    );
  }

  /** The expiry job: every tenant, set-based (R10). */
  async expireAll(): Promise<number> {
    let n = 0;
    for (const t of await listTenants(this.#deps.db)) {
      n += await this.#deps.db.tenant(t.id, (tx) => expireConsents(tx, this.#deps.clock, t.id));
    }
    return n;
  }
}
