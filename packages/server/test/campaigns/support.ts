import type { Role } from '@careloop/contracts';
import { newId, type Scope } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';

export interface Clinic {
  readonly tenantId: string;
  readonly users: Readonly<Record<Role, string>>;
  scope(role: Role, purpose?: Scope['purpose']): Scope;
}

/**
 * A small demo network (deterministic: seed and date); the demo comes with the playbook
 * content library written by its marketer and approved by its owner.
 */
export async function demoClinic(careloop: Careloop, patients = 400, seed = 11): Promise<Clinic> {
  const summary = await careloop.demo.generate({
    patients,
    seed,
    asOf: careloop.clock.now(),
    slug: `camp-${newId().slice(-10)}`,
  });
  const tenantId = summary.tenantId;
  const rows = await careloop.db.tenant(tenantId, (tx) =>
    tx.selectFrom('staff_users').select(['id', 'role']).execute(),
  );
  const users = Object.fromEntries(rows.map((r) => [r.role, r.id])) as Record<Role, string>;
  const scope = (role: Role, purpose: Scope['purpose'] = 'marketing.general'): Scope => ({
    tenantId,
    actor: { kind: 'staff', userId: users[role], role },
    purpose,
  });
  // The clinic's contact details its messages sign with.
  await careloop.db.system((tx) =>
    tx
      .updateTable('tenants')
      .set({
        settings: JSON.stringify({
          clinic: { phone: '+7 495 000-00-00', bookingUrl: 'https://clinic.test/book' },
        }),
      })
      .where('tenant_id', '=', tenantId)
      .execute(),
  );
  return { tenantId, users, scope };
}
