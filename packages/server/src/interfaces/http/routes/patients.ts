import type { Purpose, Role } from '@careloop/contracts';
import {
  CardQuery,
  ConsentOutcome,
  ConsentRequest,
  Created,
  IdParams,
  LinkRequest,
  LinkView,
  NewPatientRequest,
  Ok,
  PatientCard,
  PatientConsents,
  PatientSearch,
  PatientSummary,
  RectificationRequest,
  RepresentativeRequest,
} from '@careloop/contracts';
import Type from 'typebox';
import type { Revealable } from '../../../modules/patients/index.ts';
import { errorResponses } from '../openapi.ts';
import { DEFAULT_PURPOSE, requireStaff, staffScope, statedReason } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['patients'];

export const patientRoutes: Routes = (app, { careloop }) => {
  app.post(
    '/api/patients/search',
    {
      schema: {
        tags,
        summary: 'Find patients by phone, e-mail, СНИЛС, card number or name',
        body: PatientSearch,
        response: { 200: Type.Array(PatientSummary), ...errorResponses(400, 401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req) =>
      wire(await careloop.patients.search(staffScope(req, searchPurpose(req.staff!.role)), wire(req.body))),
  );

  app.get(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary:
          'A patient card with the classes your role and purpose allow; identifiers masked unless revealed',
        params: IdParams,
        querystring: CardQuery,
        response: { 200: PatientCard, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(),
    },
    async (req) => {
      const purpose = req.query.purpose ?? DEFAULT_PURPOSE[req.staff!.role];
      const reveal = (req.query.reveal?.split(',') ?? []) as Revealable[];
      return wire(
        await careloop.patients.card(staffScope(req, purpose, statedReason(req)), req.params.id, reveal),
      );
    },
  );

  app.post(
    '/api/patients',
    {
      schema: {
        tags,
        summary: 'Register a patient',
        body: NewPatientRequest,
        response: { 201: Created, ...errorResponses(400, 401, 403) },
      },
      preHandler: requireStaff('owner', 'front_desk'),
    },
    async (req, reply) => {
      const id = await careloop.patients.register(staffScope(req, 'registry.operations'), wire(req.body));
      return reply.status(201).send({ id });
    },
  );

  app.patch(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: 'Correct a patient’s data (rectification)',
        params: IdParams,
        body: RectificationRequest,
        response: { 200: Ok, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: requireStaff('owner', 'front_desk', 'auditor'),
    },
    async (req) => {
      const purpose = req.staff!.role === 'auditor' ? 'subject.rights' : 'registry.operations';
      await careloop.patients.rectify(staffScope(req, purpose), req.params.id, wire(req.body));
      return { ok: true as const };
    },
  );

  app.get(
    '/api/patients/:id/consents',
    {
      schema: {
        tags: ['consents'],
        summary: 'Current consents and the ledger of a patient',
        params: IdParams,
        response: { 200: PatientConsents, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff('owner', 'front_desk', 'doctor', 'auditor'),
    },
    async (req) => {
      const scope = staffScope(req, req.staff!.role === 'auditor' ? 'subject.rights' : 'registry.operations');
      const [current, history] = await Promise.all([
        careloop.consents.current(scope, req.params.id),
        careloop.consents.history(scope, req.params.id),
      ]);
      return wire({ current, history });
    },
  );

  app.post(
    '/api/patients/:id/consents',
    {
      schema: {
        tags: ['consents'],
        summary: 'Record a consent given or withdrawn (front desk, paper, phone…)',
        params: IdParams,
        body: ConsentRequest,
        response: { 200: ConsentOutcome, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: requireStaff('owner', 'front_desk', 'auditor'),
    },
    async (req) => {
      const b = req.body;
      const scope = staffScope(req, req.staff!.role === 'auditor' ? 'subject.rights' : 'registry.operations');
      return careloop.consents.record(scope, req.params.id, {
        kind: b.kind,
        event: b.event,
        captureMethod: b.captureMethod,
        ...(b.documentId ? { documentId: b.documentId } : {}),
        ...(b.occurredAt ? { occurredAt: new Date(b.occurredAt) } : {}),
        ...(b.expiresAt ? { expiresAt: new Date(b.expiresAt) } : {}),
        ...(b.representativeId ? { representativeId: b.representativeId } : {}),
        ...(b.evidence ? { evidence: wire(b.evidence) } : {}),
      });
    },
  );

  app.get(
    '/api/patients/:id/consent-proof',
    {
      schema: {
        tags: ['consents'],
        summary:
          'A verifiable proof of the patient’s consents: events, evidence, exact texts with their hashes, journal entries (R2)',
        params: IdParams,
        response: { 200: Type.Unknown(), ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff('owner', 'auditor'),
    },
    async (req) =>
      wire(
        await careloop.consents.proof(
          staffScope(req, req.staff!.role === 'auditor' ? 'subject.rights' : 'registry.operations'),
          req.params.id,
        ),
      ),
  );

  app.post(
    '/api/patients/:id/representatives',
    {
      schema: {
        tags: ['consents'],
        summary: 'Record a legal representative (minors, guardianship)',
        params: IdParams,
        body: RepresentativeRequest,
        response: { 201: Created, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: requireStaff('owner', 'front_desk'),
    },
    async (req, reply) => {
      const id = await careloop.consents.addRepresentative(
        staffScope(req, 'registry.operations'),
        req.params.id,
        req.body,
      );
      return reply.status(201).send({ id });
    },
  );

  app.post(
    '/api/patients/:id/links',
    {
      schema: {
        tags: ['consents'],
        summary: 'A link for the patient: their preference page, or one-click unsubscribe',
        params: IdParams,
        body: LinkRequest,
        response: { 201: LinkView, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff('owner', 'front_desk', 'auditor'),
    },
    async (req, reply) => {
      const token = await careloop.preferences.issue(
        staffScope(req, 'registry.operations'),
        req.params.id,
        req.body.purpose,
      );
      const path = req.body.purpose === 'preferences' ? 'p' : 'u';
      return reply.status(201).send({ url: `${careloop.config.publicUrl}/${path}/${token}` });
    },
  );
};

/** Searching is registry work for everyone who may search; a doctor looks patients up too. */
const searchPurpose = (role: Role): Purpose =>
  role === 'auditor' ? 'subject.rights' : 'registry.operations';
