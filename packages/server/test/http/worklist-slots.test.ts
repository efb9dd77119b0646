import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/interfaces/http/types.ts';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { createCallTasks } from '../../src/modules/worklist/index.ts';
import { makeCatalogue } from '../segments/fixture.ts';
import { createTestTenant, registerTestPatient, type TestTenant, testCareloop } from '../support/careloop.ts';
import { appWithLog, signIn } from './support.ts';

/**
 * The call centre's slot picker over HTTP: GET /api/worklist/tasks/:id/slots lists free
 * slots for the task the operator holds; booking one is the "booked" outcome, first come
 * first served.
 */

const clock = new ManualClock('2026-11-23T09:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(clock.now().getTime() + hours * HOUR);

let careloop: Careloop;
let app: App;
let log: string[];
let t: TestTenant;
let branches: readonly string[];
let specialties: readonly string[];
let doctors: readonly string[];
/** Extra doctors: one in the second branch, one retired. */
let farDoctor: string;
let retired: string;
const slot: Record<string, string> = {};
type Session = { cookie: string; csrf: string };
let desk: Session;
let owner: Session;
let marketer: Session;

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  ({ app, log } = await appWithLog(careloop));
  t = await createTestTenant(careloop, ['owner', 'front_desk', 'marketer']);
  ({ branches, specialties, doctors } = await makeCatalogue(careloop, t.tenantId));
  farDoctor = newId();
  retired = newId();
  await careloop.db.tenant(t.tenantId, async (tx) => {
    await tx
      .insertInto('doctors')
      .values([
        {
          tenant_id: t.tenantId,
          id: farDoctor,
          full_name: 'Орлова Е. Н.',
          specialty_id: specialties[0]!,
          branch_id: branches[1]!,
        },
        {
          tenant_id: t.tenantId,
          id: retired,
          full_name: 'Уволен Б. Б.',
          specialty_id: specialties[2]!,
          branch_id: branches[1]!,
          active: false,
        },
      ])
      .execute();
    const rows: [string, string, string, number, 'free' | 'booked' | 'blocked'][] = [
      // name, doctor, branch, hours from now, status
      ['d0a', doctors[0]!, branches[0]!, 25, 'free'],
      ['d0b', doctors[0]!, branches[0]!, 25.5, 'free'],
      ['d0booked', doctors[0]!, branches[0]!, 26, 'booked'],
      ['d0blocked', doctors[0]!, branches[0]!, 26.5, 'blocked'],
      ['d0past', doctors[0]!, branches[0]!, -1, 'free'],
      ['d0far', doctors[0]!, branches[0]!, 20 * 24, 'free'],
      ['d1', doctors[1]!, branches[0]!, 48, 'free'],
      ['far', farDoctor, branches[1]!, 27, 'free'],
      ['retired', retired, branches[1]!, 24, 'free'],
    ];
    for (const [name] of rows) slot[name] = newId();
    await tx
      .insertInto('slots')
      .values(
        rows.map(([name, doctor, branch, hours, status]) => ({
          tenant_id: t.tenantId,
          id: slot[name]!,
          doctor_id: doctor,
          branch_id: branch,
          starts_at: at(hours),
          ends_at: at(hours + 0.5),
          status,
        })),
      )
      .execute();
  });
  [desk, owner, marketer] = await Promise.all([
    signIn(app, t.users.front_desk.email, t.users.front_desk.password),
    signIn(app, t.users.owner.email, t.users.owner.password),
    signIn(app, t.users.marketer.email, t.users.marketer.password),
  ]);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await careloop?.close();
});

const h = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

/** An open call task for a new patient; `claimBy` takes it over HTTP. */
async function task(claimBy?: Session): Promise<{ taskId: string; patientId: string }> {
  const patientId = await registerTestPatient(careloop, t.tenantId);
  const [taskId] = await careloop.db.tenant(t.tenantId, async (tx) =>
    createCallTasks(tx, await careloop.vault.forTenant(tx, t.tenantId), clock, t.tenantId, [
      {
        patientId,
        purpose: 'marketing.general',
        script: 'Здравствуйте! Приглашаем на приём.',
        idempotencyKey: newId(),
        campaignId: newId(),
      },
    ]),
  );
  if (claimBy) {
    const r = await app.inject({
      method: 'POST',
      url: `/api/worklist/tasks/${taskId}/claim`,
      headers: h(claimBy),
    });
    expect(r.statusCode).toBe(200);
  }
  return { taskId: taskId as string, patientId };
}

const slots = (taskId: string, as: Session, query: Record<string, string | number> = {}) =>
  app.inject({
    method: 'GET',
    url: `/api/worklist/tasks/${taskId}/slots`,
    headers: h(as),
    query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
  });

type SlotsBody = {
  slots: {
    id: string;
    startsAt: string;
    timeZone: string;
    doctor: { id: string; name: string };
    branch: { id: string; nameRu: string; nameEn: string };
    specialty: { id: string; nameRu: string };
  }[];
  more: boolean;
  from: string;
  to: string;
  branches: { id: string }[];
  specialties: { id: string }[];
  doctors: { id: string }[];
};
const ids = (r: { json: () => unknown }) => (r.json() as SlotsBody).slots.map((s) => s.id);

describe('free slots for the call centre (GET /api/worklist/tasks/:id/slots)', () => {
  it('lists the earliest free future slots of active doctors, soonest first, for the task the operator holds', async () => {
    const { taskId } = await task(desk);
    const all = await slots(taskId, desk);
    expect(all.statusCode).toBe(200);
    const body = all.json() as SlotsBody;
    // Booked, blocked, past, beyond the default fortnight and a retired doctor's slots are not offered.
    expect(body.slots.map((s) => s.id)).toEqual([slot.d0a, slot.d0b, slot.far, slot.d1]);
    expect(body.more).toBe(false);
    expect(body.from).toBe(clock.now().toISOString());
    expect(body.to).toBe(at(14 * 24).toISOString());
    expect(body.slots[0]).toMatchObject({
      startsAt: at(25).toISOString(),
      timeZone: 'Europe/Moscow',
      doctor: { id: doctors[0], name: 'Доктор 0' },
      branch: { id: branches[0], nameRu: 'Филиал 0', nameEn: 'Branch 0' },
      specialty: { id: specialties[0], nameRu: 'С0' },
    });
    expect(body.branches.map((b) => b.id)).toEqual(branches);
    expect(body.specialties.map((s) => s.id)).toEqual(specialties);
    // Doctors are offered once a branch or specialty narrows the search.
    expect(body.doctors).toEqual([]);

    // Bounded: a page of two says more exist.
    const two = await slots(taskId, desk, { limit: 2 });
    expect(ids(two)).toEqual([slot.d0a, slot.d0b]);
    expect((two.json() as SlotsBody).more).toBe(true);

    // Narrowed by branch, specialty or doctor.
    const second = await slots(taskId, desk, { branchId: branches[1]! });
    expect(ids(second)).toEqual([slot.far]);
    expect((second.json() as SlotsBody).doctors.map((d) => d.id)).toEqual([farDoctor]);
    expect(ids(await slots(taskId, desk, { specialtyId: specialties[0]! }))).toEqual([
      slot.d0a,
      slot.d0b,
      slot.far,
    ]);
    expect(ids(await slots(taskId, desk, { doctorId: doctors[1]! }))).toEqual([slot.d1]);
    // A retired doctor's free slot is never offered, by specialty or by name.
    expect(ids(await slots(taskId, desk, { specialtyId: specialties[2]! }))).toEqual([]);
    expect(ids(await slots(taskId, desk, { doctorId: retired }))).toEqual([]);
    expect(
      ids(
        await slots(taskId, desk, {
          branchId: branches[0]!,
          specialtyId: specialties[0]!,
          doctorId: doctors[0]!,
        }),
      ),
    ).toEqual([slot.d0a, slot.d0b]);
    // A later period finds the far slot; a period in the past starts from now.
    expect(
      ids(await slots(taskId, desk, { from: at(15 * 24).toISOString(), to: at(25 * 24).toISOString() })),
    ).toEqual([slot.d0far]);
    expect(
      ids(await slots(taskId, desk, { from: at(-48).toISOString(), to: at(25.2).toISOString() })),
    ).toEqual([slot.d0a]);
  });

  it('refuses periods over 31 days, reversed periods, oversized pages and ids that are not ids', async () => {
    const { taskId } = await task(desk);
    const bad = async (query: Record<string, string | number>) => {
      const r = await slots(taskId, desk, query);
      expect(r.statusCode, JSON.stringify(query)).toBe(400);
      return (r.json() as { error: { code: string; details?: { field?: string; issue: string }[] } }).error;
    };
    expect(await bad({ to: at(32 * 24).toISOString() })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'to', issue: 'span_too_long' }],
    });
    expect(await bad({ from: at(48).toISOString(), to: at(24).toISOString() })).toMatchObject({
      details: [{ field: 'to', issue: 'before_from' }],
    });
    expect((await bad({ limit: 101 })).code).toBe('VALIDATION_FAILED');
    expect((await bad({ branchId: 'Иванова' })).code).toBe('VALIDATION_FAILED');
    expect((await bad({ patient: 'x' })).code).toBe('VALIDATION_FAILED');
  });

  it('answers only the operator holding the task: others are refused', async () => {
    const open = await task();
    const held = await task(desk);
    // Not taken yet, or taken by someone else: a conflict, not a list.
    expect((await slots(open.taskId, desk)).statusCode).toBe(409);
    expect((await slots(held.taskId, owner)).statusCode).toBe(409);
    // Roles outside the call centre, and nobody signed in.
    expect((await slots(held.taskId, marketer)).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/api/worklist/tasks/${held.taskId}/slots` })).statusCode,
    ).toBe(401);
    expect((await slots(newId(), desk)).statusCode).toBe(404);
  });

  it('books a listed slot as the "booked" outcome; the next operator reaching for it hears SLOT_TAKEN and no longer sees it', async () => {
    const a = await task(desk);
    const b = await task(desk);
    const offered = ids(await slots(a.taskId, desk, { doctorId: doctors[1]! }));
    expect(offered).toEqual([slot.d1]);
    // "Booked" needs the slot: a time typed in is not a booking.
    const none = await app.inject({
      method: 'POST',
      url: `/api/worklist/tasks/${a.taskId}/outcome`,
      headers: h(desk),
      payload: { outcome: 'booked' },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ field: 'slotId' }] },
    });

    const booked = await app.inject({
      method: 'POST',
      url: `/api/worklist/tasks/${a.taskId}/outcome`,
      headers: h(desk),
      payload: { outcome: 'booked', slotId: slot.d1 },
    });
    expect(booked.statusCode).toBe(200);
    expect(booked.json()).toMatchObject({ status: 'done', outcome: 'booked' });

    const again = await app.inject({
      method: 'POST',
      url: `/api/worklist/tasks/${b.taskId}/outcome`,
      headers: h(desk),
      payload: { outcome: 'booked', slotId: slot.d1 },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'SLOT_TAKEN' } });
    expect(ids(await slots(b.taskId, desk, { doctorId: doctors[1]! }))).toEqual([]);
    // The second task is still held and open to another outcome.
    const task2 = await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('call_tasks')
        .select(['status', 'outcome'])
        .where('id', '=', b.taskId)
        .executeTakeFirstOrThrow(),
    );
    expect(task2).toEqual({ status: 'claimed', outcome: null });

    const rows = await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('appointments')
        .select(['patient_id', 'doctor_id', 'branch_id', 'starts_at', 'status', 'booked_via'])
        .where('slot_id', '=', slot.d1!)
        .execute(),
    );
    expect(rows).toEqual([
      {
        patient_id: a.patientId,
        doctor_id: doctors[1],
        branch_id: branches[0],
        starts_at: at(48),
        status: 'booked',
        booked_via: 'campaign',
      },
    ]);
    // Request log lines carry the route pattern and ids, never a name or number (R46).
    const lines = log.join('\n');
    expect(lines).toContain('/api/worklist/tasks/:id/slots');
    expect(lines).not.toMatch(/Семёнова|\+7916/);
  });
});
