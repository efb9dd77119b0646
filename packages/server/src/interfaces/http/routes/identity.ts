import {
  IdParams,
  MergeCandidateRequest,
  MergeOutcomeView,
  MergesQuery,
  MergeView,
  Ok,
  ResolutionReportView,
  ResolutionRunRequest,
  ReviewPageView,
  ReviewQuery,
  UnmergeOutcomeView,
} from '@careloop/contracts';
import Type from 'typebox';
import type { Revealable } from '../../../modules/patients/index.ts';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['identity resolution'];

/**
 * Duplicates: the review queue, merges and their undo, resolution runs. Any signed-in
 * staff member reaches the service; the policy engine decides per role (purpose
 * registry.operations) and audits denials, so the rule lives in one place.
 */
export const identityRoutes: Routes = (app, { careloop }) => {
  const scope = (req: Parameters<typeof staffScope>[0]) => staffScope(req, 'registry.operations');
  const staff = requireStaff();

  app.get(
    '/api/identity/candidates',
    {
      schema: {
        tags,
        summary: 'Pairs that may be one person, strongest first, side by side with per-field evidence',
        querystring: ReviewQuery,
        response: { 200: ReviewPageView, ...errorResponses(401, 403) },
      },
      preHandler: staff,
    },
    async (req) => {
      const { limit, offset, cursor, reveal } = req.query;
      return wire(
        await careloop.identity.reviewQueue(scope(req), {
          ...(limit !== undefined ? { limit } : {}),
          ...(offset !== undefined ? { offset } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
          reveal: (reveal?.split(',') ?? []) as Revealable[],
        }),
      );
    },
  );

  app.post(
    '/api/identity/candidates/:id/merge',
    {
      schema: {
        tags,
        summary: 'Merge a candidate pair: the survivor keeps its id, the other record is kept for undo',
        params: IdParams,
        body: MergeCandidateRequest,
        response: { 200: MergeOutcomeView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.identity.merge(scope(req), req.params.id, req.body.survivorId)),
  );

  app.post(
    '/api/identity/candidates/:id/reject',
    {
      schema: {
        tags,
        summary: 'Not the same person: the pair is never proposed again',
        params: IdParams,
        response: { 200: Ok, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: staff,
    },
    async (req) => {
      await careloop.identity.reject(scope(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/identity/merges',
    {
      schema: {
        tags,
        summary: 'Merges, newest first, with who made them and whether they were undone',
        querystring: MergesQuery,
        response: { 200: Type.Array(MergeView), ...errorResponses(401, 403) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.identity.merges(scope(req), req.query)),
  );

  app.post(
    '/api/identity/merges/:id/unmerge',
    {
      schema: {
        tags,
        summary: 'Undo a merge exactly: both records, their visits and consent come back as they were',
        params: IdParams,
        response: { 200: UnmergeOutcomeView, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.identity.unmerge(scope(req), req.params.id)),
  );

  app.post(
    '/api/identity/runs',
    {
      schema: {
        tags,
        summary: 'Find duplicates now: the whole base, or one import batch against it',
        body: ResolutionRunRequest,
        response: { 200: ResolutionReportView, ...errorResponses(400, 401, 403) },
      },
      preHandler: staff,
    },
    async (req) => {
      const b = req.body;
      return wire(
        await careloop.identity.resolve(scope(req), {
          ...(b.batchId ? { batchId: b.batchId } : {}),
          ...(b.autoMerge !== undefined ? { autoMerge: b.autoMerge } : {}),
        }),
      );
    },
  );
};
