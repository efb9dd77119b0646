import type { Channel, DataClass, Purpose } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { type Clock, systemActor } from '../../kernel/index.ts';
import { type AuditEvent, appendAudit } from '../audit/index.ts';
import type { ContentChannel, RenderedMessage, ValueBag } from '../content/index.ts';
import type { TenantKeys } from '../crypto/index.ts';
import type { PatientContact } from '../patients/index.ts';
import { issueLinks } from '../preferences/index.ts';
import { coverage, currentProcessors } from '../processors/index.ts';
import { chargeBudgets, refundBudgets } from './budget.ts';
import { loadRecipients } from './claim-facts.ts';
import { DOMAIN_PAUSE_RECHECK_MS } from './complaints.ts';
import { type Decision, decideChannel, quietUntil } from './decide.ts';
import { pausedDomains } from './domains.ts';
import {
  BUDGETED_PURPOSES,
  type DeliveryPolicy,
  MARKETING_PURPOSES,
  policyFrom,
  type RequestedChannel,
  type SkipReason,
} from './model.ts';
import type { CallTask, MessageRenderer, OutboundMessage } from './ports.ts';

/** How long a preference-page link in a message stays usable. */
const PREFERENCE_LINK_DAYS = 180;

/** What the claim needs to know about the worker's channels. */
export interface ClaimEnv {
  readonly clock: Clock;
  readonly renderer: MessageRenderer;
  readonly publicUrl: string;
  readonly batchSize: number;
  /** Provider of each channel this worker can send on; `external` ones must be on the register (R58). */
  readonly providers: ReadonlyMap<
    Channel,
    { readonly name: string; readonly external: boolean; readonly domain?: string }
  >;
  /** Until when a channel's circuit is open (a provider outage defers, R55). */
  readonly circuitOpenUntil: (c: Channel) => Date | null;
}

export interface ClaimedMessage {
  readonly outbound: OutboundMessage;
  readonly provider: string;
  readonly attempts: number;
}

export interface ClaimSummary {
  readonly claimed: number;
  readonly sending: ClaimedMessage[];
  readonly skipped: number;
  readonly deferred: number;
}

interface Row {
  id: string;
  idem_key: Buffer;
  patient_id: string;
  purpose: Purpose;
  campaign_id: string | null;
  channel_requested: RequestedChannel;
  template_id: string;
  template_version: number;
  context: Record<string, unknown>;
  expires_at: Date | null;
  attempts: number;
  decision: Record<string, unknown> | null;
}

type Update = {
  id: string;
  state: 'sending' | 'skipped' | 'queued';
  channel: Channel | null;
  provider: string | null;
  /** The domain an e-mail goes out from (R20); null for everything else. */
  sender_domain?: string | null;
  skip_reason: string | null;
  next_attempt_at: Date | null;
  attempts: number;
  decision: Record<string, unknown>;
};

const addressOf = (c: Channel, contact: PatientContact | undefined, patientId: string): string | undefined =>
  c === 'email'
    ? contact?.email
    : c === 'sms'
      ? contact?.phone
      : c === 'messenger'
        ? contact?.messenger
        : contact?.phone
          ? patientId
          : undefined;

/**
 * One claim transaction (R53): takes due messages with FOR UPDATE SKIP LOCKED, re-checks the
 * patient, consent, suppressions, send window, quiet hours and circuit, spends the shared
 * contact-pressure budget under the patients' counter-row locks, renders, and moves each
 * message to `sending`, `skipped` (with its reason) or back to `queued` for later — all before
 * any provider is called. Every decision is audited in the same transaction (R41, R56).
 */
export async function claimBatch(
  tx: Tx,
  keys: TenantKeys,
  tenantId: string,
  env: ClaimEnv,
): Promise<ClaimSummary> {
  const now = env.clock.now();
  const claimed = await sql<Row>`
    SELECT id, idem_key, patient_id, purpose, campaign_id, channel_requested, template_id, template_version,
           context, expires_at, attempts, decision
    FROM outbox_messages
    WHERE tenant_id = ${tenantId} AND state = 'queued' AND next_attempt_at <= ${now}
    ORDER BY next_attempt_at
    LIMIT ${env.batchSize}
    FOR UPDATE SKIP LOCKED`.execute(tx);
  const rows = claimed.rows;
  if (rows.length === 0) return { claimed: 0, sending: [], skipped: 0, deferred: 0 };

  const tenant = await tx
    .selectFrom('tenants')
    .select(['settings', 'time_zone', 'jurisdiction'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const policy = policyFrom(tenant.settings, tenant.time_zone);
  const patientIds = [...new Set(rows.map((r) => r.patient_id))];
  const [register, paused, { unsealed, facts }] = await Promise.all([
    currentProcessors(tx, tenantId, tenant.jurisdiction),
    pausedDomains(tx, tenantId),
    loadRecipients(tx, keys, patientIds, now),
  ]);

  /**
   * Whether a provider's register entry covers the data it would receive (R58): always the contact
   * it sends to, and whatever the rendered message's tokens disclose. Internal channels need none.
   */
  const covered = (c: Channel, disclosed: readonly DataClass[]) => {
    const p = env.providers.get(c);
    if (!p) return { ok: false as const, reason: 'no_adapter' as const, missing: [] };
    return p.external ? coverage(register.get(p.name), ['contact', ...disclosed]) : { ok: true as const };
  };
  const refusal = (c: Channel): SkipReason | null => {
    const r = covered(c, []);
    return r.ok ? null : r.reason;
  };
  const updates: Update[] = [];
  /** `chargedNow`: this claim spent a unit of the patient's budget on it (refunded if it is not sent). */
  const toSend: { row: Row; channel: Channel; decision: Record<string, unknown>; chargedNow?: true }[] = [];
  const budgeted = new Map<string, { row: Row; channel: Channel; consentEvents: readonly string[] }[]>();

  for (const row of rows) {
    const p = facts(row.patient_id);
    const tz = p?.timeZone ?? policy.defaultTimeZone;
    const d: Decision = p
      ? decideChannel(
          p,
          {
            purpose: row.purpose,
            channelRequested: row.channel_requested,
            expiresAt: row.expires_at ? new Date(row.expires_at) : null,
          },
          now,
          refusal,
        )
      : { kind: 'skip', reason: 'patient_erased' };
    if (d.kind === 'skip') {
      updates.push({
        id: row.id,
        state: 'skipped',
        channel: null,
        provider: null,
        skip_reason: d.reason,
        next_attempt_at: null,
        attempts: row.attempts,
        decision: { stage: 'claim', at: now.toISOString(), reason: d.reason, ...(d.detail ?? {}) },
      });
      continue;
    }
    if (d.kind === 'defer') continue; // decideChannel never defers; quiet hours and circuits are below
    // Held for later, each for its reason: quiet hours (R22), a provider outage (R55), a sending
    // domain paused for complaints (R20, advertising only). The latest of them wins.
    const domain = env.providers.get(d.channel)?.domain;
    const waits = (
      [
        ['quiet_hours', quietUntil(now, tz, policy, row.purpose)],
        ['circuit_open', env.circuitOpenUntil(d.channel)],
        [
          'domain_paused',
          domain && paused.has(domain) && MARKETING_PURPOSES.has(row.purpose)
            ? new Date(now.getTime() + DOMAIN_PAUSE_RECHECK_MS)
            : null,
        ],
      ] as const
    ).filter((w): w is readonly [(typeof w)[0], Date] => w[1] !== null);
    if (waits.length > 0) {
      const until = new Date(Math.max(...waits.map((w) => w[1].getTime())));
      updates.push({
        id: row.id,
        state: 'queued',
        channel: null,
        provider: null,
        skip_reason: null,
        next_attempt_at: until,
        attempts: row.attempts,
        decision: {
          ...(row.decision ?? {}),
          deferred: waits[0]?.[0],
          until: until.toISOString(),
        },
      });
      continue;
    }
    // A retry or a reconciled resend already spent its unit of budget.
    if (BUDGETED_PURPOSES.has(row.purpose) && row.decision?.charged !== true) {
      const list = budgeted.get(row.patient_id) ?? [];
      list.push({ row, channel: d.channel, consentEvents: d.consentEvents });
      budgeted.set(row.patient_id, list);
      continue;
    }
    toSend.push({
      row,
      channel: d.channel,
      decision: {
        stage: 'claim',
        at: now.toISOString(),
        consentEvents: d.consentEvents,
        charged: row.decision?.charged === true,
      },
    });
  }

  const budget = await chargeBudgets(
    tx,
    tenantId,
    now,
    policy,
    (patientId) => unsealed.get(patientId)?.row.time_zone ?? policy.defaultTimeZone,
    budgeted,
  );
  for (const { item: m, caps } of budget.capped) {
    updates.push({
      id: m.row.id,
      state: 'skipped',
      channel: m.channel,
      provider: null,
      skip_reason: 'frequency_cap',
      next_attempt_at: null,
      attempts: m.row.attempts,
      decision: { stage: 'claim', at: now.toISOString(), reason: 'frequency_cap', caps },
    });
  }
  for (const { item: m, caps } of budget.granted) {
    toSend.push({
      chargedNow: true,
      row: m.row,
      channel: m.channel,
      decision: {
        stage: 'claim',
        at: now.toISOString(),
        consentEvents: m.consentEvents,
        charged: true,
        caps,
      },
    });
  }

  // Render what is going out; a render failure is a skip with its reason, never a partial message.
  const sending: ClaimedMessage[] = [];
  // Links are issued as a message goes out, in one statement per batch, so no usable token waits
  // in the outbox: an unsubscribe link for every advertising message (R18) and a preference-page
  // link for every written one whose context brought none (R8).
  const needLink = toSend.filter((s) => MARKETING_PURPOSES.has(s.row.purpose) && s.channel !== 'call');
  const needPrefs = toSend.filter(
    (s) => s.channel !== 'call' && !(s.row.context as Omit<ValueBag, 'patient'>).links?.preferences,
  );
  const tokens = await issueLinks(tx, env.clock, [
    ...needLink.map((s) => ({
      tenantId,
      patientId: s.row.patient_id,
      purpose: 'unsubscribe' as const,
      channel: s.channel,
      messageId: s.row.id,
    })),
    ...needPrefs.map((s) => ({
      tenantId,
      patientId: s.row.patient_id,
      purpose: 'preferences' as const,
      messageId: s.row.id,
      ttlDays: PREFERENCE_LINK_DAYS,
    })),
  ]);
  const linkOf = new Map(needLink.map((s, i) => [s.row.id, `${env.publicUrl}/u/${tokens[i]}`]));
  const prefsOf = new Map(
    needPrefs.map((s, i) => [s.row.id, `${env.publicUrl}/p/${tokens[needLink.length + i]}`]),
  );
  /** Budget units spent in this claim on messages that are not sent after all: given back below. */
  const refunds = new Map<string, number>();
  const skip = (s: (typeof toSend)[number], reason: SkipReason, detail: Record<string, unknown> = {}) => {
    if (s.chargedNow) refunds.set(s.row.patient_id, (refunds.get(s.row.patient_id) ?? 0) + 1);
    updates.push({
      id: s.row.id,
      state: 'skipped',
      channel: s.channel,
      provider: null,
      skip_reason: reason,
      next_attempt_at: null,
      attempts: s.row.attempts,
      decision: { ...s.decision, ...(s.chargedNow ? { charged: false } : {}), reason, ...detail },
    });
  };
  for (const s of toSend) {
    const u = unsealed.get(s.row.patient_id);
    const to = addressOf(s.channel, u?.contact, s.row.patient_id);
    const provider = env.providers.get(s.channel)?.name as string;
    if (!u || !to) {
      skip(s, 'no_contact');
      continue;
    }
    const context = s.row.context as Omit<ValueBag, 'patient'>;
    const unsubscribeUrl = linkOf.get(s.row.id);
    const prefsUrl = prefsOf.get(s.row.id);
    const values: ValueBag = {
      ...context,
      patient: {
        ...(u.identity?.firstName ? { firstName: u.identity.firstName } : {}),
        ...(u.identity?.middleName ? { patronymic: u.identity.middleName } : {}),
        ...(u.identity?.lastName ? { lastName: u.identity.lastName } : {}),
        ...(u.row.sex ? { sex: u.row.sex } : {}),
      },
      links: {
        ...(prefsUrl ? { preferences: prefsUrl } : {}),
        ...(context.links ?? {}),
        ...(unsubscribeUrl ? { unsubscribe: unsubscribeUrl } : {}),
      },
    };
    const renderChannel: ContentChannel = s.channel === 'call' ? 'sms' : s.channel;
    let rendered: RenderedMessage | CallTask;
    try {
      const result = await env.renderer.render(tx, {
        tenantId,
        content: { templateId: s.row.template_id, version: s.row.template_version },
        channel: renderChannel,
        language: u.row.language,
        purpose: s.row.purpose,
        values,
      });
      if (!result.ok) {
        skip(s, 'render_failed', { errors: result.errors.map((e) => e.code) });
        continue;
      }
      const cover = covered(s.channel, result.disclosed);
      if (!cover.ok) {
        skip(s, cover.reason, { provider, missing: cover.missing });
        continue;
      }
      rendered =
        s.channel === 'call'
          ? {
              channel: 'call',
              call: {
                script: result.message.channel === 'sms' ? result.message.sms.text : '',
                campaignId: s.row.campaign_id,
              },
            }
          : result.message;
    } catch (e) {
      // Fail closed (R45): an exception while rendering sends nothing.
      skip(s, 'render_failed', { errors: [(e as Error).name] });
      continue;
    }
    const entry = register.get(provider);
    const decision = {
      ...s.decision,
      template: { id: s.row.template_id, version: s.row.template_version },
      channel: s.channel,
      provider,
      // The register entry that covered this transfer (R58), as it stood when the message went out.
      ...(entry ? { processorVersion: entry.version } : {}),
    };
    updates.push({
      id: s.row.id,
      state: 'sending',
      channel: s.channel,
      provider,
      sender_domain: env.providers.get(s.channel)?.domain ?? null,
      skip_reason: null,
      next_attempt_at: null,
      attempts: s.row.attempts + 1,
      decision,
    });
    sending.push({
      provider,
      attempts: s.row.attempts + 1,
      outbound: {
        messageId: s.row.id,
        tenantId,
        patientId: s.row.patient_id,
        purpose: s.row.purpose,
        channel: s.channel,
        idempotencyKey: s.row.idem_key.toString('hex'),
        to,
        content: rendered,
        ...(unsubscribeUrl && s.channel === 'email' ? { unsubscribeUrl } : {}),
      },
    });
  }

  await refundBudgets(tx, tenantId, refunds);

  await sql`
    UPDATE outbox_messages o SET
      state = u.state, channel = coalesce(u.channel, o.channel), provider = coalesce(u.provider, o.provider),
      sender_domain = coalesce(u.sender_domain, o.sender_domain),
      skip_reason = u.skip_reason, attempts = u.attempts, decision = u.decision,
      next_attempt_at = coalesce(u.next_attempt_at, o.next_attempt_at),
      sending_at = CASE WHEN u.state = 'sending' THEN ${now}::timestamptz ELSE o.sending_at END,
      updated_at = ${now}
    FROM unnest(${updates.map((u) => u.id)}::uuid[], ${updates.map((u) => u.state)}::text[], ${updates.map((u) => u.channel)}::text[],
                ${updates.map((u) => u.provider)}::text[], ${updates.map((u) => u.skip_reason)}::text[], ${updates.map((u) => u.attempts)}::int[],
                ${updates.map((u) => JSON.stringify(u.decision))}::jsonb[], ${updates.map((u) => u.next_attempt_at)}::timestamptz[],
                ${updates.map((u) => u.sender_domain ?? null)}::text[])
      AS u(id, state, channel, provider, skip_reason, attempts, decision, next_attempt_at, sender_domain)
    WHERE o.tenant_id = ${tenantId} AND o.id = u.id`.execute(tx);

  const audit: AuditEvent[] = updates.map((u) => ({
    action:
      u.state === 'sending' ? 'delivery.send' : u.state === 'skipped' ? 'delivery.skip' : 'delivery.defer',
    outcome: u.state === 'skipped' ? 'denied' : 'allowed',
    subjectType: 'message',
    subjectId: u.id,
    details: {
      ...(u.channel ? { channel: u.channel } : {}),
      ...(u.skip_reason ? { reason: u.skip_reason } : {}),
      ...(u.state === 'queued' ? { until: (u.next_attempt_at as Date).toISOString() } : {}),
    },
  }));
  await appendAudit(
    tx,
    env.clock,
    { tenantId, actor: systemActor('delivery'), purpose: 'registry.operations' },
    audit,
  );
  return {
    claimed: rows.length,
    sending,
    skipped: updates.filter((u) => u.state === 'skipped').length,
    deferred: updates.filter((u) => u.state === 'queued').length,
  };
}

export type { DeliveryPolicy };
