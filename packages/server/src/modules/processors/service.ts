import type { Role } from '@careloop/contracts';
import type { Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { requireRole } from '../policy/index.ts';
import type { ProcessorEntry, ProcessorInput } from './register.ts';
import { processorHistory, registerProcessor, retireProcessor } from './store.ts';

/** The owner answers for the clinic's processors; an auditor reads the register (R58). */
const KEEPERS: readonly Role[] = ['owner'];
const READERS: readonly Role[] = ['owner', 'auditor'];

/** The processor register as the API uses it; every change, and every refusal, is audited (R41). */
export class ProcessorService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  list(scope: Scope): Promise<ProcessorEntry[]> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'processor.listed', subjectType: 'processor' }, (tx) => {
      requireRole(scope, READERS);
      return processorHistory(tx, scope.tenantId);
    });
  }

  register(scope: Scope, input: ProcessorInput): Promise<ProcessorEntry> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'processor.registered', subjectType: 'processor' }, (tx) => {
      requireRole(scope, KEEPERS);
      return registerProcessor(tx, clock, scope, input);
    });
  }

  retire(scope: Scope, provider: string): Promise<void> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'processor.retired', subjectType: 'processor' }, (tx) => {
      requireRole(scope, KEEPERS);
      return retireProcessor(tx, clock, scope, provider);
    });
  }
}
