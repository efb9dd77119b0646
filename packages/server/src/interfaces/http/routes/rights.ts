import {
  AuditEntryView,
  AuditQuery,
  EraseRequest,
  ExportRequest,
  IdParams,
  NewSubjectRequest,
  Reason,
  RequestRef,
  SubjectRequestView,
} from '@careloop/contracts';
import Type from 'typebox';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['data-subject rights'];
const officers = requireStaff('auditor', 'owner');

export const rightsRoutes: Routes = (app, { careloop }) => {
  const scope = (req: Parameters<typeof staffScope>[0]) => staffScope(req, 'subject.rights');

  app.get(
    '/api/subject-requests',
    {
      schema: {
        tags,
        summary: 'Data-subject requests with their legal deadlines, most urgent first',
        querystring: Type.Object(
          { status: Type.Optional(Type.Enum(['open', 'completed', 'rejected'])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(SubjectRequestView), ...errorResponses(401, 403) },
      },
      preHandler: officers,
    },
    async (req) => wire(await careloop.rights.list(scope(req), req.query.status)),
  );

  app.post(
    '/api/subject-requests',
    {
      schema: {
        tags,
        summary: 'Log a request received from a patient',
        body: NewSubjectRequest,
        response: { 201: SubjectRequestView, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: requireStaff('auditor', 'owner', 'front_desk'),
    },
    async (req, reply) => {
      const b = req.body;
      const r = await careloop.rights.open(staffScope(req, 'registry.operations'), {
        patientId: b.patientId,
        kind: b.kind,
        receivedVia: b.receivedVia,
        ...(b.receivedAt ? { receivedAt: new Date(b.receivedAt) } : {}),
      });
      return reply.status(201).send(wire(r));
    },
  );

  app.post(
    '/api/subject-requests/:id/extend',
    {
      schema: {
        tags,
        summary: 'Extend the deadline with a reasoned notice',
        params: IdParams,
        body: Reason,
        response: { 200: SubjectRequestView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: officers,
    },
    async (req) => wire(await careloop.rights.extend(scope(req), req.params.id, req.body.reason)),
  );

  app.post(
    '/api/subject-requests/:id/reject',
    {
      schema: {
        tags,
        summary: 'Refuse a request, with the reason',
        params: IdParams,
        body: Reason,
        response: { 200: SubjectRequestView, ...errorResponses(400, 401, 403, 409) },
      },
      preHandler: officers,
    },
    async (req) => wire(await careloop.rights.reject(scope(req), req.params.id, req.body.reason)),
  );

  app.post(
    '/api/patients/:id/export',
    {
      schema: {
        tags,
        summary: 'Everything held about a patient, as JSON or a readable page (R36)',
        params: IdParams,
        body: ExportRequest,
        response: { 200: Type.Unknown(), ...errorResponses(401, 403, 404) },
      },
      preHandler: officers,
    },
    async (req, reply) => {
      const { data, html } = await careloop.rights.export(scope(req), req.params.id, req.body.requestId);
      if (req.body.format === 'html') return reply.type('text/html; charset=utf-8').send(html);
      return reply.send(wire(data));
    },
  );

  app.post(
    '/api/patients/:id/erase',
    {
      schema: {
        tags,
        summary: 'Erase a patient by crypto-shredding; returns the destruction act (R35)',
        params: IdParams,
        body: EraseRequest,
        response: { 200: Type.Unknown(), ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: officers,
    },
    async (req) => wire(await careloop.rights.erase(scope(req), req.params.id, req.body.requestId)),
  );

  app.post(
    '/api/patients/:id/object',
    {
      schema: {
        tags,
        summary: 'Objection to marketing: withdraw every marketing consent',
        params: IdParams,
        body: RequestRef,
        response: {
          200: Type.Object({ withdrawn: Type.Array(Type.String()) }),
          ...errorResponses(401, 403, 404),
        },
      },
      preHandler: officers,
    },
    async (req) => careloop.rights.object(scope(req), req.params.id, req.body.requestId),
  );

  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The security journal, newest first (auditor and owner only, R42)',
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditEntryView), ...errorResponses(401, 404) },
      },
      preHandler: requireStaff(),
    },
    async (req) => wire(await careloop.audit.entries(scope(req), wire(req.query))),
  );

  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain of this tenant',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entries: Type.Integer(),
            firstBadSeq: Type.Optional(Type.Integer()),
            problem: Type.Optional(Type.String()),
          }),
          ...errorResponses(401, 404),
        },
      },
      preHandler: requireStaff(),
    },
    async (req) => careloop.audit.verifyOwn(scope(req)),
  );
};
