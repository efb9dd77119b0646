import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemActor } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { loadApproved, renderApproved } from '../../src/modules/content/index.ts';
import {
  DeliveryWorker,
  httpChannel,
  type MessageRenderer,
  smtpChannel,
} from '../../src/modules/delivery/index.ts';
import { startGateway, startSmtp } from '../delivery/support.ts';
import { registerProcessors, testCareloop } from '../support/careloop.ts';
import { type Clinic, demoClinic } from './support.ts';

/** Renders the approved version a message names, from the clinic's content library. */
const libraryRenderer: MessageRenderer = {
  async render(tx, input) {
    const approved = (await loadApproved(tx, [input.content.templateId])).get(input.content.templateId);
    if (!approved || approved.version.version !== input.content.version)
      return { ok: false, errors: [{ code: 'NOT_SENDABLE', state: 'draft' }] };
    const r = renderApproved(
      { tenantId: input.tenantId, actor: systemActor('delivery'), purpose: input.purpose },
      approved,
      { channel: input.channel, language: input.language, values: input.values },
    );
    return r.ok ? { ok: true, message: r.message, disclosed: r.disclosed } : r;
  },
};

// Within sending hours in Moscow and Yekaterinburg (quiet hours 21:00–09:00 local).
const clock = new ManualClock('2026-11-23T09:00:00Z');
let careloop: Careloop;
let clinic: Clinic;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  // Large enough that a 20 % control arm drawn by patient id is never empty (p < 1e-6).
  clinic = await demoClinic(careloop, 2000, 5);
  smtp = await startSmtp();
  gateway = await startGateway();
}, 240_000);
afterAll(async () => {
  await smtp?.close();
  await gateway?.close();
  await careloop?.close();
});

describe('end to end: the recall playbook on a demo clinic', () => {
  it('delivers to a real SMTP server and an HTTP SMS gateway; withdrawn consent and the control arm receive nothing (R7, R50)', async () => {
    // Half of those who agreed to e-mail advertising prefer e-mail, so both channels carry messages.
    await careloop.db.system((tx) =>
      sql`UPDATE patients p SET preferred_channel = 'email'
          WHERE p.tenant_id = ${clinic.tenantId} AND p.has_email AND right(p.id::text, 1) < '8'
            AND EXISTS (SELECT 1 FROM consent_state c WHERE c.tenant_id = p.tenant_id AND c.patient_id = p.id
                          AND c.kind = 'ads.receive.email' AND c.status = 'granted')`.execute(tx),
    );
    const marketer = clinic.scope('marketer');
    const c = await careloop.campaigns.create(marketer, {
      playbook: 'recall',
      channel: 'preferred',
      controlPct: 20,
      seed: 3,
    });
    const run = await careloop.campaigns.launch(marketer, c.id);
    expect(run.run.queued).toBeGreaterThan(10);
    expect(run.run.control).toBeGreaterThan(0);

    const members = await careloop.db.tenant(clinic.tenantId, (tx) =>
      tx
        .selectFrom('campaign_members as m')
        .innerJoin('outbox_messages as o', (j) =>
          j
            .onRef('o.patient_id', '=', 'm.patient_id')
            .onRef('o.campaign_id', '=', 'm.campaign_id')
            .onRef('o.occurrence_key', '=', 'm.occurrence'),
        )
        .select(['m.patient_id', 'o.id as message_id'])
        .where('m.campaign_id', '=', c.id)
        .where('o.state', '=', 'queued')
        .orderBy('m.patient_id')
        .execute(),
    );
    // Between queueing and sending, one patient withdraws advertising consent on every channel.
    const withdrawn = members[0]!.patient_id;
    for (const kind of ['ads.receive.email', 'ads.receive.sms', 'ads.receive.messenger'])
      await careloop.consents.record(clinic.scope('front_desk', 'registry.operations'), withdrawn, {
        kind,
        event: 'withdrawn',
        captureMethod: 'phone_call',
      });

    await registerProcessors(careloop, clinic.tenantId, ['smtp:127.0.0.1', 'gw']);
    const worker = new DeliveryWorker(careloop, {
      adapters: [
        smtpChannel({
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          from: 'Клиника <news@clinic.test>',
          unsubscribeMailto: 'mailto:unsubscribe@clinic.test',
        }),
        httpChannel('sms', { name: 'gw', url: gateway.url, idempotent: false, statusUrl: gateway.statusUrl }),
      ],
      renderer: libraryRenderer,
      publicUrl: 'https://care.clinic.test',
      tenantIds: [clinic.tenantId],
      random: () => 0.5,
    });
    await worker.drain(200);

    const states = await careloop.db.tenant(clinic.tenantId, (tx) =>
      tx
        .selectFrom('outbox_messages')
        .select(['id', 'patient_id', 'state', 'skip_reason', 'channel'])
        .where('campaign_id', '=', c.id)
        .execute(),
    );
    const byPatient = new Map(states.map((s) => [s.patient_id, s]));
    expect(byPatient.get(withdrawn)).toMatchObject({ state: 'skipped' });
    // With no channel left that it may use, the claim skips it (no_channel) rather than sending.
    expect(byPatient.get(withdrawn)?.skip_reason).toMatch(/^(consent_missing|no_channel)$/);
    const sent = states.filter((s) => s.state === 'sent' || s.state === 'delivered');
    // Everything queued was either handed to a provider or skipped for a recorded reason (R56).
    expect(states.every((s) => ['sent', 'delivered', 'skipped'].includes(s.state))).toBe(true);
    expect(states.filter((s) => s.state === 'skipped').every((s) => s.skip_reason !== null)).toBe(true);
    const emails = sent.filter((s) => s.channel === 'email').length;
    const texts = sent.filter((s) => s.channel === 'sms').length;
    expect(emails).toBeGreaterThan(0);
    expect(texts).toBeGreaterThan(0);
    // What the providers received is exactly what was sent: one message per recipient, none twice.
    expect(smtp.received).toHaveLength(emails);
    expect(gateway.accepted).toHaveLength(texts);
    expect(new Set(gateway.accepted.map((a) => a.to)).size).toBe(texts);
    // Advertising e-mail carries RFC 8058 one-click unsubscribe.
    for (const m of smtp.received)
      expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    // The SMS is in Russian with the mandatory medical-advertising warning.
    expect(gateway.accepted[0]!.text).toMatch(/противопоказания/);
    // Each text carries its own preference-page link, issued as it went out (none waited in the outbox).
    const prefTokens = gateway.accepted.map((a) => /\/p\/([\w-]+)/.exec(a.text)?.[1]);
    expect(prefTokens.every((t) => t !== undefined)).toBe(true);
    expect(new Set(prefTokens).size).toBe(texts);
    expect((await careloop.preferences.view(prefTokens[0]!)).items.length).toBeGreaterThan(0);
    const stored = await careloop.db.tenant(clinic.tenantId, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox_messages
        WHERE campaign_id = ${c.id} AND context::text LIKE '%/p/%'`.execute(tx),
    );
    expect(stored.rows[0]!.n).toBe(0);

    // The control arm is recorded and nothing was queued or sent to it.
    const control = await careloop.db.tenant(clinic.tenantId, (tx) =>
      tx
        .selectFrom('campaign_members')
        .select('patient_id')
        .where('campaign_id', '=', c.id)
        .where('arm', '=', 'control')
        .execute(),
    );
    expect(control.length).toBe(run.run.control);
    for (const m of control) expect(byPatient.has(m.patient_id)).toBe(false);

    // Results: the funnel counts what the providers accepted.
    const res = await careloop.campaigns.results(clinic.scope('owner'), c.id);
    expect(res.funnel.eligible).toBe(run.run.eligible);
    expect(res.funnel.messaged).toBe(sent.length);
    expect(res.control.members).toBe(control.length);

    // A second drain and a second launch the same day send nothing more (R25, R51).
    await worker.drain(20);
    expect((await careloop.campaigns.launch(marketer, c.id)).created).toBe(false);
    expect(smtp.received).toHaveLength(emails);
    expect(gateway.accepted).toHaveLength(texts);
  });
});
