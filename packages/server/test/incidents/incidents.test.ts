import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { breachDeadlines, koapTier } from '../../src/modules/incidents/index.ts';
import {
  createTestTenant,
  registerTestPatient,
  staffScope,
  type TestTenant,
  testCareloop,
} from '../support/careloop.ts';

const at = (iso: string) => new Date(iso);

describe('R43: breach clocks', () => {
  it('run from detection: Roskomnadzor 24 h and 72 h, GDPR 72 h, HIPAA 60 days (HHS by the year’s end under 500)', () => {
    const detected = at('2026-12-04T10:00:00Z');
    expect(breachDeadlines(detected, 'RU', 5)).toEqual([
      { notice: 'rkn_initial', due: at('2026-12-05T10:00:00Z') },
      { notice: 'rkn_results', due: at('2026-12-07T10:00:00Z') },
    ]);
    expect(breachDeadlines(detected, 'EU', 5)).toEqual([
      { notice: 'gdpr_authority', due: at('2026-12-07T10:00:00Z') },
    ]);
    expect(breachDeadlines(detected, 'US', 499)).toEqual([
      { notice: 'hipaa_individuals', due: at('2027-02-02T10:00:00Z') },
      { notice: 'hipaa_hhs', due: at('2027-03-01T23:59:59.999Z') },
    ]);
    expect(breachDeadlines(detected, 'US', 500).map((d) => [d.notice, d.due.toISOString()])).toEqual([
      ['hipaa_individuals', '2027-02-02T10:00:00.000Z'],
      ['hipaa_hhs', '2027-02-02T10:00:00.000Z'],
      ['hipaa_media', '2027-02-02T10:00:00.000Z'],
    ]);
  });

  it('grade the scale as КоАП 13.11 does: from 1,000, above 10,000, above 100,000 subjects', () => {
    expect([999, 1_000, 10_000, 10_001, 100_000, 100_001].map(koapTier)).toEqual([0, 1, 1, 2, 2, 3]);
  });
});

describe(`R43: the incident register (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  const clock = new ManualClock('2026-12-01T09:00:00Z');
  let careloop: Careloop;
  let t: TestTenant;
  beforeAll(async () => {
    careloop = await testCareloop({ clock });
    t = await createTestTenant(careloop, ['owner', 'front_desk', 'doctor', 'marketer', 'auditor']);
  });
  afterAll(async () => {
    await careloop?.close();
  });

  it('counts the patients the scope touched from the audit log, keeps what happened sealed, and stops each clock when its notice is recorded', async () => {
    const patients = [];
    for (let i = 0; i < 4; i++) patients.push(await registerTestPatient(careloop, t.tenantId));
    const desk = staffScope(t.tenantId, 'front_desk', 'registry.operations', t.users.front_desk.id);
    const doctor = staffScope(t.tenantId, 'doctor', 'care.followup', t.users.doctor.id);
    // Before the window: a card read that does not count.
    await careloop.patients.card(desk, patients[0] as string);
    clock.set('2026-12-02T09:00:00Z');
    // In the window: the front desk reads three cards (one twice), the doctor one more.
    for (const p of [patients[0], patients[1], patients[2], patients[1]])
      await careloop.patients.card(desk, p as string);
    await careloop.patients.card(doctor, patients[3] as string);
    clock.set('2026-12-03T12:00:00Z');

    const owner = staffScope(t.tenantId, 'owner', 'registry.operations');
    const scope = { from: at('2026-12-02T00:00:00Z'), to: at('2026-12-02T23:59:59Z') };
    const leak = await careloop.incidents.record(owner, {
      title: 'Выгрузка карт на личную флешку',
      description: 'Сотрудник регистратуры Петрова скопировала карты.',
      detectedAt: at('2026-12-03T10:00:00Z'),
      scope: { ...scope, actor: `staff:${t.users.front_desk.id}` },
    });
    expect(leak.affected).toBe(3);
    expect(leak.koapTier).toBe(0);
    expect(leak.deadlines.map((d) => [d.notice, d.due.toISOString(), d.overdue])).toEqual([
      ['rkn_initial', '2026-12-04T10:00:00.000Z', false],
      ['rkn_results', '2026-12-06T10:00:00.000Z', false],
    ]);
    // Without an actor the whole window counts: four patients.
    const wider = await careloop.incidents.record(owner, {
      title: 'Доступ к базе',
      description: '',
      detectedAt: at('2026-12-03T11:00:00Z'),
      scope,
    });
    expect(wider.affected).toBe(4);

    // A day later the 24-hour notice is overdue until it is recorded; recording it twice is refused.
    clock.set('2026-12-04T10:30:00Z');
    const auditor = staffScope(t.tenantId, 'auditor', 'registry.operations');
    const late = (await careloop.incidents.list(auditor)).find((i) => i.id === leak.id);
    expect(late?.deadlines.map((d) => d.overdue)).toEqual([true, false]);
    await careloop.incidents.notified(auditor, leak.id, 'rkn_initial');
    await expect(careloop.incidents.notified(auditor, leak.id, 'rkn_initial')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const sent = (await careloop.incidents.list(owner)).find((i) => i.id === leak.id);
    expect(sent?.deadlines[0]).toMatchObject({ sentAt: clock.now(), overdue: false });
    expect(sent?.title).toBe('Выгрузка карт на личную флешку');

    // What happened is sealed: the text is nowhere in the table.
    const raw = await careloop.db.tenant(t.tenantId, (tx) =>
      tx.selectFrom('incidents').select('summary_enc').where('id', '=', leak.id).executeTakeFirstOrThrow(),
    );
    expect(raw.summary_enc.includes(Buffer.from('Петрова'))).toBe(false);

    // A marketer has no business here, and the refusal is audited.
    await expect(
      careloop.incidents.list(staffScope(t.tenantId, 'marketer', 'registry.operations')),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
    const audit = await careloop.db.tenant(t.tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'outcome'])
        .where('action', 'like', 'incident.%')
        .orderBy('seq')
        .execute(),
    );
    expect(audit.map((a) => `${a.action}:${a.outcome}`)).toEqual([
      'incident.recorded:done',
      'incident.recorded:done',
      'incident.notified:done',
      'incident.listed:denied',
    ]);
  });

  it('refuses an incident detected in the future or a window that ends before it starts', async () => {
    const owner = staffScope(t.tenantId, 'owner', 'registry.operations');
    await expect(
      careloop.incidents.record(owner, {
        title: 'x',
        description: '',
        detectedAt: new Date(clock.now().getTime() + 3_600_000),
        scope: { from: at('2026-12-02T00:00:00Z'), to: at('2026-12-01T00:00:00Z') },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [
        { field: 'detectedAt', issue: 'in the future' },
        { field: 'scope', issue: 'the window ends before it starts' },
      ],
    });
  });
});
