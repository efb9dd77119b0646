import { timingSafeEqual } from 'node:crypto';
import {
  CampaignOutboxStats,
  DeliveryReceipt,
  DeliveryWebhookParams,
  IdParams,
  InboundDetailView,
  InboundItemView,
  InboundMessageBody,
  InboundQuery,
  InboundResolveRequest,
  InboundResolveResult,
  MessageHistoryItemView,
  SendingDomainParams,
  SendingDomainsView,
  SendingDomainView,
  WebhookAck,
} from '@careloop/contracts';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../../kernel/index.ts';
import { COMPLAINT_ALERT_RATE, COMPLAINT_PAUSE_RATE } from '../../../modules/delivery/index.ts';
import { errorResponses } from '../openapi.ts';
import { requireStaff, staffScope } from '../session.ts';
import type { Routes } from '../types.ts';
import { wire } from '../wire.ts';

const tags = ['delivery'];
/**
 * Any signed-in staff may ask; the queue's policy check (registry write: owner, front desk) decides
 * in the service, so a refusal is audited (R41).
 */
const queueWorkers = requireStaff();

export const deliveryRoutes: Routes = (app, { careloop }) => {
  /** Providers authenticate with the configured token; without one, webhooks do not exist (fail closed). */
  const provider = async (req: FastifyRequest): Promise<void> => {
    const secret = careloop.config.delivery?.webhookSecret;
    const given = req.headers['x-careloop-webhook-token'];
    if (!secret) throw new AppError('NOT_FOUND');
    const a = Buffer.from(typeof given === 'string' ? given : '');
    const b = Buffer.from(secret);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError('UNAUTHENTICATED');
  };

  app.post(
    '/webhooks/delivery/:tenantId/:provider/receipts',
    {
      schema: {
        tags,
        summary: 'Delivery receipt from a channel provider (idempotent by event id)',
        params: DeliveryWebhookParams,
        body: DeliveryReceipt,
        response: { 200: WebhookAck, ...errorResponses(400, 401, 404) },
      },
      preHandler: provider,
    },
    async (req) => {
      const b = req.body;
      const r = await careloop.delivery.receipt(req.params.tenantId, req.params.provider, {
        eventId: b.eventId,
        status: b.status,
        ...(b.reference ? { reference: b.reference } : {}),
        ...(b.providerMessageId ? { providerMessageId: b.providerMessageId } : {}),
      });
      return { ok: r.matched, duplicate: r.duplicate };
    },
  );

  app.post(
    '/webhooks/delivery/:tenantId/:provider/inbound',
    {
      schema: {
        tags,
        summary:
          'A message from a patient: STOP/СТОП keywords withdraw advertising consent on that channel and queue one confirmation (R8, R22); any other text goes to the review queue',
        params: DeliveryWebhookParams,
        body: InboundMessageBody,
        response: {
          200: Type.Object({ action: Type.String(), duplicate: Type.Boolean() }),
          ...errorResponses(400, 401, 404),
        },
      },
      preHandler: provider,
    },
    async (req) => {
      const b = req.body;
      const r = await careloop.delivery.inbound(
        req.params.tenantId,
        req.params.provider,
        b.channel ?? 'sms',
        {
          eventId: b.eventId,
          from: b.from,
          text: b.text,
        },
      );
      return { action: r.action, duplicate: r.duplicate };
    },
  );

  app.get(
    '/api/patients/:id/messages',
    {
      schema: {
        tags,
        summary:
          'Messages of a patient for the card: channel, purpose, state, skip reason, times — no content',
        params: IdParams,
        response: { 200: Type.Array(MessageHistoryItemView), ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(),
    },
    async (req) =>
      wire(await careloop.delivery.history(staffScope(req, 'registry.operations'), req.params.id)),
  );

  app.get(
    '/api/campaigns/:id/outbox-stats',
    {
      schema: {
        tags,
        summary: 'Outbox counts of a campaign by state, skip reason and channel',
        params: IdParams,
        querystring: Type.Object(
          {
            purpose: Type.Optional(
              Type.Enum([
                'marketing.general',
                'marketing.health',
                'service.feedback',
                'care.appointment',
                'care.followup',
              ]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: CampaignOutboxStats, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(),
    },
    async (req) =>
      wire(
        await careloop.delivery.campaignStats(
          staffScope(req, req.query.purpose ?? 'marketing.general'),
          req.params.id,
        ),
      ),
  );

  app.get(
    '/api/sending-domains',
    {
      schema: {
        tags,
        summary:
          'Sending domains under the complaint-rate breaker: 24-hour complaint rate, alert from 0.1 %, advertising paused from 0.3 % (R20)',
        response: { 200: SendingDomainsView, ...errorResponses(401, 403) },
      },
      preHandler: requireStaff(),
    },
    async (req) =>
      wire({
        domains: await careloop.delivery.domains(staffScope(req, 'registry.operations')),
        alertRate: COMPLAINT_ALERT_RATE,
        pauseRate: COMPLAINT_PAUSE_RATE,
      }),
  );

  app.post(
    '/api/sending-domains/:domain/resume',
    {
      schema: {
        tags,
        summary:
          'Resume advertising from a paused domain once the cause is dealt with; complaints before now stop counting (owner)',
        params: SendingDomainParams,
        response: { 200: SendingDomainView, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(),
    },
    async (req) =>
      wire(await careloop.delivery.resumeDomain(staffScope(req, 'registry.operations'), req.params.domain)),
  );

  app.get(
    '/api/inbound',
    {
      schema: {
        tags,
        summary:
          'Open messages patients wrote back, overdue first, then those that look like a withdrawal (R8) — no sender or text',
        querystring: InboundQuery,
        response: { 200: Type.Array(InboundItemView), ...errorResponses(401, 403) },
      },
      preHandler: queueWorkers,
    },
    async (req) =>
      wire(await careloop.delivery.inboundQueue(staffScope(req, 'registry.operations'), req.query)),
  );

  app.get(
    '/api/inbound/:id',
    {
      schema: {
        tags,
        summary: 'One inbound message decrypted, with the patients it came from (audited)',
        params: IdParams,
        response: { 200: InboundDetailView, ...errorResponses(401, 403, 404) },
      },
      preHandler: queueWorkers,
    },
    async (req) =>
      wire(await careloop.delivery.inboundMessage(staffScope(req, 'registry.operations'), req.params.id)),
  );

  app.post(
    '/api/inbound/:id/resolve',
    {
      schema: {
        tags,
        summary:
          'Resolve an inbound message: a withdrawal of advertising on its channel (ledger and suppression, as STOP) or no action with a note',
        params: IdParams,
        body: InboundResolveRequest,
        response: { 200: InboundResolveResult, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preHandler: queueWorkers,
    },
    async (req) =>
      wire(
        await careloop.delivery.resolveInbound(staffScope(req, 'registry.operations'), req.params.id, {
          resolution: req.body.resolution,
          ...(req.body.note !== undefined ? { note: req.body.note } : {}),
        }),
      ),
  );
};
