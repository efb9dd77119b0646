import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock, newId, type Scope } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { DEFAULT_TEMPLATES } from '../../src/modules/consent/index.ts';
import { seedPlaybookContent, storedContentRenderer } from '../../src/modules/content/index.ts';
import {
  type ChannelAdapter,
  DeliveryWorker,
  enqueueMessages,
  type OutboundMessage,
  type OutboxItem,
  type WorklistPort,
  worklistChannel,
} from '../../src/modules/delivery/index.ts';
import { createCallTasks, heldFromMarketing } from '../../src/modules/worklist/index.ts';
import { appWithLog, signIn } from '../http/support.ts';
import {
  createTestTenant,
  registerProcessors,
  registerTestPatient,
  staffScope,
  systemScope,
  type TestTenant,
  testCareloop,
} from '../support/careloop.ts';

const clock = new ManualClock('2026-11-23T09:00:00Z'); // 12:00 in Moscow
let careloop: Careloop;
let app: App;
let t: TestTenant;
let recallId: string;
let reminderId: string;
const docs = new Map<string, string>();

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  ({ app } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ['owner', 'marketer', 'front_desk', 'analyst']);
  await registerProcessors(careloop, t.tenantId, ['recorder']);
  const owner = staffScope(t.tenantId, 'owner', 'registry.operations', t.users.owner.id);
  for (const d of DEFAULT_TEMPLATES) {
    const doc = await careloop.consents.draft(owner, d);
    await careloop.consents.publish(owner, doc.id);
    docs.set(d.kind, doc.id);
  }
  const seeded = await careloop.db.tenant(t.tenantId, (tx) =>
    seedPlaybookContent(
      tx,
      clock,
      staffScope(t.tenantId, 'marketer', 'marketing.general', t.users.marketer.id),
      staffScope(t.tenantId, 'owner', 'marketing.general', t.users.owner.id),
    ),
  );
  recallId = seeded.find((s) => s.key === 'recall')!.templateId;
  reminderId = seeded.find((s) => s.key === 'reminder.appointment')!.templateId;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const desk = (): Scope => staffScope(t.tenantId, 'front_desk', 'registry.operations', t.users.front_desk.id);
const ownerOp = (): Scope => staffScope(t.tenantId, 'owner', 'registry.operations', t.users.owner.id);
const grant = (patientId: string, kind: string) =>
  careloop.consents.record(desk(), patientId, {
    kind,
    event: 'granted',
    captureMethod: 'paper',
    documentId: docs.get(kind) as string,
  });
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

/** A patient who agreed to marketing calls, and an open call task for them. */
async function patientWithTask(): Promise<{ patientId: string; taskId: string }> {
  const patientId = await registerTestPatient(careloop, t.tenantId);
  for (const k of ['pd.marketing', 'ads.receive.call', 'ads.receive.sms']) await grant(patientId, k);
  const [taskId] = await careloop.db.tenant(t.tenantId, async (tx) =>
    createCallTasks(tx, await careloop.vault.forTenant(tx, t.tenantId), clock, t.tenantId, [
      {
        patientId,
        purpose: 'marketing.general',
        script: 'Здравствуйте! Приглашаем на профилактический осмотр.',
        idempotencyKey: newId(),
        campaignId: newId(),
      },
    ]),
  );
  await careloop.worklist.claim(desk(), taskId as string);
  return { patientId, taskId: taskId as string };
}

const state = (patientId: string) =>
  careloop.db.tenant(t.tenantId, async (tx) => ({
    suppressions: (
      await tx
        .selectFrom('delivery_suppressions')
        .select(['channel', 'reason', 'scope'])
        .where('patient_id', '=', patientId)
        .orderBy('channel')
        .execute()
    ).map((s) => `${s.channel}:${s.reason}:${s.scope}`),
    holds: await tx
      .selectFrom('patient_outreach_holds')
      .select(['reason', 'until'])
      .where('patient_id', '=', patientId)
      .execute(),
    consents: Object.fromEntries(
      (
        await tx
          .selectFrom('consent_state')
          .select(['kind', 'status'])
          .where('patient_id', '=', patientId)
          .execute()
      ).map((c) => [c.kind, c.status]),
    ),
  }));

/** Runs delivery with the real worklist as the call channel and a recording SMS adapter. */
async function deliver(items: OutboxItem[], scope: Scope) {
  const sent: OutboundMessage[] = [];
  const sms: ChannelAdapter = {
    channel: 'sms',
    provider: 'recorder',
    external: true,
    idempotent: true,
    async send(m) {
      sent.push(m);
      return { kind: 'sent' };
    },
  };
  await careloop.db.tenant(t.tenantId, (tx) => enqueueMessages(tx, scope, items, { clock }));
  const worker = new DeliveryWorker(careloop, {
    adapters: [worklistChannel(careloop.worklist), sms],
    renderer: storedContentRenderer(),
    publicUrl: 'https://care.clinic.test',
    tenantIds: [t.tenantId],
    random: () => 0.5,
  });
  await worker.drain();
  const outbox = await careloop.db.tenant(t.tenantId, (tx) =>
    tx
      .selectFrom('outbox_messages')
      .select(['patient_id', 'channel', 'state', 'skip_reason'])
      .where(
        'patient_id',
        'in',
        items.map((i) => i.patientId),
      )
      .execute(),
  );
  return { sent, outbox };
}

describe('call-centre worklist', () => {
  it('the delivery call channel makes one task with the approved script; operators see a masked number', async () => {
    const port: WorklistPort = careloop.worklist;
    expect(port).toBeDefined();
    const patientId = await registerTestPatient(careloop, t.tenantId);
    for (const k of ['pd.marketing', 'ads.receive.call']) await grant(patientId, k);
    const item: OutboxItem = {
      patientId,
      purpose: 'marketing.general',
      campaignId: newId(),
      channel: 'call',
      content: { templateId: recallId, version: 1 },
      context: {
        clinic: {
          name: 'Клиника «Здоровье»',
          phone: '+7 495 000-00-00',
          postalAddress: 'Москва, Тверская, 1',
        },
        links: { booking: 'https://care.clinic.test/b/x1', preferences: 'https://care.clinic.test/p/x1' },
      },
      occurrenceKey: 'recall:2026-11',
    };
    const { outbox } = await deliver([item, item], systemScope(t.tenantId, 'marketing.general'));
    expect(outbox).toMatchObject([{ channel: 'call', state: 'sent', skip_reason: null }]);
    const tasks = (await careloop.worklist.list(desk())).filter((x) => x.patientId === patientId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.script).toContain('Уважаемая Анна Петровна!');
    expect(tasks[0]!.script).toContain('Имеются противопоказания');
    expect(tasks[0]!.phoneMasked).toMatch(/^\+7 916 \*\*\*-\*\*-\d\d$/);
    expect(tasks[0]!.patientName).toBe('Анна Петровна');
    // The script names the patient: stored sealed, never in clear.
    const raw = await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{ t: string }>`SELECT string_agg(row_to_json(c)::text, '') AS t FROM call_tasks c`.execute(tx),
    );
    expect(raw.rows[0]!.t).not.toContain('Анна');
    // Neither marketers nor analysts work the worklist.
    for (const role of ['marketer', 'analyst'] as const) {
      expect(await code(careloop.worklist.list(staffScope(t.tenantId, role, 'marketing.general')))).toBe(
        'ROLE_NOT_PERMITTED',
      );
    }
  });

  it('R31: the full number is revealed only to the operator holding the task, under its purpose, audited', async () => {
    const { patientId, taskId } = await patientWithTask();
    expect(await code(careloop.worklist.claim(ownerOp(), taskId))).toBe('CONFLICT');
    // The owner may list the queue but not read a patient's number for marketing.
    expect(await code(careloop.worklist.revealPhone(ownerOp(), taskId))).toBe('ROLE_NOT_PERMITTED');
    const { phone } = await careloop.worklist.revealPhone(desk(), taskId);
    expect(phone).toMatch(/^\+7916\d{7}$/);
    const audit = await careloop.db.tenant(t.tenantId, (tx) =>
      sql<{ purpose: string; details: { field: string } }>`
        SELECT purpose, details FROM audit_log WHERE action = 'patient.revealed' AND subject_id = ${patientId}`.execute(
        tx,
      ),
    );
    expect(audit.rows).toMatchObject([{ purpose: 'marketing.general', details: { field: 'phone' } }]);
  });

  it('do_not_call withdraws the call consent in the ledger (R8), suppresses calls and cancels other tasks', async () => {
    const { patientId, taskId } = await patientWithTask();
    const [other] = await careloop.db.tenant(t.tenantId, async (tx) =>
      createCallTasks(tx, await careloop.vault.forTenant(tx, t.tenantId), clock, t.tenantId, [
        { patientId, purpose: 'marketing.general', script: 'Второй звонок', idempotencyKey: newId() },
      ]),
    );
    const done = await careloop.worklist.recordOutcome(desk(), taskId, { outcome: 'do_not_call' });
    expect(done).toMatchObject({ status: 'done', outcome: 'do_not_call' });
    const s = await state(patientId);
    expect(s.consents['ads.receive.call']).toBe('withdrawn');
    expect(s.consents['ads.receive.sms']).toBe('granted');
    expect(s.suppressions).toEqual(['call:do_not_call:marketing']);
    const otherTask = await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('call_tasks')
        .select('status')
        .where('id', '=', other as string)
        .executeTakeFirstOrThrow(),
    );
    expect(otherTask.status).toBe('cancelled');
    // A later campaign call is skipped at queue time: no consent any more.
    const { outbox } = await deliver(
      [
        {
          patientId,
          purpose: 'marketing.general',
          campaignId: newId(),
          channel: 'call',
          content: { templateId: recallId, version: 1 },
          occurrenceKey: 'recall:2026-12',
        },
      ],
      systemScope(t.tenantId, 'marketing.general'),
    );
    expect(outbox).toMatchObject([{ state: 'skipped' }]);
  });

  it('wrong_number stops every SMS and call to the number, care reminders included', async () => {
    const { patientId, taskId } = await patientWithTask();
    await careloop.worklist.recordOutcome(desk(), taskId, { outcome: 'wrong_number' });
    expect((await state(patientId)).suppressions).toEqual(['call:wrong_number:all', 'sms:wrong_number:all']);
    const { sent, outbox } = await deliver(
      [
        {
          patientId,
          purpose: 'care.appointment',
          campaignId: null,
          channel: 'sms',
          content: { templateId: reminderId, version: 1 },
          context: { slot: { date: '25.11.2026', time: '10:00', branch: 'Тверская, 1' } },
          occurrenceKey: `reminder:${newId()}`,
        } as OutboxItem,
      ],
      systemScope(t.tenantId, 'care.appointment'),
    );
    expect(sent).toHaveLength(0);
    expect(outbox).toMatchObject([{ state: 'skipped', skip_reason: 'suppressed' }]);
  });

  it('moved_away keeps the patient out of marketing on every channel until lifted', async () => {
    const { patientId, taskId } = await patientWithTask();
    await careloop.worklist.recordOutcome(desk(), taskId, { outcome: 'moved_away' });
    const s = await state(patientId);
    expect(s.holds).toMatchObject([{ reason: 'moved_away', until: null }]);
    expect(s.suppressions).toEqual([
      'call:opt_out:marketing',
      'email:opt_out:marketing',
      'messenger:opt_out:marketing',
      'sms:opt_out:marketing',
    ]);
    const far = new Date('2030-01-01T00:00:00Z');
    expect(await careloop.db.tenant(t.tenantId, (tx) => heldFromMarketing(tx, [patientId], far))).toEqual(
      new Set([patientId]),
    );
  });

  it('declined starts a 90-day marketing cool-down', async () => {
    const { patientId, taskId } = await patientWithTask();
    await careloop.worklist.recordOutcome(desk(), taskId, { outcome: 'declined' });
    const held = (at: string) =>
      careloop.db.tenant(t.tenantId, (tx) => heldFromMarketing(tx, [patientId], new Date(at)));
    expect((await held('2027-02-20T00:00:00Z')).has(patientId)).toBe(true);
    expect((await held('2027-02-22T00:00:00Z')).has(patientId)).toBe(false);
    expect((await state(patientId)).suppressions).toEqual([]);
    // Delivery honours the cool-down for marketing; care messages still go out.
    const context = {
      clinic: { name: 'Клиника', phone: '+7 495 000-00-00', postalAddress: 'Москва, Тверская, 1' },
      links: { booking: 'https://care.clinic.test/b/x', preferences: 'https://care.clinic.test/p/x' },
      slot: { date: '25.11.2026', time: '10:00', branch: 'Тверская, 1' },
    };
    const ad = await deliver(
      [
        {
          patientId,
          purpose: 'marketing.general',
          campaignId: newId(),
          channel: 'sms',
          content: { templateId: recallId, version: 1 },
          context,
          occurrenceKey: 'recall:2026-12',
        },
      ],
      systemScope(t.tenantId, 'marketing.general'),
    );
    expect(ad.sent).toHaveLength(0);
    expect(ad.outbox).toMatchObject([{ state: 'skipped', skip_reason: 'suppressed' }]);
    const care = await deliver(
      [
        {
          patientId,
          purpose: 'care.appointment',
          campaignId: null,
          channel: 'sms',
          content: { templateId: reminderId, version: 1 },
          context,
          occurrenceKey: `reminder:${newId()}`,
        },
      ],
      systemScope(t.tenantId, 'care.appointment'),
    );
    expect(care.sent).toHaveLength(1);
    expect(care.sent[0]!.content).toMatchObject({ channel: 'sms' });
  });

  it('call_later reopens the task for the same operator at the agreed time', async () => {
    const { taskId } = await patientWithTask();
    expect(await code(careloop.worklist.recordOutcome(desk(), taskId, { outcome: 'call_later' }))).toBe(
      'VALIDATION_FAILED',
    );
    const later = new Date('2026-11-24T10:00:00Z');
    const r = await careloop.worklist.recordOutcome(desk(), taskId, {
      outcome: 'call_later',
      callBackAt: later,
    });
    expect(r).toMatchObject({ status: 'open', attempts: 1, dueAt: later });
    expect((await careloop.worklist.list(desk())).map((x) => x.id)).not.toContain(taskId);
    expect((await careloop.worklist.list(desk(), { mine: true })).map((x) => x.id)).toContain(taskId);
    expect((await careloop.worklist.list(ownerOp())).map((x) => x.id)).not.toContain(taskId);
    clock.set('2026-11-24T10:00:00Z');
    try {
      expect((await careloop.worklist.list(desk())).map((x) => x.id)).toContain(taskId);
    } finally {
      clock.set('2026-11-23T09:00:00Z');
    }
  });

  it('booked books the free slot as a campaign appointment that attribution counts; a taken slot answers SLOT_TAKEN', async () => {
    const slotId = newId();
    await careloop.db.tenant(t.tenantId, async (tx) => {
      const branch = newId();
      const specialty = newId();
      const doctor = newId();
      await tx
        .insertInto('branches')
        .values({
          tenant_id: t.tenantId,
          id: branch,
          code: `b${branch.slice(-6)}`,
          name_ru: 'Тверская',
          name_en: 'Tverskaya',
          time_zone: 'Europe/Moscow',
          city: null,
          address: null,
        })
        .execute();
      await tx
        .insertInto('specialties')
        .values({
          tenant_id: t.tenantId,
          id: specialty,
          code: `s${specialty.slice(-6)}`,
          name_ru: 'Терапия',
          name_en: 'Therapy',
        })
        .execute();
      await tx
        .insertInto('doctors')
        .values({
          tenant_id: t.tenantId,
          id: doctor,
          full_name: 'Смирнов А. В.',
          specialty_id: specialty,
          branch_id: branch,
        })
        .execute();
      await tx
        .insertInto('slots')
        .values({
          tenant_id: t.tenantId,
          id: slotId,
          doctor_id: doctor,
          branch_id: branch,
          starts_at: new Date('2026-11-25T07:00:00Z'),
          ends_at: new Date('2026-11-25T07:30:00Z'),
        })
        .execute();
    });
    const a = await patientWithTask();
    const b = await patientWithTask();
    await careloop.worklist.recordOutcome(desk(), a.taskId, { outcome: 'booked', slotId });
    expect(await code(careloop.worklist.recordOutcome(desk(), b.taskId, { outcome: 'booked', slotId }))).toBe(
      'SLOT_TAKEN',
    );
    const rows = await careloop.db.tenant(t.tenantId, async (tx) => ({
      appointments: await tx
        .selectFrom('appointments')
        .select(['patient_id', 'status', 'booked_via', 'slot_id'])
        .where('slot_id', '=', slotId)
        .execute(),
      slot: await tx.selectFrom('slots').select('status').where('id', '=', slotId).executeTakeFirstOrThrow(),
      task: await tx
        .selectFrom('call_tasks')
        .select(['status', 'outcome', 'appointment_id'])
        .where('id', '=', a.taskId)
        .executeTakeFirstOrThrow(),
    }));
    expect(rows.appointments).toEqual([
      { patient_id: a.patientId, status: 'booked', booked_via: 'campaign', slot_id: slotId },
    ]);
    expect(rows.slot.status).toBe('booked');
    expect(rows.task).toMatchObject({ status: 'done', outcome: 'booked' });
    expect(rows.task.appointment_id).not.toBeNull();
    // Nothing about the patient's consents or channels changes on a booking.
    expect((await state(a.patientId)).suppressions).toEqual([]);
  });

  it('over HTTP: the front desk lists, claims and records an outcome; a marketer is refused', async () => {
    const { taskId } = await patientWithTask();
    // Hand the task back to the queue for the HTTP operator to claim.
    await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .updateTable('call_tasks')
        .set({ status: 'open', assigned_to: null })
        .where('id', '=', taskId)
        .execute(),
    );
    const s = await signIn(app, t.users.front_desk.email, t.users.front_desk.password);
    const m = await signIn(app, t.users.marketer.email, t.users.marketer.password);
    const h = (x: { cookie: string; csrf: string }) => ({ cookie: x.cookie, 'x-csrf-token': x.csrf });
    expect((await app.inject({ method: 'GET', url: '/api/worklist/tasks', headers: h(m) })).statusCode).toBe(
      403,
    );
    const list = await app.inject({ method: 'GET', url: '/api/worklist/tasks', headers: h(s) });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { id: string }[]).map((x) => x.id)).toContain(taskId);
    const claim = await app.inject({
      method: 'POST',
      url: `/api/worklist/tasks/${taskId}/claim`,
      headers: h(s),
    });
    expect(claim.json()).toMatchObject({ status: 'claimed' });
    const out = await app.inject({
      method: 'POST',
      url: `/api/worklist/tasks/${taskId}/outcome`,
      headers: h(s),
      payload: { outcome: 'declined' },
    });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toMatchObject({ status: 'done', outcome: 'declined' });
  });
});
