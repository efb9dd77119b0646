import type { ModuleDeps } from '../deps.ts';

export class KeyService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  /** Re-wraps every tenant key under the newest master key; returns how many keys moved. */
  rewrapTenantKeys(): Promise<number> {
    return this.#deps.db.system((tx) => this.#deps.vault.rewrapTenantKeys(tx));
  }
}
