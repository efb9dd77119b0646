import { AppError, type Scope, systemActor } from '../../kernel/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { createTenant, listTenants } from '../tenants/index.ts';
import { countOwners, createStaffUser, listStaffUsers, type NewStaffUser, type StaffUser } from './users.ts';

/** Staff accounts, as the API and the CLI use them. */
export class StaffService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  /** Only owners manage accounts. */
  async create(scope: Scope, input: NewStaffUser): Promise<StaffUser> {
    if (scope.actor.kind === 'staff' && scope.actor.role !== 'owner')
      throw new AppError('ROLE_NOT_PERMITTED');
    return this.#deps.db.tenant(scope.tenantId, (tx) => createStaffUser(tx, this.#deps.clock, scope, input));
  }

  async list(scope: Scope): Promise<StaffUser[]> {
    if (scope.actor.kind === 'staff' && scope.actor.role !== 'owner')
      throw new AppError('ROLE_NOT_PERMITTED');
    return this.#deps.db.tenant(scope.tenantId, (tx) => listStaffUsers(tx));
  }

  /**
   * `careloop user create`: makes an account in the named tenant, creating the
   * tenant when it does not exist yet (a non-demo first start).
   */
  async createFromCli(
    input: NewStaffUser & { tenantSlug: string; tenantName?: string },
  ): Promise<{ user: StaffUser; tenantCreated: boolean }> {
    const tenants = await listTenants(this.#deps.db);
    let tenant = tenants.find((t) => t.slug === input.tenantSlug);
    const tenantCreated = !tenant;
    if (!tenant) {
      if (input.role !== 'owner') {
        throw new AppError(
          'VALIDATION_FAILED',
          `Tenant ${input.tenantSlug} does not exist; its first account must be an owner.`,
        );
      }
      tenant = await createTenant(this.#deps.db, this.#deps.vault, {
        slug: input.tenantSlug,
        name: input.tenantName ?? input.tenantSlug,
      });
    }
    const scope: Scope = { tenantId: tenant.id, actor: systemActor('cli'), purpose: 'registry.operations' };
    const user = await this.#deps.db.tenant(tenant.id, (tx) =>
      createStaffUser(tx, this.#deps.clock, scope, input),
    );
    return { user, tenantCreated };
  }

  async ownerCount(tenantId: string): Promise<number> {
    return this.#deps.db.tenant(tenantId, (tx) => countOwners(tx));
  }
}
