import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { handleNotFound } from './errors.ts';
import type { App } from './types.ts';

/** The built dashboard (packages/web/dist), served at the same origin as the API. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

/**
 * Serves the dashboard's files: hashed assets are cached for good, index.html never
 * (so a new build is picked up at once). Returns false when there is no build.
 */
export async function registerDashboard(app: App, root: string): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn('the dashboard is not built (npm run build); serving the API only');
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    cacheControl: false,
    setHeaders: (res, path) => {
      void res.header(
        'Cache-Control',
        path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}

const SPA_METHODS = new Set(['GET', 'HEAD']);

/**
 * Not found: API paths and non-HTML requests get the catalogue's 404; a browser asking
 * for a dashboard path (/patients/…) gets index.html and the client-side router.
 */
export const notFoundWithDashboard =
  (served: () => boolean) =>
  (req: FastifyRequest, reply: FastifyReply): void => {
    const html = String(req.headers.accept ?? '').includes('text/html');
    const app = !req.url.startsWith('/api/') && !req.url.startsWith('/assets/');
    if (served() && html && app && SPA_METHODS.has(req.method)) {
      void reply.header('Cache-Control', 'no-cache').sendFile('index.html');
      return;
    }
    handleNotFound(req, reply);
  };
