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
