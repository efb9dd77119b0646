import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  consentSatisfied,
  DEFAULT_TEMPLATES,
  type LedgerEvent,
  project,
} from '../../src/modules/consent/index.ts';
import { createTestTenant, registerTestPatient, staffScope, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let tenantId: string;
const clock = new ManualClock('2026-11-23T09:00:00Z');
const docs = new Map<string, string>();

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  tenantId = (await createTestTenant(careloop)).tenantId;
  const owner = staffScope(tenantId, 'owner', 'registry.operations');
  for (const t of DEFAULT_TEMPLATES) {
    const d = await careloop.consents.draft(owner, t);
    await careloop.consents.publish(owner, d.id);
    docs.set(t.kind, d.id);
  }
});
afterAll(async () => careloop?.close());

const desk = () => staffScope(tenantId, 'front_desk', 'registry.operations');
const grant = (kind: string, extra: object = {}) => ({
  kind,
  event: 'granted' as const,
  captureMethod: 'paper' as const,
  documentId: docs.get(kind)!,
  ...extra,
});

describe('consent ledger', () => {
  it('R1: the application role can neither change nor delete a ledger row', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    await careloop.consents.record(desk(), p, grant('pd.marketing'));
    for (const stmt of [
      sql`UPDATE consent_events SET event = 'withdrawn'`,
      sql`DELETE FROM consent_events`,
    ]) {
      await expect(careloop.db.tenant(tenantId, (tx) => stmt.execute(tx))).rejects.toThrow(
        /permission denied|append-only/,
      );
    }
  });

  it('R3: a grant must point at a published text of exactly its kind', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    await expect(
      careloop.consents.record(desk(), p, {
        ...grant('ads.receive.sms'),
        documentId: docs.get('pd.marketing')!,
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'documentId', issue: 'other_kind' }],
    });
    await expect(
      careloop.consents.record(desk(), p, { kind: 'pd.marketing', event: 'granted', captureMethod: 'paper' }),
    ).rejects.toMatchObject({
      details: [{ field: 'documentId', issue: 'required' }],
    });
    const draft = await careloop.consents.draft(staffScope(tenantId, 'owner', 'registry.operations'), {
      kind: 'tracking.web',
      locale: 'ru',
      title: 'v2',
      body: 'Новая редакция согласия на связывание посещений сайта с медицинской картой, не опубликована.',
    });
    await expect(
      careloop.consents.record(desk(), p, { ...grant('tracking.web'), documentId: draft.id }),
    ).rejects.toMatchObject({
      details: [{ field: 'documentId', issue: 'not_published' }],
    });
  });

  it('R2/R5: a health-based consent is written: on paper or e-signature, with its signed artefact', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    await expect(
      careloop.consents.record(desk(), p, grant('pd.marketing.health_based', { captureMethod: 'web_form' })),
    ).rejects.toMatchObject({
      details: [{ field: 'captureMethod', issue: 'written_form' }],
    });
    await expect(
      careloop.consents.record(desk(), p, grant('pd.marketing.health_based')),
    ).rejects.toMatchObject({
      details: [{ field: 'evidence.signatureRef', issue: 'required' }],
    });
    const ok = await careloop.consents.record(
      desk(),
      p,
      grant('pd.marketing.health_based', { evidence: { signatureRef: 'scan:2026/11/0042' } }),
    );
    expect(ok.changed).toBe(true);
    const history = await careloop.consents.history(
      staffScope(tenantId, 'owner', 'registry.operations'),
      p,
      true,
    );
    expect(history.at(-1)).toMatchObject({
      legalBasis: 'written_consent',
      evidence: { signatureRef: 'scan:2026/11/0042' },
    });
  });

  it('R2: a web consent keeps the IP address and browser, encrypted', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    await expect(
      careloop.consents.record(desk(), p, grant('tracking.web', { captureMethod: 'web_form' })),
    ).rejects.toMatchObject({
      details: [{ field: 'evidence', issue: 'web_proof' }],
    });
    await careloop.consents.record(
      desk(),
      p,
      grant('tracking.web', {
        captureMethod: 'web_form',
        evidence: { ip: '203.0.113.7', userAgent: 'Firefox' },
      }),
    );
    const raw = await careloop.db.tenant(tenantId, (tx) =>
      sql<{
        t: string;
      }>`SELECT encode(evidence_enc, 'escape') AS t FROM consent_events WHERE patient_id = ${p}`.execute(tx),
    );
    expect(raw.rows[0]?.t).not.toContain('203.0.113.7');
  });

  it('R5: a Russian written-consent text cannot be published without all nine elements', async () => {
    const owner = staffScope(tenantId, 'owner', 'registry.operations');
    const bad = await careloop.consents.draft(owner, {
      kind: 'pd.marketing.health_based',
      locale: 'ru',
      title: 'Неполное согласие',
      body: 'Я согласен на обработку моих данных о здоровье для предложений. Подпись: ____ {{signature.date}}',
    });
    await expect(careloop.consents.publish(owner, bad.id)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    try {
      await careloop.consents.publish(owner, bad.id);
    } catch (e) {
      const issues = (e as { details: { issue: string }[] }).details.map((d) => d.issue);
      expect(issues).toEqual([
        'subject_identity',
        'representative',
        'operator',
        'purpose',
        'data_list',
        'processor',
        'actions_and_methods',
        'term_and_withdrawal',
      ]);
    }
    await expect(
      careloop.consents.draft(staffScope(tenantId, 'marketer', 'marketing.general'), DEFAULT_TEMPLATES[0]!),
    ).rejects.toMatchObject({
      code: 'ROLE_NOT_PERMITTED',
    });
  });

  it('R11: a minor consents only through a recorded representative', async () => {
    const child = await registerTestPatient(careloop, tenantId, {
      identity: { lastName: 'Петров', firstName: 'Лев', birthDate: '2015-06-01' },
      profile: { sex: 'male' },
    });
    await expect(careloop.consents.record(desk(), child, grant('pd.marketing'))).rejects.toMatchObject({
      details: [{ field: 'representativeId', issue: 'minor' }],
    });
    const rep = await careloop.consents.addRepresentative(desk(), child, {
      fullName: 'Петрова Ольга Ивановна',
      authorityDocument: 'Свидетельство о рождении II-МЮ 123456',
      relationship: 'parent',
    });
    expect(
      (await careloop.consents.record(desk(), child, grant('pd.marketing', { representativeId: rep })))
        .changed,
    ).toBe(true);
  });

  it('R8: withdrawal needs no document and is idempotent', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    await careloop.consents.record(desk(), p, grant('ads.receive.email'));
    const w = {
      kind: 'ads.receive.email',
      event: 'withdrawn' as const,
      captureMethod: 'unsubscribe_link' as const,
    };
    expect((await careloop.consents.record(desk(), p, w)).changed).toBe(true);
    expect((await careloop.consents.record(desk(), p, w)).changed).toBe(false);
    const state = await careloop.consents.current(desk(), p);
    expect(state).toEqual([
      expect.objectContaining({ kind: 'ads.receive.email', status: 'withdrawn', active: false }),
    ]);
  });

  it('R10: a grant with a term stops counting at its instant, and the expiry job records it', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    const start = clock.now();
    await careloop.consents.record(
      desk(),
      p,
      grant('pd.marketing', { expiresAt: new Date(start.getTime() + 3_600_000) }),
    );
    await careloop.consents.record(desk(), p, grant('ads.receive.sms'));
    const statuses = async () =>
      (await careloop.consents.current(desk(), p)).map((c) => ({
        kind: c.kind,
        status: c.active ? 'granted' : c.status,
        expiresAt: c.expiresAt,
      }));
    expect(consentSatisfied((await statuses()) as never, 'marketing.general', clock.now(), 'sms')).toEqual({
      ok: true,
    });
    clock.advance(3_600_000);
    const after = consentSatisfied(
      (await careloop.consents.current(desk(), p)).map((c) => ({
        kind: c.kind,
        status: c.status as 'granted',
        expiresAt: c.expiresAt,
      })),
      'marketing.general',
      clock.now(),
      'sms',
    );
    expect(after).toEqual({ ok: false, missing: [], expired: ['pd.marketing'] });
    expect(await careloop.consents.expireAll()).toBeGreaterThanOrEqual(1);
    const history = await careloop.consents.history(desk(), p);
    expect(history.map((h) => `${h.kind}:${h.event}`)).toContain('pd.marketing:expired');
  });

  it('R12: a widened text supersedes grants of older versions; a corrected one does not', async () => {
    const owner = staffScope(tenantId, 'owner', 'registry.operations');
    const p = await registerTestPatient(careloop, tenantId);
    await careloop.consents.record(desk(), p, grant('ads.receive.messenger'));
    const tpl = DEFAULT_TEMPLATES.find((t) => t.kind === 'ads.receive.messenger')!;
    const fixed = await careloop.consents.draft(owner, { ...tpl, body: `${tpl.body} ` });
    await careloop.consents.publish(owner, fixed.id);
    expect((await careloop.consents.current(desk(), p))[0]).toMatchObject({ status: 'granted' });
    const wider = await careloop.consents.draft(owner, {
      ...tpl,
      body: `${tpl.body} Включая опросы и розыгрыши.`,
      widens: true,
    });
    await careloop.consents.publish(owner, wider.id);
    expect((await careloop.consents.current(desk(), p))[0]).toMatchObject({
      status: 'superseded',
      active: false,
    });
    docs.set('ads.receive.messenger', wider.id);
  });

  it('R1: the current state always equals the fold of the ledger, for any history', async () => {
    const kinds = ['pd.marketing', 'ads.receive.sms', 'tracking.web'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            kind: fc.constantFrom(...kinds),
            grant: fc.boolean(),
            minutesAgo: fc.integer({ min: 0, max: 600 }),
            term: fc.option(fc.integer({ min: 1, max: 900 })),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (steps) => {
          const p = await registerTestPatient(careloop, tenantId);
          for (const s of steps) {
            const occurredAt = new Date(clock.now().getTime() - s.minutesAgo * 60_000);
            await careloop.consents.record(
              desk(),
              p,
              s.grant
                ? grant(s.kind, {
                    occurredAt,
                    ...(s.term ? { expiresAt: new Date(occurredAt.getTime() + s.term * 60_000) } : {}),
                  })
                : { kind: s.kind, event: 'withdrawn', captureMethod: 'phone_call', occurredAt },
            );
          }
          const ledger = (await careloop.consents.history(desk(), p)).map(
            (e): LedgerEvent => ({
              id: e.id,
              kind: e.kind,
              event: e.event as never,
              occurredAt: e.occurredAt,
              expiresAt: e.expiresAt,
              documentId: e.document?.id ?? null,
            }),
          );
          const oracle = project(ledger, clock.now());
          const state = await careloop.consents.current(desk(), p);
          for (const kind of kinds) {
            const o = oracle.get(kind);
            const s = state.find((x) => x.kind === kind);
            expect(Boolean(s?.active), kind).toBe(o?.status === 'granted');
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('consent proof (R2)', () => {
  it('holds the events with evidence, the exact texts with recomputable hashes, and their journal entries', async () => {
    const p = await registerTestPatient(careloop, tenantId);
    await careloop.consents.record(
      desk(),
      p,
      grant('tracking.web', {
        captureMethod: 'web_form',
        evidence: { ip: '198.51.100.4', userAgent: 'Safari' },
      }),
    );
    await careloop.consents.record(desk(), p, {
      kind: 'tracking.web',
      event: 'withdrawn',
      captureMethod: 'preference_page',
    });
    const proof = await careloop.consents.proof(staffScope(tenantId, 'auditor', 'subject.rights'), p);
    expect(proof.events.map((e) => e.event)).toEqual(['granted', 'withdrawn']);
    expect(proof.events[0]?.evidence).toEqual({ ip: '198.51.100.4', userAgent: 'Safari' });
    expect(proof.documents).toHaveLength(1);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(proof.documents[0]!.body.normalize('NFC')).digest('hex')).toBe(
      proof.documents[0]!.sha256,
    );
    expect(proof.documents[0]?.verified).toBe(true);
    expect(proof.journal.map((j) => j.action)).toEqual(['consent.granted', 'consent.withdrawn']);
    expect(proof.journal.map((j) => j.eventId)).toEqual(proof.events.map((e) => e.id));
    expect(proof.chainHead.seq).toBeGreaterThanOrEqual(proof.journal.at(-1)!.seq);
  });
});
