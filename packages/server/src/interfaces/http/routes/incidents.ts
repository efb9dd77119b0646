import { IncidentNoticeParams, IncidentRequest, IncidentView, Ok } from '@careloop/contracts';
import Type from 'typebox';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['incidents'];

/** The incident register (R43); the service lets the owner and the auditor in, and audits a refusal. */
export const incidentRoutes: Routes = (app, { careloop }) => {
  app.get(
    '/api/incidents',
    {
      schema: {
        tags,
        summary: 'Personal-data incidents with their breach clocks and the patients affected',
        response: { 200: Type.Array(IncidentView), ...errorResponses(401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req) => wire(await careloop.incidents.list(staffScope(req, 'registry.operations'))),
  );

  app.post(
    '/api/incidents',
    {
      schema: {
        tags,
        summary:
          'Record an incident: the patients affected are counted from the audit log over its scope, and the notice deadlines start at detection',
        body: IncidentRequest,
        response: { 201: IncidentView, ...errorResponses(400, 401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req, reply) => {
      const b = req.body;
      const incident = await careloop.incidents.record(staffScope(req, 'registry.operations'), {
        title: b.title,
        description: b.description,
        detectedAt: new Date(b.detectedAt),
        scope: {
          from: new Date(b.scope.from),
          to: new Date(b.scope.to),
          ...(b.scope.actor ? { actor: b.scope.actor } : {}),
        },
      });
      return reply.status(201).send(wire(incident));
    },
  );

  app.post(
    '/api/incidents/:id/notices/:notice',
    {
      schema: {
        tags,
        summary: 'Record that a notice was sent; its clock stops',
        params: IncidentNoticeParams,
        response: { 200: Ok, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: requireStaff(),
    },
    async (req) => {
      await careloop.incidents.notified(
        staffScope(req, 'registry.operations'),
        req.params.id,
        req.params.notice,
      );
      return { ok: true as const };
    },
  );
};
