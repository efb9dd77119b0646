import type { Role } from '@careloop/contracts';
import type { Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { requireRole } from '../policy/index.ts';
import type { Notice } from './clocks.ts';
import { type Incident, type IncidentInput, listIncidents, recordIncident, recordNotice } from './store.ts';

/** The owner and the auditor (the clinic's privacy officer) keep the incident register (R43). */
const KEEPERS: readonly Role[] = ['owner', 'auditor'];

export class IncidentService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  list(scope: Scope): Promise<Incident[]> {
    const { db, clock, vault } = this.#deps;
    return guarded(db, clock, scope, { action: 'incident.listed', subjectType: 'incident' }, async (tx) => {
      requireRole(scope, KEEPERS);
      return listIncidents(tx, await vault.forTenant(tx, scope.tenantId), clock, scope.tenantId);
    });
  }

  async record(scope: Scope, input: IncidentInput): Promise<Incident> {
    const { db, clock, vault } = this.#deps;
    return guarded(db, clock, scope, { action: 'incident.recorded', subjectType: 'incident' }, async (tx) => {
      requireRole(scope, KEEPERS);
      const keys = await vault.forTenant(tx, scope.tenantId);
      const id = await recordIncident(tx, keys, clock, scope, input);
      const [incident] = await listIncidents(tx, keys, clock, scope.tenantId, id);
      return incident as Incident;
    });
  }

  notified(scope: Scope, id: string, notice: Notice): Promise<void> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'incident.notified', subjectType: 'incident', subjectId: id },
      (tx) => {
        requireRole(scope, KEEPERS);
        return recordNotice(tx, clock, scope, id, notice);
      },
    );
  }
}
