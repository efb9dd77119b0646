import type { SegmentRule } from '@careloop/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  compileSegment,
  parseRule,
  planSegment,
  presentCount,
  rebuildFacts,
} from '../../src/modules/segments/index.ts';
import { createTestTenant, staffScope, systemScope, testCareloop } from '../support/careloop.ts';
import { type Catalogue, loadPatients, makeCatalogue, type PatientSpec } from './fixture.ts';

let careloop: Careloop;
let tenantId: string;
let cat: Catalogue;
const clock = new ManualClock('2026-11-23T09:00:00Z');
const at = clock.now();

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  tenantId = (await createTestTenant(careloop)).tenantId;
  cat = await makeCatalogue(careloop, tenantId);
});
afterAll(async () => careloop?.close());

const base: PatientSpec = {
  status: 'active',
  sex: 'female',
  birthYear: 1980,
  birthMd: 615,
  city: 'Москва',
  branch: 0,
  language: 'ru',
  preferredChannel: 'email',
  preferredTime: null,
  visits: [],
  appointments: [],
  consents: [],
  messagedDaysAgo: null,
};
const granted = (...kinds: string[]) =>
  kinds.map((kind) => ({ kind, status: 'granted' as const, expiresInDays: null }));
const ALL_MARKETING = granted(
  'pd.marketing',
  'pd.marketing.health_based',
  'ads.receive.email',
  'ads.receive.sms',
);

const auditor = () => staffScope(tenantId, 'auditor', 'subject.rights');
const marketer = () => staffScope(tenantId, 'marketer', 'marketing.general');
const owner = (reason?: string) =>
  staffScope(tenantId, 'owner', 'marketing.general', '00000000-0000-7000-8000-000000000001', reason);

/** A fresh cohort tagged by a city of its own, so each test counts only its patients. */
async function cohort(specs: Partial<PatientSpec>[]): Promise<{ city: string; ids: string[] }> {
  const city = `Город-${Math.random().toString(36).slice(2, 8)}`;
  const facts = await loadPatients(
    careloop,
    tenantId,
    cat,
    specs.map((s) => ({ ...base, city, ...s })),
    at,
  );
  return { city, ids: facts.map((f) => f.id) };
}

const inCity = (city: string, rule?: SegmentRule): SegmentRule =>
  rule ? { op: 'and', rules: [{ op: 'city', in: [city] }, rule] } : { op: 'city', in: [city] };

describe('rule validation', () => {
  it('names every problem of a bad rule by its path, with a typed error', () => {
    const bad = {
      op: 'and',
      rules: [
        { op: 'age', min: 50, max: 40 },
        { op: 'no_visit', serviceId: 'x', within: { n: 12, unit: 'weeks' } },
        { op: 'consent', kind: 'ads.receive.pigeon' },
        { op: 'sex', is: 'female', extra: 1 },
        { op: 'teleport' },
      ],
    };
    try {
      parseRule(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('SEGMENT_RULE_INVALID');
      const fields = (e as AppError).details!.map((d) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'rule.rules[0]',
          'rule.rules[1].serviceId',
          'rule.rules[1].within.unit',
          'rule.rules[2].kind',
          'rule.rules[3].extra',
          'rule.rules[4].op',
        ]),
      );
    }
  });

  it('refuses a visit condition naming both a specialty and a service', () => {
    expect(() =>
      parseRule({ op: 'last_visit', specialtyId: cat.specialties[0], serviceId: cat.services[0] }),
    ).toThrow(/not valid/);
  });
});

describe('privacy by construction', () => {
  it('R6: a clinical rule cannot be compiled without the health-based marketing consent filter', async () => {
    const rule: SegmentRule = {
      op: 'no_visit',
      serviceId: cat.services[0]!,
      within: { n: 12, unit: 'months' },
    };
    const plan = planSegment({ rule, purpose: 'marketing.general', channel: 'email' });
    expect(plan.healthBased).toBe(true);
    expect(plan.purpose).toBe('marketing.health');
    expect(plan.consentKinds).toEqual(['pd.marketing', 'pd.marketing.health_based', 'ads.receive.email']);
    // A forged plan claiming not to be health-based is re-planned from its rule.
    const forged = { ...plan, healthBased: false, purpose: 'marketing.general' as const, consentKinds: [] };
    expect(compileSegment(forged, { at, today: '2026-11-23' }).plan.consentKinds).toContain(
      'pd.marketing.health_based',
    );
    // And in the database: without the health-based consent nobody is in the audience.
    const { city } = await cohort([
      { consents: granted('pd.marketing', 'ads.receive.email') },
      { consents: granted('pd.marketing', 'ads.receive.email') },
      { consents: ALL_MARKETING },
    ]);
    const c = await careloop.segments.count(owner(), {
      rule: inCity(city, rule),
      purpose: 'marketing.general',
      channel: 'email',
    });
    expect(c).toMatchObject({ count: 1, plan: { healthBased: true, purpose: 'marketing.health' } });
    const demographic = await careloop.segments.count(owner(), {
      rule: inCity(city),
      purpose: 'marketing.general',
      channel: 'email',
    });
    expect(demographic.count).toBe(3);
    expect(demographic.plan.healthBased).toBe(false);
  });

  it('R6: a specialty rule under a purpose that may not read visit_clinical data is refused', () => {
    expect(() =>
      planSegment({
        rule: { op: 'last_visit', specialtyId: cat.specialties[0]! },
        purpose: 'service.feedback',
      }),
    ).toThrow(expect.objectContaining({ code: 'PURPOSE_NOT_PERMITTED' }));
  });

  it('R11: minors and patients of unknown age are excluded from marketing audiences, not from care', async () => {
    const { city } = await cohort([
      { birthYear: 2010, consents: ALL_MARKETING },
      { birthYear: 2008, birthMd: 1124, consents: ALL_MARKETING }, // turns 18 tomorrow
      { birthYear: 2008, birthMd: 1123, consents: ALL_MARKETING }, // 18 today
      { birthYear: null, consents: ALL_MARKETING },
      { birthYear: 1970, consents: ALL_MARKETING },
    ]);
    const marketing = await careloop.segments.count(owner(), {
      rule: inCity(city),
      purpose: 'marketing.general',
    });
    expect(marketing.count).toBe(2);
    expect(marketing.plan.adultsOnly).toBe(true);
    const care = await careloop.segments.count(staffScope(tenantId, 'owner', 'care.appointment'), {
      rule: inCity(city),
      purpose: 'care.appointment',
    });
    expect(care.count).toBe(5);
  });

  it('merged and erased patients are never members', async () => {
    const { city } = await cohort([
      { consents: ALL_MARKETING },
      { status: 'merged', consents: ALL_MARKETING },
      { status: 'erased', consents: ALL_MARKETING },
    ]);
    const c = await careloop.segments.count(owner(), { rule: inCity(city), purpose: 'care.appointment' });
    expect(c.count).toBe(1);
  });

  it('a withdrawn or expired consent drops the patient at once (the facts follow consent_state)', async () => {
    const { city, ids } = await cohort([{ consents: ALL_MARKETING }, { consents: ALL_MARKETING }]);
    const count = async () =>
      (
        await careloop.segments.count(owner(), {
          rule: inCity(city),
          purpose: 'marketing.general',
          channel: 'email',
        })
      ).count;
    expect(await count()).toBe(2);
    await careloop.db.tenant(tenantId, (tx) =>
      tx
        .updateTable('consent_state')
        .set({ status: 'withdrawn' })
        .where('patient_id', '=', ids[0]!)
        .where('kind', '=', 'ads.receive.email')
        .execute(),
    );
    expect(await count()).toBe(1);
    // A term that runs out between writes is caught at evaluation time, not only by the expiry job.
    await careloop.db.tenant(tenantId, (tx) =>
      tx
        .updateTable('consent_state')
        .set({ expires_at: new Date(at.getTime() - 1000) })
        .where('patient_id', '=', ids[1]!)
        .where('kind', '=', 'pd.marketing')
        .execute(),
    );
    expect(await count()).toBe(0);
  });
});

describe('counts, members and snapshots', () => {
  it('R30: marketers see counts from 1 to 10 as "fewer than 11"; zero and owners see exact figures', async () => {
    const { city } = await cohort([{ consents: ALL_MARKETING }, { consents: ALL_MARKETING }]);
    const input = { rule: inCity(city), purpose: 'marketing.general' as const };
    const m = await careloop.segments.count(marketer(), input);
    expect(m).toMatchObject({ count: null, fewerThan: 11, perturbed: true });
    expect(await careloop.segments.count(owner(), input)).toMatchObject({ count: 2, perturbed: false });
    const none = await careloop.segments.count(marketer(), { ...input, rule: inCity('Нигде') });
    expect(none).toMatchObject({ count: 0, fewerThan: null });
    // From 11 up a marketer's count is perturbed by its cell key (cell-key.test.ts); 11 stays 11.
    expect(presentCount(marketer(), { count: 11, cellKey: 12_345 })).toEqual({
      count: 11,
      fewerThan: null,
      perturbed: true,
    });
    expect(presentCount(owner(), { count: 3, cellKey: 12_345 })).toEqual({
      count: 3,
      fewerThan: null,
      perturbed: false,
    });
    const audit = await careloop.audit.entries(auditor(), { action: 'segment.count', limit: 5 });
    expect(audit[0]).toMatchObject({ action: 'segment.count', outcome: 'done' });
  });

  it('R30: listing members needs a reason, is audited, and is refused to marketers on health-based segments', async () => {
    const { city, ids } = await cohort([
      { consents: ALL_MARKETING, visits: [{ daysAgo: 400, specialty: 0, main: 0, lines: [] }] },
    ]);
    const health = await careloop.segments.create(owner(), {
      name: 'Без маммографии',
      rule: inCity(city, { op: 'no_visit', serviceId: cat.services[0]!, within: { n: 12, unit: 'months' } }),
      purpose: 'marketing.general',
      channel: 'email',
    });
    expect(health).toMatchObject({
      healthBased: true,
      purpose: 'marketing.health',
      requestedPurpose: 'marketing.general',
    });
    await expect(careloop.segments.members(owner(), { segmentId: health.id })).rejects.toMatchObject({
      code: 'REASON_REQUIRED',
    });
    await expect(
      careloop.segments.members({ ...marketer(), reason: 'проверка' }, { segmentId: health.id }),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
    const listed = await careloop.segments.members(owner('проверка перед рассылкой'), {
      segmentId: health.id,
    });
    expect(listed.patientIds).toEqual(ids);
    const entries = await careloop.audit.entries(auditor(), { action: 'segment.members', limit: 10 });
    expect(entries.map((e) => e.outcome)).toEqual(expect.arrayContaining(['allowed', 'denied']));
    expect(entries.find((e) => e.outcome === 'allowed')).toMatchObject({ subjectId: health.id });
    // The demographic twin of the segment may be listed by a marketer with a reason.
    const plain = await careloop.segments.create(marketer(), {
      name: 'Город',
      rule: inCity(city),
      purpose: 'marketing.general',
    });
    const mine = await careloop.segments.members(
      { ...marketer(), reason: 'сверка' },
      { segmentId: plain.id },
    );
    expect(mine.patientIds).toEqual(ids);
  });

  it('snapshots freeze the audience: later changes do not move it', async () => {
    const { city, ids } = await cohort([
      { consents: ALL_MARKETING },
      { consents: ALL_MARKETING },
      { consents: [] },
    ]);
    const seg = await careloop.segments.create(owner(), {
      name: 'Снимок',
      rule: inCity(city),
      purpose: 'marketing.general',
      channel: 'email',
    });
    const snap = await careloop.segments.snapshot(owner(), { segmentId: seg.id });
    expect(snap).toMatchObject({
      size: 2,
      segmentId: seg.id,
      purpose: 'marketing.general',
      channel: 'email',
    });
    await careloop.db.tenant(tenantId, (tx) =>
      tx.updateTable('patients').set({ status: 'erased' }).where('id', '=', ids[0]!).execute(),
    );
    expect((await careloop.segments.count(owner(), { segmentId: seg.id })).count).toBe(1);
    const members = await careloop.segments.snapshotMembers(owner(), snap.id, { limit: 10 });
    expect(members.sort()).toEqual(ids.slice(0, 2).sort());
  });

  it('updates re-plan the segment and bump its version', async () => {
    const seg = await careloop.segments.create(marketer(), {
      name: 'A',
      rule: { op: 'sex', is: 'female' },
      purpose: 'marketing.general',
    });
    const next = await careloop.segments.update(marketer(), seg.id, {
      rule: { op: 'last_visit', specialtyId: cat.specialties[1]!, maxAgo: { n: 6, unit: 'months' } },
    });
    expect(next).toMatchObject({ version: 2, healthBased: true, purpose: 'marketing.health' });
    expect((await careloop.segments.list(marketer())).map((s) => s.id)).toContain(seg.id);
  });
});

/** Both facts tables of one tenant, in key order. */
const factsOf = (tenant: string) =>
  careloop.db.tenant(tenant, async (tx) => ({
    facts: await tx.selectFrom('patient_facts').selectAll().orderBy('patient_id').execute(),
    visits: await tx
      .selectFrom('patient_visit_facts')
      .selectAll()
      .orderBy(['patient_id', 'dim', 'key'])
      .execute(),
  }));

describe('facts', () => {
  it('are maintained by visit writes and equal a full rebuild, which keeps when patients were messaged', async () => {
    const { city, ids } = await cohort([{ messagedDaysAgo: 3 }, {}]);
    const rule = inCity(city, {
      op: 'last_visit',
      serviceId: cat.services[2]!,
      maxAgo: { n: 30, unit: 'days' },
    });
    const count = async () =>
      (await careloop.segments.count(owner(), { rule, purpose: 'care.followup' })).count;
    expect(await count()).toBe(0);
    await careloop.db.tenant(tenantId, async (tx) => {
      const visit = { tenant_id: tenantId, patient_id: ids[0]!, branch_id: cat.branches[0]! };
      await tx
        .insertInto('visits')
        .values({
          ...visit,
          id: '01900000-0000-7000-8000-00000000a001',
          visited_at: new Date(at.getTime() - 86_400_000),
        })
        .execute();
      await tx
        .insertInto('visit_services')
        .values({
          tenant_id: tenantId,
          visit_id: '01900000-0000-7000-8000-00000000a001',
          line_no: 1,
          service_id: cat.services[2]!,
          price_minor: 1,
        })
        .execute();
    });
    expect(await count()).toBe(1);
    const incremental = await factsOf(tenantId);
    expect(incremental.facts.filter((f) => f.last_messaged_at !== null).map((f) => f.patient_id)).toEqual([
      ids[0],
    ]);
    await rebuildFacts(careloop.db, tenantId);
    expect(await factsOf(tenantId)).toEqual(incremental);
    expect(await count()).toBe(1);
    expect(systemScope(tenantId).purpose).toBe('registry.operations');
  });

  it("a rebuild beside another clinic's facts leaves them as they were, and rebuilds that clinic the same", async () => {
    const other = (await createTestTenant(careloop)).tenantId;
    const otherCat = await makeCatalogue(careloop, other);
    await loadPatients(
      careloop,
      other,
      otherCat,
      [
        {
          ...base,
          messagedDaysAgo: 5,
          visits: [{ daysAgo: 10, specialty: 1, main: 0, lines: [2] }],
          consents: granted('pd.marketing', 'ads.receive.email'),
        },
      ],
      at,
    );
    await cohort([{ visits: [{ daysAgo: 40, specialty: 0, main: 1, lines: [] }] }]);
    const mine = await factsOf(tenantId);
    const theirs = await factsOf(other);
    expect(theirs.facts).toHaveLength(1);
    expect(theirs.visits.length).toBeGreaterThan(0);

    await rebuildFacts(careloop.db, tenantId);
    expect(await factsOf(other)).toEqual(theirs);
    expect(await factsOf(tenantId)).toEqual(mine);
    await rebuildFacts(careloop.db, other);
    expect(await factsOf(other)).toEqual(theirs);
    expect(await factsOf(tenantId)).toEqual(mine);
  });

  it('a bulk rebuild (indexes and foreign keys dropped, then built again) gives the same facts and schema', async () => {
    await cohort([{ messagedDaysAgo: 1, visits: [{ daysAgo: 3, specialty: 2, main: 3, lines: [1, 3] }] }]);
    const schema = () =>
      careloop.db.system(async (tx) => {
        const r = await sql<{ def: string }>`
          SELECT indexdef AS def FROM pg_indexes WHERE tablename IN ('patient_facts', 'patient_visit_facts')
          UNION ALL
          SELECT t.relname || ': ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
           WHERE t.relname IN ('patient_facts', 'patient_visit_facts')
          ORDER BY 1`.execute(tx);
        return r.rows.map((x) => x.def);
      });
    const before = await schema();
    expect(before.filter((d) => d.includes('FOREIGN KEY'))).toHaveLength(2);
    expect(before.some((d) => d.includes('patient_facts_consent_idx'))).toBe(true);
    const incremental = await factsOf(tenantId);
    await rebuildFacts(careloop.db, tenantId, { bulk: true });
    expect(await factsOf(tenantId)).toEqual(incremental);
    expect(await schema()).toEqual(before);
  });
});
