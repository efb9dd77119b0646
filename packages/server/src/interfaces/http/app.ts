import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { AppError, newId } from '../../kernel/index.ts';
import type { Careloop } from '../../main/careloop.ts';
import { DEFAULT_WEB_ROOT, notFoundWithDashboard, registerDashboard } from './dashboard.ts';
import { handleError } from './errors.ts';
import { campaignPages } from './pages/campaigns.ts';
import { preferencePages } from './pages/preferences.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { authRoutes } from './routes/auth.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { consentDocumentRoutes } from './routes/consent-documents.ts';
import { contentRoutes } from './routes/content.ts';
import { deliveryRoutes } from './routes/delivery.ts';
import { identityRoutes } from './routes/identity.ts';
import { importRoutes } from './routes/imports.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { patientRoutes } from './routes/patients.ts';
import { processorRoutes } from './routes/processors.ts';
import { rightsRoutes } from './routes/rights.ts';
import { segmentRoutes } from './routes/segments.ts';
import { systemRoutes } from './routes/system.ts';
import { worklistRoutes } from './routes/worklist.ts';
import { registerSessions } from './session.ts';
import type { App, Routes } from './types.ts';

/** Every module's routes, registered in one place. */
const ROUTES: readonly Routes[] = [
  systemRoutes,
  authRoutes,
  patientRoutes,
  consentDocumentRoutes,
  rightsRoutes,
  importRoutes,
  deliveryRoutes,
  processorRoutes,
  incidentRoutes,
  contentRoutes,
  worklistRoutes,
  segmentRoutes,
  preferencePages,
  identityRoutes,
  analyticsRoutes,
  campaignRoutes,
  campaignPages,
];

export interface AppOptions {
  /** Pino options or a logger; false silences logs (tests). */
  readonly logger?: FastifyServerOptions['logger'];
  readonly loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** Where the built dashboard is (packages/web/dist by default); false serves the API only. */
  readonly webRoot?: string | false;
}

/** Pino redaction: credentials never reach the log, whatever a handler logs. */
export const LOG_REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/**
 * One line per request with ids only: method, route pattern (never the raw URL),
 * status, time, tenant and user ids. No bodies, headers, names, phones or e-mails.
 */
class RequestLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null, req: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: req.method,
      route: req.routeOptions.url ?? '(unmatched)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      tenantId: req.staff?.tenantId,
      userId: req.staff?.userId,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request');
  }
}

/**
 * The application factory: everything but the listening socket, so tests drive it
 * with `inject`. Logs carry request ids, tenant and user ids — never names,
 * phones, e-mails or bodies.
 */
export async function buildApp(careloop: Careloop, opts: AppOptions = {}): Promise<App> {
  const app = Fastify({
    ...(opts.loggerInstance
      ? { loggerInstance: opts.loggerInstance }
      : {
          logger: opts.logger ?? {
            level: careloop.config.logLevel,
            redact: LOG_REDACT,
          },
        }),
    genReqId: () => newId(),
    logController: new RequestLog(),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(handleError);
  let dashboard = false;
  app.setNotFoundHandler(notFoundWithDashboard(() => dashboard));

  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    // API answers may hold personal data: never cached anywhere (R38).
    if (req.url.startsWith('/api/')) void reply.header('Cache-Control', 'no-store');
  });

  const secure = careloop.config.publicUrl.startsWith('https://');
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        upgradeInsecureRequests: secure ? [] : null,
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Behind HTTPS only: on a plain-HTTP local install these would break the dashboard.
    hsts: secure,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    errorResponseBuilder: () => new AppError('RATE_LIMITED'),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Careloop API',
        version: '0.1.0',
        description:
          'Consent-first patient relationship platform. Staff authenticate with a session cookie; every write also sends the session CSRF token in `x-csrf-token`. Errors use the catalogue in docs/errors.md.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'careloop_session' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  if (webRoot !== false) dashboard = await registerDashboard(app, webRoot);

  registerSessions(app, careloop.sessions);
  for (const routes of ROUTES) routes(app, { careloop });
  return app;
}
