import {
  CallOutcomeRequest,
  CallTaskQuery,
  CallTaskView,
  FreeSlotQuery,
  FreeSlotsView,
  IdParams,
  RevealedPhone,
} from '@careloop/contracts';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { errorResponses } from '../openapi.ts';
import { DEFAULT_PURPOSE, requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['worklist'];
const operators = requireStaff('front_desk', 'owner');

/** Each task is worked under its own purpose; the service narrows the scope to it. */
const scope = (req: FastifyRequest) => staffScope(req, DEFAULT_PURPOSE[req.staff!.role]);

export const worklistRoutes: Routes = (app, { careloop }) => {
  const worklist = careloop.worklist;

  app.get(
    '/api/worklist/tasks',
    {
      schema: {
        tags,
        summary: 'Call tasks due now (or ?mine=true: the ones I hold), with scripts and masked numbers',
        querystring: CallTaskQuery,
        response: { 200: Type.Array(CallTaskView), ...errorResponses(401, 403) },
      },
      preHandler: operators,
    },
    async (req) => wire(await worklist.list(scope(req), req.query)),
  );

  app.post(
    '/api/worklist/tasks/:id/claim',
    {
      schema: {
        tags,
        summary: 'Take a task; one operator at a time',
        params: IdParams,
        response: { 200: CallTaskView, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: operators,
    },
    async (req) => wire(await worklist.claim(scope(req), req.params.id)),
  );

  app.post(
    '/api/worklist/tasks/:id/reveal-phone',
    {
      schema: {
        tags,
        summary: 'The full number of a task you hold, under its purpose; audited',
        params: IdParams,
        response: { 200: RevealedPhone, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: operators,
    },
    async (req) => wire(await worklist.revealPhone(scope(req), req.params.id)),
  );

  app.get(
    '/api/worklist/tasks/:id/slots',
    {
      schema: {
        tags,
        summary:
          'Free slots to book on the call, for the task you hold: the earliest in a period (at most 31 days, 100 slots), by branch, specialty or doctor',
        params: IdParams,
        querystring: FreeSlotQuery,
        response: { 200: FreeSlotsView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: operators,
    },
    async (req) => {
      const q = req.query;
      return wire(
        await worklist.freeSlots(scope(req), req.params.id, {
          ...(q.branchId ? { branchId: q.branchId } : {}),
          ...(q.specialtyId ? { specialtyId: q.specialtyId } : {}),
          ...(q.doctorId ? { doctorId: q.doctorId } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        }),
      );
    },
  );

  app.post(
    '/api/worklist/tasks/:id/outcome',
    {
      schema: {
        tags,
        summary:
          'Record the outcome: booked (slotId: a free slot, first come first served; SLOT_TAKEN when someone was faster), declined, call_later (callBackAt), moved_away, wrong_number, do_not_call; the patient is updated',
        params: IdParams,
        body: CallOutcomeRequest,
        response: { 200: CallTaskView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: operators,
    },
    async (req) => {
      const b = req.body;
      return wire(
        await worklist.recordOutcome(scope(req), req.params.id, {
          outcome: b.outcome,
          ...(b.callBackAt ? { callBackAt: new Date(b.callBackAt) } : {}),
          ...(b.slotId ? { slotId: b.slotId } : {}),
        }),
      );
    },
  );
};
