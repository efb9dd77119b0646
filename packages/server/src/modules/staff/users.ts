import { ROLES, type Role } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { hashPassword, PASSWORD_MIN_LENGTH } from './passwords.ts';

export interface StaffUser {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly locale: 'ru' | 'en';
  readonly isDemo: boolean;
}

export interface NewStaffUser {
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string;
  readonly locale?: 'ru' | 'en';
  readonly isDemo?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateNewUser(u: NewStaffUser): void {
  const details = [];
  if (!EMAIL.test(u.email)) details.push({ field: 'email', issue: 'not an e-mail address' });
  if (!ROLES.includes(u.role)) details.push({ field: 'role', issue: `one of ${ROLES.join(', ')}` });
  if (u.password.length < PASSWORD_MIN_LENGTH) {
    details.push({ field: 'password', issue: `at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (u.displayName.trim() === '') details.push({ field: 'displayName', issue: 'required' });
  if (details.length > 0) throw new AppError('VALIDATION_FAILED', 'The staff account is not valid.', details);
}

/** Creates a staff account; the role grant is journaled (R42). */
export async function createStaffUser(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  u: NewStaffUser,
): Promise<StaffUser> {
  validateNewUser(u);
  const taken = await tx
    .selectFrom('staff_users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', u.email.toLowerCase()))
    .executeTakeFirst();
  if (taken) throw new AppError('ALREADY_EXISTS', 'A staff account with this e-mail already exists.');
  const id = newId();
  const row = await tx
    .insertInto('staff_users')
    .values({
      tenant_id: scope.tenantId,
      id,
      email: u.email.trim(),
      display_name: u.displayName.trim(),
      role: u.role,
      password_hash: await hashPassword(u.password),
      locale: u.locale ?? 'ru',
      is_demo: u.isDemo ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'staff.created',
      outcome: 'done',
      subjectType: 'staff_user',
      subjectId: id,
      details: { role: u.role },
    },
  ]);
  return toUser(row);
}

export const toUser = (r: {
  id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  role: string;
  locale: 'ru' | 'en';
  is_demo: boolean;
}): StaffUser => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  role: r.role as Role,
  locale: r.locale,
  isDemo: r.is_demo,
});

export async function listStaffUsers(tx: Tx): Promise<StaffUser[]> {
  const rows = await tx
    .selectFrom('staff_users')
    .selectAll()
    .where('disabled_at', 'is', null)
    .orderBy('email')
    .execute();
  return rows.map(toUser);
}

export async function countOwners(tx: Tx): Promise<number> {
  const r = await tx
    .selectFrom('staff_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return r.n;
}

/**
 * Display names of the staff behind actor ids (`staff:<uuid>`), in one query; other actors
 * (system jobs) and unknown ids are left out.
 */
export async function staffNames(tx: Tx, actorIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      actorIds.flatMap((a) => {
        const m = /^staff:([0-9a-f-]{36})$/i.exec(a);
        return m?.[1] ? [m[1]] : [];
      }),
    ),
  ];
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('staff_users')
    .select(['id', 'display_name'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [`staff:${r.id}`, r.display_name]));
}
