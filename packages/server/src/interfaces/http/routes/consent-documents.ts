import { ConsentDocumentDraft, ConsentDocumentView, IdParams } from '@careloop/contracts';
import Type from 'typebox';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['consents'];

export const consentDocumentRoutes: Routes = (app, { careloop }) => {
  app.get(
    '/api/consent-documents',
    {
      schema: {
        tags,
        summary: 'Consent texts, every version',
        querystring: Type.Object(
          { status: Type.Optional(Type.Enum(['draft', 'published', 'retired'])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(ConsentDocumentView), ...errorResponses(401) },
      },
      preHandler: requireStaff(),
    },
    async (req) =>
      wire(await careloop.consents.documents(staffScope(req, 'registry.operations'), req.query.status)),
  );

  app.post(
    '/api/consent-documents',
    {
      schema: {
        tags,
        summary: 'Draft a new version of a consent text',
        body: ConsentDocumentDraft,
        response: { 201: ConsentDocumentView, ...errorResponses(400, 401, 403) },
      },
      preHandler: requireStaff('owner'),
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(wire(await careloop.consents.draft(staffScope(req, 'registry.operations'), wire(req.body)))),
  );

  app.post(
    '/api/consent-documents/:id/publish',
    {
      schema: {
        tags,
        summary:
          'Publish a draft; a Russian written-form text must name all nine elements of 152-FZ art. 9(4) (R5)',
        params: IdParams,
        response: { 200: ConsentDocumentView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: requireStaff('owner'),
    },
    async (req) =>
      wire(await careloop.consents.publish(staffScope(req, 'registry.operations'), req.params.id)),
  );
};
