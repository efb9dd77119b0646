import type { Role } from '@careloop/contracts';
import type { Config } from '../../src/config/index.ts';
import { type Clock, ManualClock, newId, systemActor } from '../../src/kernel/index.ts';
import { type Careloop, startCareloop } from '../../src/main/careloop.ts';
import { testDatabase } from './db.ts';

export const TEST_MASTER_KEY = `1:${Buffer.alloc(32, 11).toString('base64')}`;

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  port: 0,
  host: '127.0.0.1',
  dataDir: '/nonexistent',
  databaseUrl: undefined,
  publicUrl: 'http://localhost:3000',
  masterKey: TEST_MASTER_KEY,
  keyFile: '/nonexistent/keys.json',
  sessionIdleMinutes: 15,
  logLevel: 'silent',
  ...overrides,
});

/** Careloop on the test database (embedded, or PostgreSQL with DATABASE_URL), with a manual clock. */
export async function testCareloop(
  opts: { clock?: Clock; config?: Partial<Config> } = {},
): Promise<Careloop> {
  return startCareloop(testConfig(opts.config), {
    db: await testDatabase(),
    clock: opts.clock ?? new ManualClock('2026-11-23T09:00:00Z'),
  });
}

export interface TestTenant {
  readonly tenantId: string;
  readonly slug: string;
  readonly users: Readonly<Record<Role, { email: string; password: string; id: string }>>;
}

/** Each test makes its own tenant (and one account per role), so tests never interfere. */
export async function createTestTenant(
  careloop: Careloop,
  roles: readonly Role[] = ['owner'],
): Promise<TestTenant> {
  const slug = `t-${newId().slice(-12)}`;
  const tenant = await careloop.tenants.create({ slug, name: `Test ${slug}`, expectedPatients: 5_000 });
  const users = {} as Record<Role, { email: string; password: string; id: string }>;
  for (const role of roles) {
    const email = `${role}.${slug}@example.test`;
    const password = `pw-${role}-${slug}`;
    const u = await careloop.staff.create(
      { tenantId: tenant.id, actor: systemActor('test'), purpose: 'registry.operations' },
      { email, password, role, displayName: `${role} ${slug}` },
    );
    users[role] = { email, password, id: u.id };
  }
  return { tenantId: tenant.id, slug, users };
}

/**
 * Puts test channel providers on the tenant's processor register (R58), as the clinic's owner
 * would; without an entry the delivery worker sends nothing through them.
 */
export async function registerProcessors(
  careloop: Careloop,
  tenantId: string,
  providers: readonly string[],
  dataClasses: readonly import('@careloop/contracts').DataClass[] = [
    'contact',
    'identity',
    'demographic',
    'visit_timing',
    'visit_clinical',
  ],
): Promise<void> {
  for (const provider of providers) {
    await careloop.processors.register(
      { tenantId, actor: systemActor('test'), purpose: 'registry.operations' },
      {
        provider,
        legalName: `Test provider ${provider}`,
        service: 'other',
        role: 'processor',
        country: 'RU',
        contractRef: `DPA-test-${provider}`,
        dataClasses,
      },
    );
  }
}

/** A scope for test set-up work, as Careloop itself. */
export const systemScope = (
  tenantId: string,
  purpose: import('@careloop/contracts').Purpose = 'registry.operations',
) => ({
  tenantId,
  actor: systemActor('test'),
  purpose,
});

export const staffScope = (
  tenantId: string,
  role: Role,
  purpose: import('@careloop/contracts').Purpose,
  userId = '00000000-0000-7000-8000-000000000000',
  reason?: string,
) => ({ tenantId, actor: { kind: 'staff' as const, userId, role }, purpose, ...(reason ? { reason } : {}) });

let serial = 0;
/** Registers a patient with every attribute filled, unless overridden. */
export async function registerTestPatient(
  careloop: Careloop,
  tenantId: string,
  overrides: Partial<import('../../src/modules/patients/index.ts').NewPatient> = {},
): Promise<string> {
  serial++;
  return careloop.patients.register(systemScope(tenantId), {
    identity: {
      lastName: 'Семёнова',
      firstName: 'Анна',
      middleName: 'Петровна',
      birthDate: '1984-03-05',
      snils: '112-233-445 95',
      omsPolicy: '7712345678901234',
      cardNo: `МК-${String(serial).padStart(6, '0')}`,
    },
    contact: {
      phone: `+7916${String(1_000_000 + serial).slice(-7)}`,
      email: `anna${serial}@mail.ru`,
      address: 'Москва, ул. Лесная, 1',
    },
    profile: {
      sex: 'female',
      city: 'Москва',
      language: 'ru',
      preferredChannel: 'sms',
      timeZone: 'Europe/Moscow',
    },
    ...overrides,
  });
}
