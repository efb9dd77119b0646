export { type CalendarOverrides, DECREES, WorkingCalendar } from './calendar.ts';
export { TenantService } from './service.ts';
export { createTenant, getTenant, listTenants, type NewTenant, type Tenant } from './tenants.ts';
export { calendarOf, workingDeadline } from './working-days.ts';
