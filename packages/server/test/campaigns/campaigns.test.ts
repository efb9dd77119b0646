import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  audienceSql,
  compareArms,
  controlSql,
  csat,
  isControl,
  normalCdf,
  nps,
} from '../../src/modules/campaigns/index.ts';
import { testCareloop } from '../support/careloop.ts';
import { type Clinic, demoClinic } from './support.ts';

const clock = new ManualClock('2026-11-23T09:00:00Z');
let careloop: Careloop;
let clinic: Clinic;

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  clinic = await demoClinic(careloop, 500);
}, 240_000);
afterAll(async () => {
  await careloop?.close();
});

const members = (campaignId: string) =>
  careloop.db.tenant(clinic.tenantId, (tx) =>
    tx
      .selectFrom('campaign_members')
      .select(['patient_id', 'occurrence', 'arm', 'run_id', 'enrolled_at'])
      .where('campaign_id', '=', campaignId)
      .execute(),
  );
const outbox = (campaignId: string) =>
  careloop.db.tenant(clinic.tenantId, (tx) =>
    tx
      .selectFrom('outbox_messages')
      .select(['patient_id', 'occurrence_key', 'state', 'skip_reason', 'purpose', 'context'])
      .where('campaign_id', '=', campaignId)
      .execute(),
  );

describe('statistics', () => {
  it('two-proportion z-test matches a worked example', () => {
    // 200/1000 vs 150/1000: pooled 0.175, se 0.01699, z 2.943, p 0.00325.
    const c = compareArms({ members: 1000, converted: 200 }, { members: 1000, converted: 150 });
    expect(c.uplift).toBeCloseTo(0.05, 10);
    expect(c.z).toBeCloseTo(2.943, 2);
    expect(c.pValue).toBeCloseTo(0.00325, 4);
    expect(c.significant).toBe(true);
    expect(compareArms({ members: 100, converted: 21 }, { members: 100, converted: 19 }).significant).toBe(
      false,
    );
    expect(compareArms({ members: 10, converted: 3 }, { members: 0, converted: 0 }).z).toBeNull();
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
  });

  it('NPS and CSAT', () => {
    expect(nps([10, 9, 8, 7, 6, 0])).toBeCloseTo(0, 10);
    expect(nps([10, 10, 9, 3])).toBe(50);
    expect(csat([5, 4, 3, 1])).toBe(50);
    expect(nps([])).toBeNull();
  });
});

describe('control group', () => {
  it('the SQL assignment agrees with the pure one (property)', async () => {
    const ids = fc.sample(fc.uuid(), 300);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: 0, max: 50 }),
        async (seed, pct) => {
          const rows = await careloop.db.tenant(clinic.tenantId, (tx) =>
            sql<{ id: string; c: boolean }>`
            SELECT id, ${controlSql(seed, sql`id`, pct)} AS c FROM unnest(${ids}::uuid[]) AS t(id)`.execute(
              tx,
            ),
          );
          for (const r of rows.rows) expect(r.c).toBe(isControl(seed, r.id, pct));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('holds out close to the configured share', () => {
    const n = 20_000;
    let held = 0;
    for (let i = 0; i < n; i++) if (isControl(42, newId(), 10)) held++;
    expect(held / n).toBeGreaterThan(0.09);
    expect(held / n).toBeLessThan(0.11);
  });
});

describe('recall playbook', () => {
  let campaignId: string;

  it('a marketer switches it on, tunes it and previews the audience', async () => {
    const c = await careloop.campaigns.create(clinic.scope('marketer'), {
      playbook: 'recall',
      channel: 'sms',
      params: { minMonths: 3, maxMonths: 6 },
      // Half held out: the arm is drawn by patient id, and on this small audience a smaller
      // share could come out empty.
      controlPct: 50,
      seed: 7,
    });
    campaignId = c.id;
    expect(c.purpose).toBe('marketing.general');
    expect(c.templateKey).toBe('recall');
    expect(c.status).toBe('draft');
    const p = await careloop.campaigns.preview(clinic.scope('marketer'), c.id);
    expect(p.count).toBeGreaterThan(11);
    // Perturbed per cell (R32): the total and each arm are cells of their own, each within 2 of
    // the owner's exact figure, an arm of 1…10 hidden; the owner's arms add up to the total.
    expect(p.perturbed).toBe(true);
    const o = await careloop.campaigns.preview(clinic.scope('owner'), c.id);
    expect(o.treatment! + o.control!).toBe(o.count);
    expect(Math.abs(p.count! - o.count!)).toBeLessThanOrEqual(2);
    for (const arm of ['treatment', 'control'] as const) {
      const exact = o[arm]!;
      if (exact > 0 && exact < 11) expect(p[arm]).toBeNull();
      else expect(Math.abs(p[arm]! - exact)).toBeLessThanOrEqual(2);
    }
  });

  it('refuses parameters outside the schema', async () => {
    await expect(
      careloop.campaigns.create(clinic.scope('marketer'), { playbook: 'recall', params: { minMonths: 0 } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      careloop.campaigns.create(clinic.scope('marketer'), { playbook: 'recall', params: { typo: 1 } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('launch snapshots the audience, holds out the control arm and queues only the treatment arm (R50)', async () => {
    // The owner's preview is exact, and so is the launch (an operational path).
    const preview = await careloop.campaigns.preview(clinic.scope('owner'), campaignId);
    const r = await careloop.campaigns.launch(clinic.scope('marketer'), campaignId);
    expect(r.created).toBe(true);
    expect(r.run.eligible).toBe(preview.count);
    expect(r.run.control).toBe(preview.control);
    const ms = await members(campaignId);
    expect(ms).toHaveLength(r.run.eligible);
    const ob = await outbox(campaignId);
    const treatment = new Set(ms.filter((m) => m.arm === 'treatment').map((m) => m.patient_id));
    const control = ms.filter((m) => m.arm === 'control');
    expect(control.length).toBeGreaterThan(0);
    // The control arm is recorded and receives nothing; every treatment member has exactly one message.
    for (const m of control) expect(isControl(7, m.patient_id, 50)).toBe(true);
    expect(ob.filter((o) => !treatment.has(o.patient_id))).toHaveLength(0);
    expect(new Set(ob.map((o) => o.patient_id)).size).toBe(treatment.size);
    expect(ob).toHaveLength(treatment.size);
    expect(ob.every((o) => o.purpose === 'marketing.general' && o.occurrence_key.startsWith('recall:'))).toBe(
      true,
    );
    expect(r.run.queued).toBe(ob.filter((o) => o.state === 'queued').length);
  });

  it('the audience is exactly who was last seen 3–6 months ago, has no booking ahead and consented to SMS advertising (R7)', async () => {
    const bad = await careloop.db.tenant(clinic.tenantId, (tx) =>
      sql<{ n: number }>`
        SELECT count(*)::int AS n FROM campaign_members m
        JOIN patients p ON p.tenant_id = m.tenant_id AND p.id = m.patient_id
        WHERE m.campaign_id = ${campaignId} AND (
          (SELECT max(visited_at) FROM visits v WHERE v.patient_id = m.patient_id) NOT BETWEEN
            ${clock.now()}::timestamptz - interval '6 months' AND ${clock.now()}::timestamptz - interval '3 months'
          OR EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = m.patient_id AND a.status = 'booked' AND a.starts_at > ${clock.now()})
          OR NOT EXISTS (SELECT 1 FROM consent_state c WHERE c.patient_id = m.patient_id AND c.kind = 'ads.receive.sms' AND c.status = 'granted')
          OR NOT EXISTS (SELECT 1 FROM consent_state c WHERE c.patient_id = m.patient_id AND c.kind = 'pd.marketing' AND c.status = 'granted')
          OR NOT p.has_phone)`.execute(tx),
    );
    expect(bad.rows[0]?.n).toBe(0);
    // And nobody the raw visits and bookings say is due was left out (the audience reads the facts).
    const missed = await careloop.db.tenant(clinic.tenantId, (tx) =>
      sql<{ n: number }>`
        SELECT count(*)::int AS n FROM patients p
        WHERE p.status = 'active' AND p.has_phone
          AND 2026 - p.birth_year - CASE WHEN p.birth_md > 1123 THEN 1 ELSE 0 END >= 18
          AND (SELECT max(visited_at) FROM visits v WHERE v.patient_id = p.id)
              >= ${clock.now()}::timestamptz - interval '6 months'
          AND (SELECT max(visited_at) FROM visits v WHERE v.patient_id = p.id)
              < ${clock.now()}::timestamptz - interval '3 months'
          AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = p.id AND a.status = 'booked' AND a.starts_at > ${clock.now()})
          AND EXISTS (SELECT 1 FROM consent_state c WHERE c.patient_id = p.id AND c.kind = 'ads.receive.sms' AND c.status = 'granted'
                        AND (c.expires_at IS NULL OR c.expires_at > ${clock.now()}))
          AND EXISTS (SELECT 1 FROM consent_state c WHERE c.patient_id = p.id AND c.kind = 'pd.marketing' AND c.status = 'granted'
                        AND (c.expires_at IS NULL OR c.expires_at > ${clock.now()}))
          AND NOT EXISTS (SELECT 1 FROM campaign_members m WHERE m.campaign_id = ${campaignId} AND m.patient_id = p.id)`.execute(
        tx,
      ),
    );
    expect(missed.rows[0]?.n).toBe(0);
  });

  it('launching again on the same day sends nothing twice (R25)', async () => {
    const before = (await outbox(campaignId)).length;
    const again = await careloop.campaigns.launch(clinic.scope('marketer'), campaignId);
    expect(again.created).toBe(false);
    expect((await outbox(campaignId)).length).toBe(before);
  });

  it('the daily job runs it the next day without enrolling the same recall episode again', async () => {
    const before = await members(campaignId);
    clock.advance(86_400_000);
    try {
      const r = await careloop.campaigns.runDue({ tenantId: clinic.tenantId });
      expect(r.failed).toBe(0);
      expect(r.runs).toBeGreaterThanOrEqual(1);
      const after = await members(campaignId);
      const keys = after.map((m) => `${m.patient_id}|${m.occurrence}`);
      expect(new Set(keys).size).toBe(keys.length);
      const runs = await careloop.campaigns.runs(clinic.scope('marketer'), campaignId);
      expect(runs).toHaveLength(2);
      // Yesterday's members are not enrolled again for the same episode.
      const firstRun = new Set(before.map((m) => `${m.patient_id}|${m.occurrence}`));
      expect(
        after.filter((m) => m.run_id === runs[0]!.id && firstRun.has(`${m.patient_id}|${m.occurrence}`)),
      ).toHaveLength(0);
      // Running the job again the same day does nothing.
      expect((await careloop.campaigns.runDue({ tenantId: clinic.tenantId })).runs).toBe(0);
    } finally {
      clock.advance(-86_400_000);
    }
  });
});

describe('health-based playbooks (R6)', () => {
  it('cross-sell runs under marketing.health and enrols only patients with the written health-based consent', async () => {
    const c = await careloop.campaigns.create(clinic.scope('marketer'), {
      playbook: 'cross_sell',
      channel: 'email',
      params: { rules: [{ afterSpecialty: 'cardiology', offerService: 'ecg', withinDays: 365 }] },
      controlPct: 0,
    });
    expect(c.purpose).toBe('marketing.health');
    const r = await careloop.campaigns.launch(clinic.scope('marketer'), c.id);
    const bad = await careloop.db.tenant(clinic.tenantId, (tx) =>
      sql<{ n: number }>`
        SELECT count(*)::int AS n FROM campaign_members m
        WHERE m.campaign_id = ${c.id} AND NOT EXISTS (
          SELECT 1 FROM consent_state s WHERE s.patient_id = m.patient_id
            AND s.kind = 'pd.marketing.health_based' AND s.status = 'granted')`.execute(tx),
    );
    expect(bad.rows[0]?.n).toBe(0);
    const ob = await outbox(c.id);
    expect(r.run.treatment).toBeGreaterThan(0);
    expect(ob.every((o) => o.purpose === 'marketing.health')).toBe(true);
    expect(ob).toHaveLength(r.run.treatment);
  });

  it('a role without health-based messaging cannot run it', async () => {
    await expect(
      careloop.campaigns.create(clinic.scope('front_desk', 'care.appointment'), { playbook: 'screening' }),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
  });

  it('screening invites women 40+ without a mammography in 12 months', async () => {
    const c = await careloop.campaigns.create(clinic.scope('marketer'), {
      playbook: 'screening',
      channel: 'email',
      params: { rules: [{ service: 'mammography', sex: 'female', minAge: 40, intervalMonths: 12 }] },
      controlPct: 0,
    });
    await careloop.campaigns.launch(clinic.scope('marketer'), c.id);
    const rows = await careloop.db.tenant(clinic.tenantId, (tx) =>
      sql<{ sex: string; birth_year: number; done: boolean }>`
        SELECT p.sex, p.birth_year, EXISTS (
          SELECT 1 FROM visits v JOIN services s ON s.id = v.service_id AND s.code = 'mammography'
          WHERE v.patient_id = p.id AND v.visited_at > ${clock.now()}::timestamptz - interval '12 months') AS done
        FROM campaign_members m JOIN patients p ON p.id = m.patient_id WHERE m.campaign_id = ${c.id}`.execute(
        tx,
      ),
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) {
      expect(r.sex).toBe('female');
      expect(2026 - r.birth_year).toBeGreaterThanOrEqual(40);
      expect(r.done).toBe(false);
    }
  });
});

describe('preview for marketers', () => {
  it('R32: shows a count under 11 only as "fewer than 11" and larger ones perturbed by their cell key', async () => {
    const c = await careloop.campaigns.create(clinic.scope('marketer'), {
      playbook: 'new_service',
      params: { specialties: ['oncology'], historyMonths: 1, subject: 'onco-2026' },
    });
    const m = await careloop.campaigns.preview(clinic.scope('marketer'), c.id);
    const o = await careloop.campaigns.preview(clinic.scope('owner'), c.id);
    expect(o).toMatchObject({ perturbed: false, fewerThan: null });
    expect(m.perturbed).toBe(true);
    if (o.count !== null && o.count > 0 && o.count < 11) {
      expect(m.count).toBeNull();
      expect(m.fewerThan).toBe(11);
      expect([m.treatment, m.control]).toEqual([null, null]);
    } else {
      // R32 cell-key method: within 2 of the exact figure, never below 11 from 11 up, 0 stays 0.
      expect(Math.abs(m.count! - o.count!)).toBeLessThanOrEqual(2);
      expect(o.count === 0 ? m.count === 0 : m.count! >= 11).toBe(true);
    }
    expect(o.count).not.toBeNull();
    expect(o.treatment! + o.control!).toBe(o.count);
    // The same audience gives the same figures on every call: nothing to average.
    expect(await careloop.campaigns.preview(clinic.scope('marketer'), c.id)).toEqual(m);
  });
});

describe('audience exclusions', () => {
  const audience = (channel: 'sms' | 'email') =>
    careloop.db.tenant(clinic.tenantId, async (tx) => {
      const rows = await sql<{ patient_id: string }>`${audienceSql({
        tenantId: clinic.tenantId,
        playbook: 'recall',
        params: { minMonths: 1, maxMonths: 24 },
        purpose: 'marketing.general',
        channel,
        now: clock.now(),
        timeZone: 'Europe/Moscow',
      })}`.execute(tx);
      return new Set(rows.rows.map((r) => r.patient_id));
    });

  it('a worklist hold and a suppressed address keep a patient out of advertising audiences (R7)', async () => {
    const before = await audience('sms');
    const emailBefore = await audience('email');
    const both = [...before].filter((id) => emailBefore.has(id));
    const [bounced, moved, wrong, cooled] = [both[0], ...[...before].filter((id) => id !== both[0])] as [
      string,
      string,
      string,
      string,
    ];
    expect(bounced).toBeDefined();
    const now = clock.now();
    await careloop.db.tenant(clinic.tenantId, async (tx) => {
      const hold = (patient_id: string, reason: 'moved_away' | 'declined', until: Date | null) => ({
        tenant_id: clinic.tenantId,
        patient_id,
        reason,
        until,
        source: 'test',
        created_at: now,
      });
      await tx
        .insertInto('patient_outreach_holds')
        .values([hold(moved, 'moved_away', null), hold(cooled, 'declined', new Date(now.getTime() - 1000))])
        .execute();
      const suppress = (
        patient_id: string,
        channel: 'sms' | 'email',
        reason: 'wrong_number' | 'hard_bounce',
      ) => ({
        tenant_id: clinic.tenantId,
        patient_id,
        channel,
        reason,
        scope: 'all' as const,
        source: 'test',
        created_at: now,
      });
      await tx
        .insertInto('delivery_suppressions')
        .values([suppress(wrong, 'sms', 'wrong_number'), suppress(bounced, 'email', 'hard_bounce')])
        .execute();
    });
    try {
      const after = await audience('sms');
      // The hold and the SMS suppression exclude; an e-mail bounce and a cool-down that ended do not.
      expect([...before].filter((id) => !after.has(id)).sort()).toEqual([moved, wrong].sort());
      expect(after.has(bounced) && after.has(cooled)).toBe(true);
      expect((await audience('email')).has(bounced)).toBe(false);
    } finally {
      await careloop.db.tenant(clinic.tenantId, async (tx) => {
        await tx.deleteFrom('patient_outreach_holds').where('source', '=', 'test').execute();
        await tx.deleteFrom('delivery_suppressions').where('source', '=', 'test').execute();
      });
    }
  });
});
