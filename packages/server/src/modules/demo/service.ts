import type { ModuleDeps } from '../deps.ts';
import { listTenants, type Tenant } from '../tenants/index.ts';
import { DEMO_SLUG, type DemoOptions, type DemoSummary, generateDemo } from './generate.ts';

/** The demo clinic, as `careloop demo` and `npm start` use it. */
export class DemoService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  async find(): Promise<Tenant | undefined> {
    return (await listTenants(this.#deps.db)).find((t) => t.slug === DEMO_SLUG && t.isDemo);
  }

  generate(opts: DemoOptions): Promise<DemoSummary> {
    return generateDemo(this.#deps, opts);
  }
}
