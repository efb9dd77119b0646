import type { ModuleDeps } from '../deps.ts';
import { listTenants, type Tenant } from '../tenants/index.ts';
import { DEMO_SLUG, type DemoOptions, type DemoSummary, generateDemo } from './generate.ts';

/** The demo clinic, as `careloop demo` and `npm start` use it. */
export class DemoService {
  readonly #deps: ModuleDeps;
  readonly #afterGenerate: ((tenantId: string) => Promise<unknown>) | undefined;
  /** `afterGenerate` runs once the clinic is loaded (identity resolution puts the planted duplicates in the queue). */
  constructor(deps: ModuleDeps, hooks: { afterGenerate?: (tenantId: string) => Promise<unknown> } = {}) {
    this.#deps = deps;
    this.#afterGenerate = hooks.afterGenerate;
  }

  async find(): Promise<Tenant | undefined> {
    return (await listTenants(this.#deps.db)).find((t) => t.slug === DEMO_SLUG && t.isDemo);
  }

  async generate(opts: DemoOptions): Promise<DemoSummary> {
    const summary = await generateDemo(this.#deps, opts);
    await this.#afterGenerate?.(summary.tenantId);
    return summary;
  }
}
