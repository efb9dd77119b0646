import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../server/src/kernel/index.ts';
import { findFreeSlots, takeSlot } from '../../../server/src/modules/schedule/index.ts';
import { createCallTasks } from '../../../server/src/modules/worklist/index.ts';
import { staffScope } from '../../../server/test/support/careloop.ts';
import {
  expectNoPersonalData,
  openBrowser,
  screenshot,
  setLanguage,
  signIn,
  signOut,
  type TestBrowser,
} from '../support/browser.ts';
import { startDashboard, type TestDashboard } from '../support/dashboard.ts';

let dash: TestDashboard;
let b: TestBrowser;
let tenantId: string;
/** Five call tasks for demo patients, as the delivery call channel would make them. */
let tasks: { id: string; patientId: string; script: string }[] = [];
/** Names and numbers seen on screen: never in a URL or browser storage (R38). */
const secrets = new Set<string>();
/** The machine is shared and slow at times: a poll waits up to 15 s, not vitest's 1 s. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

beforeAll(async () => {
  [dash, b] = await Promise.all([startDashboard(), openBrowser()]);
  tenantId = dash.demo.tenantId;
  await dash.careloop.db.tenant(tenantId, async (tx) => {
    const patients = await tx
      .selectFrom('patients')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('id')
      .limit(5)
      .execute();
    const items = patients.map((p, i) => ({
      patientId: p.id,
      purpose: 'marketing.general' as const,
      script: `Здравствуйте! Клиника приглашает на профилактический осмотр, звонок №${i + 1}.`,
      idempotencyKey: newId(),
      campaignId: newId(),
    }));
    const ids = await createCallTasks(
      tx,
      await dash.careloop.vault.forTenant(tx, tenantId),
      dash.clock,
      tenantId,
      items,
    );
    tasks = ids.map((id, i) => ({ id, patientId: items[i]!.patientId, script: items[i]!.script }));
  });
}, 180_000);
afterAll(async () => {
  await b?.close();
  await dash?.close();
});

const desk = () => staffScope(tenantId, 'front_desk', 'registry.operations');
const taskRow = (id: string) =>
  dash.careloop.db.tenant(tenantId, (tx) =>
    tx
      .selectFrom('call_tasks')
      .select(['status', 'outcome', 'due_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
  );

describe('call-centre worklist in Chromium', () => {
  it('lists open tasks with scripts and masked numbers; claim, reveal, record an outcome: the task leaves the list', async () => {
    const { page } = b;
    const listed = await dash.careloop.worklist.list(staffScope(tenantId, 'owner', 'registry.operations'));
    for (const t of listed) {
      if (t.patientName) secrets.add(t.patientName);
    }
    const first = tasks[0]!;
    const view = listed.find((t) => t.id === first.id)!;
    await signIn(page, dash, 'front_desk');
    await page.getByRole('navigation').getByRole('link', { name: 'Обзвон' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Обзвон');
    await poll(() => page.getByRole('status').first().textContent()).toBe(`Открытых задач: ${listed.length}`);
    const row = page.locator(`tr[data-task="${first.id}"]`);
    await poll(() => row.locator('[data-field=phone]').textContent()).toMatch(/\*\*\*-\*\*-\d\d$/);
    await row.getByText('Сценарий разговора').click();
    await poll(() => row.locator('.script').textContent()).toBe(first.script);
    await screenshot(page, 'worklist-ru');

    // Claim: the task moves from the open list to "My calls", its heading takes focus.
    await row.getByRole('button', { name: `Взять задачу: ${view.patientName}` }).click();
    const card = page.locator(`article[data-task="${first.id}"]`);
    await poll(() => card.locator('h3').evaluate((h) => h === document.activeElement)).toBe(true);
    await poll(() => row.count()).toBe(0);
    await poll(() => card.locator('blockquote.script').textContent()).toBe(first.script);

    // The full number, on request, for the operator holding the task; audited (R31).
    await card.getByRole('button', { name: 'Показать номер' }).click();
    const phone = card.locator('a[data-field=phone]');
    await poll(() => phone.textContent()).toMatch(/^\+\d{11}$/);
    secrets.add((await phone.textContent())!);
    expect(await phone.getAttribute('href')).toBe(`tel:${await phone.textContent()}`);
    const audit = await dash.careloop.audit.entries(staffScope(tenantId, 'auditor', 'subject.rights'), {
      subjectId: first.patientId,
    });
    expect(audit.some((e) => e.action === 'patient.revealed')).toBe(true);

    // The outcome form: keyboard-selectable radios; "declined" closes the task.
    await card.getByLabel('Отказался').check();
    await screenshot(page, 'worklist-claimed-ru');
    await card.getByRole('button', { name: 'Записать результат' }).click();
    await poll(() => page.getByText('Результат «Отказался» записан.').count()).toBe(1);
    await poll(() => card.count()).toBe(0);
    await poll(() => page.getByRole('status').nth(1).textContent()).toBe(
      `Открытых задач: ${listed.length - 1}`,
    );
    expect(await taskRow(first.id)).toMatchObject({ status: 'done', outcome: 'declined' });
    expect((await dash.careloop.worklist.list(desk())).map((t) => t.id)).not.toContain(first.id);
    await expectNoPersonalData(b, [...secrets]);
  });

  it('works in English: "call back later" asks for a time and takes the task off the list until then', async () => {
    const { page } = b;
    const second = tasks[1]!;
    await setLanguage(page, 'en');
    await poll(() => page.locator('h1').textContent()).toBe('Call list');
    const row = page.locator(`tr[data-task="${second.id}"]`);
    await row.getByRole('button', { name: /^Take the task:/ }).click();
    const card = page.locator(`article[data-task="${second.id}"]`);
    await card.getByLabel('Call back later').check();
    const when = card.getByLabel('When to call back');
    await poll(() => when.inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await screenshot(page, 'worklist-en');
    await card.getByRole('button', { name: 'Record outcome' }).click();
    await poll(() =>
      page.getByText(/^Outcome “Call back later” recorded\. Call back scheduled:/).count(),
    ).toBe(1);
    const r = await taskRow(second.id);
    expect(r.outcome).toBe('call_later');
    expect(new Date(r.due_at).getTime()).toBeGreaterThan(dash.clock.now().getTime());
    await poll(() => page.locator(`tr[data-task="${second.id}"]`).count()).toBe(0);
    // It stays with this operator as an agreed call-back, without an outcome form until taken again.
    await poll(() => page.locator(`li[data-callback="${second.id}"]`).count()).toBe(1);
    await poll(() => card.count()).toBe(0);
    expect((await dash.careloop.worklist.list(desk())).map((t) => t.id)).not.toContain(second.id);
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, [...secrets]);
  });

  it('booked: the operator picks a free slot from the list (not a typed time) and the appointment exists', async () => {
    const { page } = b;
    const third = tasks[2]!;
    await poll(() => page.locator('h1').textContent()).toBe('Обзвон');
    const row = page.locator(`tr[data-task="${third.id}"]`);
    await row.getByRole('button', { name: /^Взять задачу:/ }).click();
    const card = page.locator(`article[data-task="${third.id}"]`);
    const record = card.getByRole('button', { name: 'Записать результат' });
    await card.getByLabel('Записан на приём').check();
    // Nothing to record until a slot is chosen.
    expect(await record.isDisabled()).toBe(true);

    // The picker lists the same free slots as the schedule, soonest first.
    const items = card.locator('[data-slot]');
    const listed = () => items.evaluateAll((els) => els.map((e) => e.getAttribute('data-slot')));
    const free = (filter: { branchId?: string; specialtyId?: string } = {}) =>
      dash.careloop.db.tenant(tenantId, (tx) =>
        findFreeSlots(tx, dash.clock.now(), { ...filter, limit: 30 }),
      );
    const all = await free();
    expect(all.slots.length).toBeGreaterThan(1);
    await poll(listed).toEqual(all.slots.map((s) => s.id));
    // Narrowed by branch and specialty, each named in Russian.
    const branch = all.branches.at(-1)!;
    await card.getByLabel('Филиал', { exact: true }).selectOption({ label: branch.nameRu });
    const byBranch = await free({ branchId: branch.id });
    await poll(listed).toEqual(byBranch.slots.map((s) => s.id));
    expect(byBranch.slots.length).toBeGreaterThan(0);
    const target = byBranch.slots[0]!;
    await card.getByLabel('Специальность', { exact: true }).selectOption({ label: target.specialty.nameRu });
    const narrowed = await free({ branchId: branch.id, specialtyId: target.specialty.id });
    await poll(listed).toEqual(narrowed.slots.map((s) => s.id));
    // Each line says when (on the branch's clock), who and where.
    const line = card.locator(`[data-slot="${target.id}"]`);
    await poll(() => line.textContent()).toContain(
      `${target.doctor.name}, ${target.specialty.nameRu} · ${branch.nameRu}`,
    );
    await line.getByRole('radio').check();
    expect(await record.isDisabled()).toBe(false);
    await screenshot(page, 'worklist-slots-ru');
    await record.click();
    await poll(() => page.getByText(/^Результат «Записан на приём» записан\. Пациент записан:/).count()).toBe(
      1,
    );
    await poll(() => card.count()).toBe(0);

    // The appointment exists, on that slot, for the task's patient; the slot is taken.
    const booked = await dash.careloop.db.tenant(tenantId, async (tx) => ({
      appointment: await tx
        .selectFrom('appointments')
        .select(['id', 'patient_id', 'doctor_id', 'branch_id', 'starts_at', 'status'])
        .where('slot_id', '=', target.id)
        .execute(),
      slot: await tx
        .selectFrom('slots')
        .select('status')
        .where('id', '=', target.id)
        .executeTakeFirstOrThrow(),
      task: await tx
        .selectFrom('call_tasks')
        .select(['status', 'outcome', 'appointment_id'])
        .where('id', '=', third.id)
        .executeTakeFirstOrThrow(),
    }));
    expect(booked.appointment).toEqual([
      {
        id: booked.task.appointment_id,
        patient_id: third.patientId,
        doctor_id: target.doctor.id,
        branch_id: branch.id,
        starts_at: target.startsAt,
        status: 'booked',
      },
    ]);
    expect(booked.slot.status).toBe('booked');
    expect(booked.task).toMatchObject({ status: 'done', outcome: 'booked' });
    await expectNoPersonalData(b, [...secrets]);
  });

  it('a slot taken meanwhile: the operator reads why in words, the list refreshes without it, and another slot books', async () => {
    const { page } = b;
    const fourth = tasks[3]!;
    await setLanguage(page, 'en');
    await poll(() => page.locator('h1').textContent()).toBe('Call list');
    await page
      .locator(`tr[data-task="${fourth.id}"]`)
      .getByRole('button', { name: /^Take the task:/ })
      .click();
    const card = page.locator(`article[data-task="${fourth.id}"]`);
    await card.getByLabel('Booked').check();
    const items = card.locator('[data-slot]');
    await poll(() => items.count()).toBeGreaterThan(1);
    const first = (await items.first().getAttribute('data-slot'))!;
    await items.first().getByRole('radio').check();

    // Another patient books that slot (say, through a campaign's link) while the operator talks.
    const other = await dash.careloop.db.tenant(tenantId, (tx) =>
      takeSlot(tx, {
        tenantId,
        patientId: tasks[4]!.patientId,
        slotId: first,
        now: dash.clock.now(),
        via: 'online',
      }),
    );
    expect(other).not.toBeNull();
    await card.getByRole('button', { name: 'Record outcome' }).click();
    await poll(() => card.getByRole('alert').first().textContent()).toContain(
      'This time has just been taken; choose another slot.',
    );
    await poll(() => card.locator(`[data-slot="${first}"]`).count()).toBe(0);
    await poll(() => items.count()).toBeGreaterThan(0);
    expect(await card.getByRole('button', { name: 'Record outcome' }).isDisabled()).toBe(true);
    await screenshot(page, 'worklist-slot-taken-en');
    // Nothing was recorded: the task is still the operator's.
    expect(await taskRow(fourth.id)).toMatchObject({ status: 'claimed', outcome: null });

    const next = (await items.first().getAttribute('data-slot'))!;
    await items.first().getByRole('radio').check();
    await card.getByRole('button', { name: 'Record outcome' }).click();
    await poll(() => page.getByText(/^Outcome “Booked” recorded\. Booked for /).count()).toBe(1);
    const appointments = await dash.careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('appointments')
        .select(['patient_id', 'slot_id'])
        .where('slot_id', 'in', [first, next])
        .orderBy('patient_id')
        .execute(),
    );
    expect(appointments).toEqual(
      expect.arrayContaining([
        { patient_id: tasks[4]!.patientId, slot_id: first },
        { patient_id: fourth.patientId, slot_id: next },
      ]),
    );
    expect(appointments).toHaveLength(2);
    await setLanguage(page, 'ru');
    await expectNoPersonalData(b, [...secrets]);
  });

  it('roles outside the call centre do not see the worklist and the server refuses them', async () => {
    const { page } = b;
    await signOut(page);
    await signIn(page, dash, 'marketer');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Обзвон' }).count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/api/worklist/tasks')).status);
    expect(status).toBe(403);
  });
});
