import {
  BlockCreate,
  BlockUpdate,
  BlockView,
  DraftCheckRequest,
  DraftCheckView,
  DraftCreate,
  DraftSave,
  IdParams,
  PreviewRequestSchema,
  PreviewView,
  ReviewNote,
  TemplateContentSchema,
  TemplateCreate,
  TemplateDetailView,
  TemplateRef,
  TemplateSummaryView,
  TemplateVersionRef,
  TemplateVersionView,
} from '@careloop/contracts';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { TemplateContent, TemplateDraft } from '../../../modules/content/index.ts';
import { errorResponses } from '../openapi.ts';
import { DEFAULT_PURPOSE, requireStaff, staffScope, statedReason } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['content'];
const readers = requireStaff('owner', 'marketer', 'front_desk', 'doctor', 'auditor');
const authors = requireStaff('owner', 'marketer');
const approvers = requireStaff('owner');

/** Library work touches no patient data; it is journaled under the role's usual purpose. */
const scope = (req: FastifyRequest) => staffScope(req, DEFAULT_PURPOSE[req.staff!.role]);

export const contentRoutes: Routes = (app, { careloop }) => {
  const content = careloop.content;

  app.get(
    '/api/content/blocks',
    {
      schema: {
        tags,
        summary: 'Content blocks, latest version of each',
        response: { 200: Type.Array(BlockView), ...errorResponses(401, 403) },
      },
      preHandler: readers,
    },
    async (req) => wire(await content.listBlocks(scope(req))),
  );

  app.get(
    '/api/content/blocks/:id',
    {
      schema: {
        tags,
        summary: 'A block (by id or key), latest version or ?version=',
        params: TemplateRef,
        querystring: Type.Object(
          { version: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
        response: { 200: BlockView, ...errorResponses(401, 403, 404) },
      },
      preHandler: readers,
    },
    async (req) => wire(await content.getBlock(scope(req), req.params.id, req.query.version)),
  );

  app.post(
    '/api/content/blocks',
    {
      schema: {
        tags,
        summary: 'Write a block; tokens are checked on save',
        body: BlockCreate,
        response: { 201: BlockView, ...errorResponses(400, 401, 403, 409) },
      },
      preHandler: authors,
    },
    async (req, reply) => reply.status(201).send(wire(await content.createBlock(scope(req), wire(req.body)))),
  );

  app.put(
    '/api/content/blocks/:id',
    {
      schema: {
        tags,
        summary: 'Change a block: writes a new version; templates keep the versions they pinned',
        params: IdParams,
        body: BlockUpdate,
        response: { 200: BlockView, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: authors,
    },
    async (req) => wire(await content.updateBlock(scope(req), req.params.id, wire(req.body))),
  );

  app.get(
    '/api/content/templates',
    {
      schema: {
        tags,
        summary: 'Templates with their latest and approved versions',
        response: { 200: Type.Array(TemplateSummaryView), ...errorResponses(401, 403) },
      },
      preHandler: readers,
    },
    async (req) => wire(await content.listTemplates(scope(req))),
  );

  app.get(
    '/api/content/templates/:id',
    {
      schema: {
        tags,
        summary: 'A template (by id or key) with every version and its lint report',
        params: TemplateRef,
        response: { 200: TemplateDetailView, ...errorResponses(401, 403, 404) },
      },
      preHandler: readers,
    },
    async (req) => wire(await content.getTemplate(scope(req), req.params.id)),
  );

  app.post(
    '/api/content/templates',
    {
      schema: {
        tags,
        summary: 'Create a template; its first version is a draft',
        body: TemplateCreate,
        response: { 201: TemplateVersionView, ...errorResponses(400, 401, 403, 409) },
      },
      preHandler: authors,
    },
    async (req, reply) =>
      reply.status(201).send(wire(await content.createTemplate(scope(req), wire(req.body)))),
  );

  app.put(
    '/api/content/templates/:id',
    {
      schema: {
        tags,
        summary: 'Edit the draft, or start a new draft version while the approved one keeps sending',
        params: TemplateRef,
        body: TemplateContentSchema,
        response: { 200: TemplateVersionView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: authors,
    },
    async (req) =>
      wire(await content.updateTemplate(scope(req), req.params.id, wire(req.body) as TemplateContent)),
  );

  app.post(
    '/api/content/drafts/check',
    {
      schema: {
        tags,
        summary:
          'Lint an unsaved draft under its send purpose and render each variant with sample values; writes nothing',
        body: DraftCheckRequest,
        response: { 200: DraftCheckView, ...errorResponses(400, 401, 403) },
      },
      preHandler: readers,
    },
    async (req) =>
      wire(await content.checkDraft(scope(req), req.body.sendPurpose, wire(req.body.draft) as TemplateDraft)),
  );

  app.post(
    '/api/content/drafts',
    {
      schema: {
        tags,
        summary: 'Create a template from a draft with its block texts inline; its first version is a draft',
        body: DraftCreate,
        response: { 201: TemplateVersionView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: authors,
    },
    async (req, reply) => {
      const { key, sendPurpose, draft } = req.body;
      const v = await content.createDraft(scope(req), {
        key,
        sendPurpose,
        draft: wire(draft) as TemplateDraft,
      });
      return reply.status(201).send(wire(v));
    },
  );

  app.put(
    '/api/content/drafts/:id',
    {
      schema: {
        tags,
        summary:
          'Save a draft with its block texts inline: changed blocks get new versions; edits the draft version or starts one',
        params: TemplateRef,
        body: DraftSave,
        response: { 200: TemplateVersionView, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: authors,
    },
    async (req) =>
      wire(await content.saveDraft(scope(req), req.params.id, wire(req.body.draft) as TemplateDraft)),
  );

  const moves = [
    ['submit', 'Send a draft for review; refused while the compliance linter finds errors', authors],
    [
      'approve',
      'Approve (owner, not the author); runs the compliance linter and refuses on errors',
      approvers,
    ],
    ['reject', 'Send a version under review back to draft with a note', approvers],
    ['retire', 'Retire an approved version: it never sends again', approvers],
  ] as const;
  for (const [step, summary, pre] of moves) {
    app.post(
      `/api/content/templates/:id/versions/:version/${step}`,
      {
        schema: {
          tags,
          summary,
          params: TemplateVersionRef,
          ...(step === 'reject' ? { body: ReviewNote } : {}),
          response: { 200: TemplateVersionView, ...errorResponses(401, 403, 404, 409, 422) },
        },
        preHandler: pre,
      },
      async (req) => {
        const { id, version } = req.params;
        const s = scope(req);
        const r =
          step === 'submit'
            ? await content.submit(s, id, version)
            : step === 'approve'
              ? await content.approve(s, id, version)
              : step === 'reject'
                ? await content.reject(s, id, version, (req.body as { note?: string } | undefined)?.note)
                : await content.retire(s, id, version);
        return wire(r);
      },
    );
  }

  app.post(
    '/api/content/templates/:id/preview',
    {
      schema: {
        tags,
        summary:
          'Render a version for sample values or a patient (purpose-scoped, audited): message, SMS parts, lint findings',
        params: TemplateRef,
        body: PreviewRequestSchema,
        response: { 200: PreviewView, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: readers,
    },
    async (req) => {
      const { purpose, ...rest } = req.body;
      const s = staffScope(req, purpose ?? DEFAULT_PURPOSE[req.staff!.role], statedReason(req));
      return wire(await content.preview(s, req.params.id, rest));
    },
  );
};
