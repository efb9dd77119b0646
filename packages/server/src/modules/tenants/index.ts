export { TenantService } from './service.ts';
export { createTenant, getTenant, listTenants, type NewTenant, type Tenant } from './tenants.ts';
