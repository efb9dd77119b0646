import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { DEFAULT_TEMPLATES } from '../../src/modules/consent/index.ts';
import {
  createTestTenant,
  registerProcessors,
  registerTestPatient,
  staffScope,
  testCareloop,
} from '../support/careloop.ts';

let careloop: Careloop;
let tenantId: string;
const clock = new ManualClock('2026-11-20T10:00:00Z');
const docs = new Map<string, string>();

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  tenantId = (await createTestTenant(careloop)).tenantId;
  const owner = staffScope(tenantId, 'owner', 'registry.operations');
  for (const t of DEFAULT_TEMPLATES.filter(
    (x) => !x.kind.includes('health') && x.kind !== 'pd.distribution',
  )) {
    const doc = await careloop.consents.draft(owner, t);
    await careloop.consents.publish(owner, doc.id);
    docs.set(t.kind, doc.id);
  }
});
afterAll(async () => careloop?.close());

const dpo = () => staffScope(tenantId, 'auditor', 'subject.rights');
const desk = () => staffScope(tenantId, 'front_desk', 'registry.operations');

async function patientWithHistory(): Promise<string> {
  const p = await registerTestPatient(careloop, tenantId);
  for (const kind of ['pd.marketing', 'ads.receive.sms', 'ads.receive.email']) {
    await careloop.consents.record(desk(), p, {
      kind,
      event: 'granted',
      captureMethod: 'paper',
      documentId: docs.get(kind)!,
    });
  }
  return p;
}

describe('data-subject rights', () => {
  it('R9: requests get their deadline, can be extended with a reason, and are listed by urgency', async () => {
    const p = await patientWithHistory();
    const r = await careloop.rights.open(desk(), { patientId: p, kind: 'access', receivedVia: 'front_desk' });
    // Received Friday 20 Nov 2026 (Moscow): ten working days end on Friday 4 December, 23:59:59.999 local.
    expect(r.dueAt.toISOString()).toBe('2026-12-04T20:59:59.999Z');
    await expect(careloop.rights.extend(dpo(), r.id, '  ')).rejects.toMatchObject({
      code: 'REASON_REQUIRED',
    });
    const ext = await careloop.rights.extend(dpo(), r.id, 'Запрошены архивные данные филиала');
    expect(ext.extendedDueAt?.toISOString()).toBe('2026-12-11T20:59:59.999Z');
    await expect(careloop.rights.extend(dpo(), r.id, 'again')).rejects.toMatchObject({ code: 'CONFLICT' });
    const rect = await careloop.rights.open(desk(), {
      patientId: p,
      kind: 'rectification',
      receivedVia: 'email',
    });
    await expect(careloop.rights.extend(dpo(), rect.id, 'reason')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    clock.advance(12 * 86_400_000); // past Tuesday 1 December, the seventh working day
    const list = await careloop.rights.list(dpo(), 'open');
    const overdue = list.find((x) => x.id === rect.id);
    expect(overdue).toMatchObject({ overdue: true });
    expect(list[0]!.daysLeft).toBeLessThanOrEqual(list.at(-1)!.daysLeft);
    await expect(
      careloop.rights.list(staffScope(tenantId, 'marketer', 'marketing.general')),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
  });

  it('R36: the export holds the profile, contacts unmasked, consent history, messages and replies, and who accessed the record', async () => {
    const p = await patientWithHistory();
    await careloop.patients.card(staffScope(tenantId, 'doctor', 'care.followup'), p);
    // A message the clinic queued for them, and a reply they sent from their phone.
    await careloop.delivery.enqueue(staffScope(tenantId, 'marketer', 'marketing.general'), [
      {
        patientId: p,
        purpose: 'marketing.general',
        campaignId: null,
        channel: 'sms',
        content: { templateId: 'recall', version: 1 },
        occurrenceKey: 'rights-test:1',
      },
    ]);
    const card = await careloop.patients.card(desk(), p, ['phone']);
    await careloop.delivery.inbound(tenantId, 'gw', 'sms', {
      eventId: `reply-${p}`,
      from: card.contact!.phone!,
      text: 'Можно перенести запись? <b>Спасибо</b>',
    });
    await registerProcessors(careloop, tenantId, ['gw']);
    const req = await careloop.rights.open(desk(), { patientId: p, kind: 'access', receivedVia: 'web' });
    const { data, html } = await careloop.rights.export(dpo(), p, req.id);
    expect(data.patient.identity).toMatchObject({
      lastName: 'Семёнова',
      firstName: 'Анна',
      snils: '112-233-445 95',
    });
    expect(data.patient.contact?.phone).toMatch(/^\+7916\d{7}$/);
    expect(data.consents.history.map((h) => `${h.kind}:${h.event}`)).toEqual([
      'pd.marketing:granted',
      'ads.receive.sms:granted',
      'ads.receive.email:granted',
    ]);
    expect(data.accesses.some((a) => a.action === 'patient.read' && a.actor.startsWith('staff:'))).toBe(true);
    expect(data.messages).toEqual([
      expect.objectContaining({ channel: 'sms', purpose: 'marketing.general', state: 'queued' }),
    ]);
    expect(data.replies).toEqual([
      expect.objectContaining({
        channel: 'sms',
        text: 'Можно перенести запись? <b>Спасибо</b>',
        status: 'open',
      }),
    ]);
    // The patient's own words are in the readable copy, escaped.
    expect(html).toContain('Можно перенести запись? &lt;b&gt;Спасибо&lt;/b&gt;');
    expect(html).toContain('Семёнова');
    expect(html).toContain('<h2>Согласия / Consents</h2>');
    // R58: the processors entrusted with their data, none of which has sent them anything yet.
    expect(data.processors).toEqual([
      expect.objectContaining({ legalName: 'Test provider gw', country: 'RU', messages: 0, until: null }),
    ]);
    expect(html).toContain('<td>Test provider gw</td>');
    expect((await careloop.rights.list(dpo(), 'completed')).map((r) => r.id)).toContain(req.id);
    await expect(
      careloop.rights.export(staffScope(tenantId, 'front_desk', 'subject.rights'), p),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
  });

  it('R9: an objection withdraws every marketing consent in the ledger', async () => {
    const p = await patientWithHistory();
    const { withdrawn } = await careloop.rights.object(dpo(), p);
    expect(withdrawn.sort()).toEqual(['ads.receive.email', 'ads.receive.sms', 'pd.marketing']);
    expect((await careloop.consents.current(desk(), p)).every((c) => !c.active)).toBe(true);
  });

  it('R35: after erasure nothing about the patient can be read or found through a blind index', async () => {
    const p = await patientWithHistory();
    const before = await careloop.patients.card(
      staffScope(tenantId, 'front_desk', 'registry.operations'),
      p,
      ['phone'],
    );
    const phone = before.contact!.phone!;
    const act = await careloop.rights.erase(dpo(), p);
    expect(act.removed.blindIndexEntries).toBeGreaterThanOrEqual(4);
    const card = await careloop.patients.card(staffScope(tenantId, 'owner', 'registry.operations'), p);
    expect(card.status).toBe('erased');
    expect(card.identity).toBeUndefined();
    expect(card.contact).toBeUndefined();
    expect(await careloop.patients.search(desk(), { phone })).toEqual([]);
    expect(
      await careloop.patients.search(desk(), { name: 'Семёнова' }).then((r) => r.map((x) => x.id)),
    ).not.toContain(p);
    const rows = await careloop.db.tenant(tenantId, (tx) =>
      sql<{ n: number }>`SELECT (SELECT count(*) FROM patient_lookup WHERE patient_id = ${p})::int +
        (SELECT count(*) FROM patients WHERE id = ${p} AND (identity_enc IS NOT NULL OR contact_enc IS NOT NULL OR key_wrapped IS NOT NULL OR birth_year IS NOT NULL))::int AS n`.execute(
        tx,
      ),
    );
    expect(rows.rows[0]!.n).toBe(0);
    const history = await careloop.consents.history(dpo(), p, true);
    expect(history.length).toBeGreaterThan(0); // the pseudonymous ledger stays as proof
    await expect(careloop.rights.erase(dpo(), p)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
