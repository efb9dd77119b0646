import type { ModuleDeps } from '../deps.ts';
import { createTenant, listTenants, type NewTenant, type Tenant } from './tenants.ts';

export class TenantService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }
  list(): Promise<Tenant[]> {
    return listTenants(this.#deps.db);
  }
  create(input: NewTenant): Promise<Tenant> {
    return createTenant(this.#deps.db, this.#deps.vault, input);
  }
}
