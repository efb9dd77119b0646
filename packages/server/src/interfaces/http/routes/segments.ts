import {
  IdParams,
  NewSegment,
  type Purpose,
  SegmentCountView,
  SegmentDefinition,
  SegmentMembersRequest,
  SegmentMembersView,
  SegmentPatch,
  SegmentView,
  SnapshotView,
  SpecialtyOptionView,
} from '@careloop/contracts';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { CountView } from '../../../modules/segments/index.ts';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope, statedReason } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['segments'];
/** Roles that build segments; the policy then decides per purpose and data class. */
const builders = requireStaff('owner', 'marketer');
const counters = requireStaff('owner', 'marketer', 'analyst');

/** The scope's purpose is a placeholder: the service runs under the purpose the rule really needs. */
const scopeOf = (req: FastifyRequest, purpose: Purpose = 'marketing.general', reason?: string) =>
  staffScope(req, purpose, reason);

const countView = (c: CountView) => ({
  count: c.count,
  fewerThan: c.fewerThan,
  perturbed: c.perturbed,
  purpose: c.plan.purpose,
  healthBased: c.plan.healthBased,
  consentKinds: [...c.plan.consentKinds],
  dataClasses: [...c.plan.dataClasses],
});

export const segmentRoutes: Routes = (app, { careloop }) => {
  app.get(
    '/api/segments',
    {
      schema: {
        tags,
        summary: 'Saved segments',
        response: { 200: Type.Array(SegmentView), ...errorResponses(401, 403) },
      },
      preHandler: counters,
    },
    async (req) => wire(await careloop.segments.list(scopeOf(req))),
  );

  app.post(
    '/api/segments',
    {
      schema: {
        tags,
        summary: 'Save a segment; a rule on visit_clinical or clinical data becomes marketing.health (R6)',
        body: NewSegment,
        response: { 201: SegmentView, ...errorResponses(400, 401, 403) },
      },
      preHandler: builders,
    },
    async (req, reply) => {
      const b = req.body;
      const s = await careloop.segments.create(scopeOf(req, b.purpose), {
        name: b.name,
        description: b.description ?? null,
        rule: b.rule,
        purpose: b.purpose,
        channel: b.channel ?? null,
      });
      return reply.status(201).send(wire(s));
    },
  );

  app.post(
    '/api/segments/count',
    {
      schema: {
        tags,
        summary: 'Live count of a rule for the builder; 1–10 shown to marketers as "fewer than 11"',
        body: SegmentDefinition,
        response: { 200: SegmentCountView, ...errorResponses(400, 401, 403) },
      },
      preHandler: counters,
    },
    async (req) => {
      const b = req.body;
      const c = await careloop.segments.count(scopeOf(req, b.purpose), {
        rule: b.rule,
        purpose: b.purpose,
        channel: b.channel ?? null,
      });
      return countView(c);
    },
  );

  app.get(
    '/api/segments/specialties',
    {
      schema: {
        tags,
        summary: 'The clinic specialties a "visited specialty" condition can name',
        response: { 200: Type.Array(SpecialtyOptionView), ...errorResponses(401, 403) },
      },
      preHandler: counters,
    },
    async (req) => careloop.segments.specialties(scopeOf(req)),
  );

  app.get(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: 'A saved segment',
        params: IdParams,
        response: { 200: SegmentView, ...errorResponses(401, 403, 404) },
      },
      preHandler: counters,
    },
    async (req) => wire(await careloop.segments.get(scopeOf(req), req.params.id)),
  );

  app.patch(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary:
          'Change a saved segment in place (its version increases); send the version you edited: a stale one is a 409, and the purpose is planned again (R6)',
        params: IdParams,
        body: SegmentPatch,
        response: { 200: SegmentView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: builders,
    },
    async (req) => {
      const b = req.body;
      return wire(
        await careloop.segments.update(scopeOf(req, b.purpose), req.params.id, {
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.description !== undefined ? { description: b.description } : {}),
          ...(b.rule !== undefined ? { rule: b.rule } : {}),
          ...(b.purpose !== undefined ? { purpose: b.purpose } : {}),
          ...(b.channel !== undefined ? { channel: b.channel } : {}),
          ...(b.version !== undefined ? { version: b.version } : {}),
        }),
      );
    },
  );

  app.delete(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: 'Delete a saved segment; one that audiences were frozen from is a 409 and stays',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: builders,
    },
    async (req, reply) => {
      await careloop.segments.delete(scopeOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/segments/:id/count',
    {
      schema: {
        tags,
        summary: 'Count of a saved segment now',
        params: IdParams,
        response: { 200: SegmentCountView, ...errorResponses(401, 403, 404) },
      },
      preHandler: counters,
    },
    async (req) => countView(await careloop.segments.count(scopeOf(req), { segmentId: req.params.id })),
  );

  app.post(
    '/api/segments/:id/members',
    {
      schema: {
        tags,
        summary:
          'Member ids of a saved segment: elevated access with a stated reason (x-access-reason or body), audited; refused to marketers on health-based segments (R30)',
        params: IdParams,
        body: SegmentMembersRequest,
        response: { 200: SegmentMembersView, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: builders,
    },
    async (req) => {
      const reason = statedReason(req) ?? req.body.reason?.trim();
      return careloop.segments.members(
        scopeOf(req, 'marketing.general', reason),
        { segmentId: req.params.id },
        {
          ...(req.body.limit ? { limit: req.body.limit } : {}),
          ...(req.body.after ? { after: req.body.after } : {}),
        },
      );
    },
  );

  app.post(
    '/api/segments/:id/snapshots',
    {
      schema: {
        tags,
        summary: 'Freeze the audience now (campaigns send from snapshots)',
        params: IdParams,
        response: { 201: SnapshotView, ...errorResponses(401, 403, 404) },
      },
      preHandler: builders,
    },
    async (req, reply) => {
      const s = await careloop.segments.snapshot(scopeOf(req), { segmentId: req.params.id });
      return reply.status(201).send(
        wire({
          id: s.id,
          segmentId: s.segmentId,
          purpose: s.purpose,
          channel: s.channel,
          healthBased: s.healthBased,
          size: s.shown.count,
          fewerThan: s.shown.fewerThan,
          perturbed: s.shown.perturbed,
          takenAt: s.takenAt,
        }),
      );
    },
  );
};
