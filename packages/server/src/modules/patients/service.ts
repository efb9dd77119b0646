import type { Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { type PatientCard, readCard } from './card.ts';
import type { Revealable } from './mask.ts';
import { type Rectification, rectifyPatient, registerPatient } from './registry.ts';
import { type PatientQuery, type PatientSummary, searchPatients } from './search.ts';
import type { NewPatient } from './types.ts';

/** The patient registry as the API uses it: every call is one tenant transaction, audited inside it. */
export class PatientService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  card(scope: Scope, patientId: string, reveal: readonly Revealable[] = []): Promise<PatientCard> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'patient.read', subjectType: 'patient', subjectId: patientId },
      async (tx) => readCard(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, patientId, reveal),
    );
  }

  search(scope: Scope, query: PatientQuery): Promise<PatientSummary[]> {
    const { db, vault, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'patient.search' }, async (tx) =>
      searchPatients(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, query),
    );
  }

  register(scope: Scope, input: NewPatient): Promise<string> {
    const { db, vault, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'patient.register' }, async (tx) =>
      registerPatient(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, input),
    );
  }

  rectify(scope: Scope, patientId: string, changes: Rectification): Promise<void> {
    const { db, vault, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'patient.rectify', subjectType: 'patient', subjectId: patientId },
      async (tx) =>
        rectifyPatient(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, patientId, changes),
    );
  }
}
