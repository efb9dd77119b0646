import { timingSafeEqual } from 'node:crypto';
import type { Purpose, Role } from '@careloop/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type Scope } from '../../kernel/index.ts';
import type { StaffSession, StaffSessions } from '../../modules/staff/index.ts';

export const SESSION_COOKIE = 'careloop_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffSession | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Resolves the staff session from its cookie on every API request and refuses a
 * cookie-authenticated write without the session's CSRF token.
 */
export function registerSessions(app: FastifyInstance, sessions: StaffSessions): void {
  app.decorateRequest('staff', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    req.staff = await sessions.authenticate(token);
    if (req.staff && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, req.staff.csrfToken))
        throw new AppError('CSRF_INVALID');
    }
  });
}

/** A pre-handler that admits signed-in staff of the given roles (any role when none are given). */
export const requireStaff =
  (...roles: Role[]) =>
  async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!req.staff) throw new AppError('UNAUTHENTICATED');
    if (roles.length > 0 && !roles.includes(req.staff.role)) throw new AppError('ROLE_NOT_PERMITTED');
  };

/** The purpose a role reads patient records under unless it names another. */
export const DEFAULT_PURPOSE: Readonly<Record<Role, Purpose>> = {
  owner: 'registry.operations',
  front_desk: 'registry.operations',
  doctor: 'care.followup',
  marketer: 'marketing.general',
  analyst: 'analytics.aggregate',
  auditor: 'subject.rights',
};

/** A stated reason for elevated access travels in a header, never in the URL (R30, R38). */
export const REASON_HEADER = 'x-access-reason';

export const statedReason = (req: FastifyRequest): string | undefined => {
  const r = req.headers[REASON_HEADER];
  return typeof r === 'string' && r.trim().length >= 3 ? decodeURIComponent(r).slice(0, 500) : undefined;
};

/** The scope a staff request works in; the tenant always comes from the session, never from the client (R29). */
export function staffScope(req: FastifyRequest, purpose: Purpose, reason?: string): Scope {
  const s = req.staff;
  if (!s) throw new AppError('UNAUTHENTICATED');
  return {
    tenantId: s.tenantId,
    actor: { kind: 'staff', userId: s.userId, role: s.role },
    purpose,
    requestId: req.id,
    ...(reason ? { reason } : {}),
  };
}
