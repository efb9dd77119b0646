import { LoginRequest, Ok, SessionView } from '@careloop/contracts';
import { AppError } from '../../../kernel/index.ts';
import type { StaffSession } from '../../../modules/staff/index.ts';
import { errorResponses } from '../openapi.ts';
import { requireStaff, SESSION_COOKIE } from '../session.ts';
import type { Routes } from '../types.ts';

const view = (s: StaffSession) => ({
  userId: s.userId,
  tenantId: s.tenantId,
  role: s.role,
  displayName: s.displayName,
  email: s.email,
  locale: s.locale,
  isDemo: s.isDemo,
  csrfToken: s.csrfToken,
  expiresAt: s.expiresAt.toISOString(),
});

export const authRoutes: Routes = (app, { careloop }) => {
  const secure = careloop.config.publicUrl.startsWith('https://');

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: LoginRequest,
        response: { 200: SessionView, ...errorResponses(400, 401, 429) },
      },
      config: {
        // Per address and account: slows password guessing without locking the real user out.
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          keyGenerator: (req) =>
            `${req.ip}|${String((req.body as { email?: unknown })?.email ?? '').toLowerCase()}`,
        },
      },
    },
    async (req, reply) => {
      const { token, session } = await careloop.sessions.login(req.body.email, req.body.password, req.id);
      void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
      return view(session);
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session', response: { 200: Ok } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await careloop.sessions.logout(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      // Tell the browser to drop anything it kept for this origin (R38).
      void reply.header('Clear-Site-Data', '"cache", "storage"');
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The current session',
        response: { 200: SessionView, ...errorResponses(401) },
      },
      preHandler: requireStaff(),
    },
    async (req) => {
      if (!req.staff) throw new AppError('UNAUTHENTICATED');
      return view(req.staff);
    },
  );
};
