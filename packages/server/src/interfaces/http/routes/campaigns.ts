import {
  AudiencePreview,
  CampaignInput,
  CampaignPatch,
  CampaignResults,
  CampaignView,
  IdParams,
  PlaybookView,
  RunView,
} from '@careloop/contracts';
import Type from 'typebox';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['campaigns'];
// Reminders are the front desk's; marketing playbooks the marketer's and owner's. The
// service checks each playbook's purpose and data classes against the role.
const staff = requireStaff('owner', 'marketer', 'front_desk');

export const campaignRoutes: Routes = (app, { careloop }) => {
  // The purpose is the playbook's own: the service replaces whatever the scope carries.
  const scope = (req: Parameters<typeof staffScope>[0]) => staffScope(req, 'marketing.general');

  app.get(
    '/api/playbooks',
    {
      schema: {
        tags,
        summary:
          'The playbook catalogue: ready campaigns with their purpose, template, channels and defaults',
        querystring: Type.Object(
          { lang: Type.Optional(Type.Enum(['ru', 'en'])) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(PlaybookView), ...errorResponses(401, 403) },
      },
      preHandler: staff,
    },
    async (req) => careloop.campaigns.playbooks(req.query.lang ?? 'ru'),
  );

  app.get(
    '/api/campaigns',
    {
      schema: {
        tags,
        summary: 'Campaigns the caller may run',
        response: { 200: Type.Array(CampaignView), ...errorResponses(401, 403) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.campaigns.list(scope(req))),
  );

  app.post(
    '/api/campaigns',
    {
      schema: {
        tags,
        summary: 'Switch a playbook on as a campaign (a draft until launched)',
        body: CampaignInput,
        response: { 201: CampaignView, ...errorResponses(400, 401, 403) },
      },
      preHandler: staff,
    },
    async (req, reply) => reply.status(201).send(wire(await careloop.campaigns.create(scope(req), req.body))),
  );

  app.get(
    '/api/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'One campaign',
        params: IdParams,
        response: { 200: CampaignView, ...errorResponses(401, 403, 404) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.campaigns.get(scope(req), req.params.id)),
  );

  app.patch(
    '/api/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'Tune a campaign: parameters, channel, schedule, control share, attribution window, status',
        params: IdParams,
        body: CampaignPatch,
        response: { 200: CampaignView, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.campaigns.update(scope(req), req.params.id, req.body)),
  );

  app.get(
    '/api/campaigns/:id/preview',
    {
      schema: {
        tags,
        summary: 'Audience size a launch now would enrol, by arm (counts under 11 hidden from marketers)',
        params: IdParams,
        response: { 200: AudiencePreview, ...errorResponses(401, 403, 404) },
      },
      preHandler: staff,
    },
    async (req) => careloop.campaigns.preview(scope(req), req.params.id),
  );

  app.post(
    '/api/campaigns/:id/launch',
    {
      schema: {
        tags,
        summary: "Run today's occurrence: snapshot, control group and outbox in one transaction",
        params: IdParams,
        response: { 200: RunView, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: staff,
    },
    async (req) => {
      const r = await careloop.campaigns.launch(scope(req), req.params.id);
      return wire({ ...r.run, created: r.created });
    },
  );

  app.get(
    '/api/campaigns/:id/runs',
    {
      schema: {
        tags,
        summary: 'The runs of a campaign, latest first',
        params: IdParams,
        response: { 200: Type.Array(Type.Omit(RunView, ['created'])), ...errorResponses(401, 403, 404) },
      },
      preHandler: staff,
    },
    async (req) => wire(await careloop.campaigns.runs(scope(req), req.params.id)),
  );

  app.get(
    '/api/campaigns/:id/results',
    {
      schema: {
        tags,
        summary: 'Conversion of the treatment arm against the control arm, uplift, significance and funnel',
        params: IdParams,
        response: { 200: CampaignResults, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff('owner', 'marketer'),
    },
    async (req) => careloop.campaigns.results(scope(req), req.params.id),
  );
};
