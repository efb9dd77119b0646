import { Health, Readiness } from '@careloop/contracts';
import type { Routes } from '../types.ts';

export const systemRoutes: Routes = (app, { careloop }) => {
  app.get(
    '/health',
    { schema: { tags: ['system'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'The database answers and its schema is current',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_req, reply) => {
      const r = await careloop.readiness();
      return reply.status(r.ready ? 200 : 503).send({ ...r, pendingMigrations: [...r.pendingMigrations] });
    },
  );
};
