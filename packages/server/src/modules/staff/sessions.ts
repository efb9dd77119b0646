import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@careloop/contracts';
import type { Database } from '../../db/index.ts';
import { AppError, type Clock, systemActor } from '../../kernel/index.ts';
import { appendAudit } from '../audit/index.ts';
import { DECOY_HASH, verifyPassword } from './passwords.ts';

export interface StaffSession {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Role;
  readonly email: string;
  readonly displayName: string;
  readonly locale: 'ru' | 'en';
  readonly isDemo: boolean;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface SessionPolicy {
  /** Idle sign-out (R39: at most 15 minutes on screens with personal data). */
  readonly idleMinutes: number;
  /** A session ends after this long whatever the activity. */
  readonly absoluteHours: number;
}

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
const MINUTE = 60_000;

/**
 * Staff sessions: an opaque random token in an HttpOnly cookie, stored only as its
 * SHA-256, with a per-session CSRF token (synchronizer pattern) for writes.
 */
export class StaffSessions {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #policy: SessionPolicy;

  constructor(db: Database, clock: Clock, policy: SessionPolicy) {
    this.#db = db;
    this.#clock = clock;
    this.#policy = policy;
  }

  async login(
    email: string,
    password: string,
    requestId?: string,
  ): Promise<{ token: string; session: StaffSession }> {
    const user = await this.#db.system((tx) =>
      tx
        .selectFrom('staff_users')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
        .where('disabled_at', 'is', null)
        .executeTakeFirst(),
    );
    // Hash outside any transaction: the embedded database has one connection to share.
    const ok = await verifyPassword(password, user?.password_hash ?? DECOY_HASH);
    if (!user) throw new AppError('INVALID_CREDENTIALS');
    const now = this.#clock.now();
    const audit = {
      tenantId: user.tenant_id,
      actor: { kind: 'staff' as const, userId: user.id, role: user.role as Role },
    };
    if (!ok) {
      await this.#db.tenant(user.tenant_id, (tx) =>
        appendAudit(tx, this.#clock, { ...audit, ...(requestId ? { requestId } : {}) }, [
          { action: 'auth.login', outcome: 'denied', subjectType: 'staff_user', subjectId: user.id },
        ]),
      );
      throw new AppError('INVALID_CREDENTIALS');
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.#policy.absoluteHours * 60 * MINUTE);
    await this.#db.tenant(user.tenant_id, async (tx) => {
      await tx
        .insertInto('staff_sessions')
        .values({
          tenant_id: user.tenant_id,
          token_hash: hashToken(token),
          user_id: user.id,
          csrf_token: csrfToken,
          created_at: now,
          last_seen_at: now,
          expires_at: expiresAt,
        })
        .execute();
      await tx.updateTable('staff_users').set({ last_login_at: now }).where('id', '=', user.id).execute();
      await appendAudit(tx, this.#clock, { ...audit, ...(requestId ? { requestId } : {}) }, [
        { action: 'auth.login', outcome: 'done', subjectType: 'staff_user', subjectId: user.id },
      ]);
    });
    return {
      token,
      session: {
        tenantId: user.tenant_id,
        userId: user.id,
        role: user.role as Role,
        email: user.email,
        displayName: user.display_name,
        locale: user.locale,
        isDemo: user.is_demo,
        csrfToken,
        expiresAt,
      },
    };
  }

  /** The live session behind a token, or null when it is unknown, expired or idle too long. */
  async authenticate(token: string): Promise<StaffSession | null> {
    if (token.length < 20 || token.length > 100) return null;
    const now = this.#clock.now();
    const idleSince = new Date(now.getTime() - this.#policy.idleMinutes * MINUTE);
    const hash = hashToken(token);
    return this.#db.system(async (tx) => {
      const row = await tx
        .selectFrom('staff_sessions as s')
        .innerJoin('staff_users as u', (j) =>
          j.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'),
        )
        .select([
          's.tenant_id',
          's.user_id',
          's.csrf_token',
          's.expires_at',
          's.last_seen_at',
          'u.role',
          'u.email',
          'u.display_name',
          'u.locale',
          'u.is_demo',
        ])
        .where('s.token_hash', '=', hash)
        .where('s.expires_at', '>', now)
        .where('s.last_seen_at', '>', idleSince)
        .where('u.disabled_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      // Touch at most once a minute: a write per request would be wasted work.
      if (now.getTime() - new Date(row.last_seen_at).getTime() > MINUTE) {
        await tx
          .updateTable('staff_sessions')
          .set({ last_seen_at: now })
          .where('token_hash', '=', hash)
          .execute();
      }
      return {
        tenantId: row.tenant_id,
        userId: row.user_id,
        role: row.role as Role,
        email: row.email,
        displayName: row.display_name,
        locale: row.locale,
        isDemo: row.is_demo,
        csrfToken: row.csrf_token,
        expiresAt: new Date(row.expires_at),
      };
    });
  }

  async logout(token: string): Promise<void> {
    const hash = hashToken(token);
    await this.#db.system(async (tx) => {
      const s = await tx
        .deleteFrom('staff_sessions')
        .where('token_hash', '=', hash)
        .returning(['tenant_id', 'user_id'])
        .executeTakeFirst();
      if (s) {
        await appendAudit(tx, this.#clock, { tenantId: s.tenant_id, actor: systemActor('auth') }, [
          { action: 'auth.logout', outcome: 'done', subjectType: 'staff_user', subjectId: s.user_id },
        ]);
      }
    });
  }
}
