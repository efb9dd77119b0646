import {
  Ok,
  ProcessorParams,
  ProcessorRegisterView,
  ProcessorRegistration,
  ProcessorView,
} from '@careloop/contracts';
import { configuredProviders } from '../../../main/delivery-channels.ts';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['processors'];

/**
 * The processor register (R58). Any signed-in staff may ask; the service lets the owner change it
 * and the owner and auditors read it, so a refusal is audited (R41).
 */
export const processorRoutes: Routes = (app, { careloop }) => {
  app.get(
    '/api/processors',
    {
      schema: {
        tags,
        summary:
          'The processor register, every version, with the channel providers this installation calls and whether each is registered',
        response: { 200: ProcessorRegisterView, ...errorResponses(401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req) => {
      const entries = await careloop.processors.list(staffScope(req, 'registry.operations'));
      const current = new Set(entries.filter((e) => e.retiredAt === null).map((e) => e.provider));
      return wire({
        entries,
        configured: configuredProviders(careloop.config.delivery).map((p) => ({
          ...p,
          registered: !p.external || current.has(p.provider),
        })),
      });
    },
  );

  app.post(
    '/api/processors',
    {
      schema: {
        tags,
        summary:
          'Register a processor, or change its entry (a new version retires the previous one); a transfer abroad needs its basis (R26)',
        body: ProcessorRegistration,
        response: { 201: ProcessorView, ...errorResponses(400, 401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(wire(await careloop.processors.register(staffScope(req, 'registry.operations'), req.body))),
  );

  app.post(
    '/api/processors/:provider/retire',
    {
      schema: {
        tags,
        summary: 'Take a provider off the register: nothing more is sent through it',
        params: ProcessorParams,
        response: { 200: Ok, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(),
    },
    async (req) => {
      await careloop.processors.retire(staffScope(req, 'registry.operations'), req.params.provider);
      return { ok: true as const };
    },
  );
};
