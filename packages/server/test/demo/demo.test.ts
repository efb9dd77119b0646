import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { PLAYBOOK_TEMPLATE_KEYS } from '../../src/modules/content/index.ts';
import type { DemoSummary } from '../../src/modules/demo/index.ts';
import { type PatientIdentity, unsealPatient } from '../../src/modules/patients/index.ts';
import { testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
const asOf = new Date('2026-11-23T00:00:00Z');
const N = 600;
let a: DemoSummary;
let b: DemoSummary;

beforeAll(async () => {
  careloop = await testCareloop();
  a = await careloop.demo.generate({ patients: N, asOf, seed: 7, slug: `demo-a-${newId().slice(-8)}` });
  b = await careloop.demo.generate({ patients: N, asOf, seed: 7, slug: `demo-b-${newId().slice(-8)}` });
}, 300_000);
afterAll(async () => careloop?.close());

/** Decrypted identities of a demo tenant, in generation order. */
async function identities(tenantId: string): Promise<(PatientIdentity & { sex: string | null })[]> {
  return careloop.db.tenant(tenantId, async (tx) => {
    const keys = await careloop.vault.forTenant(tx, tenantId);
    const rows = await tx
      .selectFrom('patients')
      .select(['id', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc', 'sex'])
      .execute();
    return rows.map((r) => ({
      ...unsealPatient(keys, r, { identity: true, contact: false }).identity!,
      sex: r.sex,
    }));
  });
}

describe('demo clinic', () => {
  it('is deterministic for a seed and reference date', async () => {
    expect({ ...a, tenantId: '' }).toEqual({ ...b, tenantId: '' });
    const [x, y] = await Promise.all([identities(a.tenantId), identities(b.tenantId)]);
    const people = (list: typeof x) =>
      list.map((p) => `${p.lastName} ${p.firstName} ${p.middleName} ${p.birthDate}`).sort();
    expect(people(x)).toEqual(people(y));
  });

  it('has the promised shape: patients, planted duplicates, visits, schedules', async () => {
    expect(a.patients).toBe(N + a.plantedDuplicates + a.twins);
    expect(a.plantedDuplicates).toBeGreaterThanOrEqual(25);
    expect(a.visits).toBeGreaterThan(N * 3);
    expect(a.slots).toBeGreaterThan(a.appointments);
    const counts = await careloop.db.tenant(a.tenantId, async (tx) => {
      const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(tx)).rows[0]!.n;
      return {
        doctors: await one(sql`SELECT count(*)::int n FROM doctors`),
        specialties: await one(sql`SELECT count(*)::int n FROM specialties`),
        branches: await one(sql`SELECT count(DISTINCT time_zone)::int n FROM branches`),
        futureFree: await one(
          sql`SELECT count(*)::int n FROM slots WHERE status = 'free' AND starts_at > ${asOf}`,
        ),
        booked: await one(
          sql`SELECT count(*)::int n FROM appointments a JOIN slots s ON s.tenant_id = a.tenant_id AND s.id = a.slot_id WHERE s.status = 'booked' AND a.status = 'booked'`,
        ),
        services: await one(sql`SELECT count(*)::int n FROM services`),
        lastSlotDays: await one(
          sql`SELECT ceil(extract(epoch FROM max(starts_at) - ${asOf}::timestamptz) / 86400)::int n FROM slots`,
        ),
        futureVisits: await one(sql`SELECT count(*)::int n FROM visits WHERE visited_at >= ${asOf}`),
      };
    });
    expect(counts.doctors).toBeGreaterThanOrEqual(38);
    expect(counts.specialties).toBe(15);
    expect(counts.branches).toBe(2);
    expect(counts.futureFree).toBeGreaterThan(0);
    expect(counts.booked).toBe(a.appointments);
    expect(counts.services).toBeGreaterThan(40);
    expect(counts.lastSlotDays).toBeLessThanOrEqual(29);
    expect(counts.lastSlotDays).toBeGreaterThanOrEqual(26);
    expect(counts.futureVisits).toBe(0);
  });

  it('gives sex-consistent patronymics and surname forms', async () => {
    const people = (await identities(a.tenantId)).filter((p) => /^[А-ЯЁ]/.test(p.lastName) && p.middleName);
    expect(people.length).toBeGreaterThan(N * 0.9);
    for (const p of people) {
      if (p.sex === 'male') {
        expect(p.middleName).toMatch(/(ич)$/);
        expect(p.lastName).not.toMatch(/(ова|ева|ина|ская)$/i);
      } else {
        expect(p.middleName).toMatch(/(на)$/);
        expect(p.lastName).not.toMatch(/(ов|ев|ин|ский)$/i);
      }
    }
  });

  it('has the summer dip', async () => {
    const rows = await careloop.db.tenant(a.tenantId, (tx) =>
      sql<{
        m: number;
        n: number;
      }>`SELECT extract(month FROM visited_at)::int m, count(*)::int n FROM visits GROUP BY 1`.execute(tx),
    );
    const by = new Map(rows.rows.map((r) => [r.m, r.n]));
    const summer = (by.get(6)! + by.get(7)! + by.get(8)!) / 3;
    const autumn = (by.get(9)! + by.get(10)! + by.get(11)!) / 3;
    expect(summer).toBeLessThan(autumn * 0.85);
  });

  it('plants duplicates and twins that share a phone with their original', async () => {
    const groups = await careloop.db.tenant(a.tenantId, (tx) =>
      sql<{ n: number }>`
        SELECT count(*)::int n FROM (
          SELECT digest FROM patient_lookup WHERE kind = 'phone' GROUP BY digest HAVING count(*) > 1
        ) g`.execute(tx),
    );
    // Blind-index digests collide by design (R28), so this is a lower bound check.
    expect(groups.rows[0]!.n).toBeGreaterThanOrEqual(a.plantedDuplicates + a.twins);
  });

  it('has consents in realistic proportions, none for minors', async () => {
    const r = await careloop.db.tenant(a.tenantId, (tx) =>
      sql<{ kind: string; share: number; minors: number }>`
        SELECT c.kind, count(*)::float / ${a.patients} AS share,
               count(*) FILTER (WHERE p.birth_year > 2026 - 18)::int AS minors
        FROM consent_state c JOIN patients p ON p.tenant_id = c.tenant_id AND p.id = c.patient_id
        WHERE c.status = 'granted' GROUP BY c.kind`.execute(tx),
    );
    const share = new Map(r.rows.map((x) => [x.kind, x.share]));
    expect(share.get('pd.marketing')).toBeGreaterThan(0.3);
    expect(share.get('pd.marketing')).toBeLessThan(0.7);
    expect(share.get('pd.marketing.health_based')!).toBeLessThan(share.get('pd.marketing')!);
    expect(share.get('ads.receive.sms')!).toBeLessThan(share.get('pd.marketing')!);
    expect(r.rows.every((x) => x.minors === 0)).toBe(true);
  });

  it('stores no name, phone or e-mail in clear text', async () => {
    const people = await identities(a.tenantId);
    const sample = people.slice(0, 20).map((p) => p.lastName);
    const dump = await careloop.db.tenant(a.tenantId, (tx) =>
      sql<{ t: string }>`SELECT string_agg(row_to_json(p)::text, '') AS t FROM patients p`.execute(tx),
    );
    for (const name of sample) expect(dump.rows[0]!.t).not.toContain(name);
    expect(dump.rows[0]!.t).not.toMatch(/\+79\d{9}|@mail\.ru|@yandex\.ru/);
  });

  it('R13–R16: ships the playbook library, written by the marketer and approved by the owner', async () => {
    const rows = (
      await careloop.db.tenant(a.tenantId, (tx) =>
        sql<{ key: string; state: string; lint: unknown; author: string; approver: string }>`
          SELECT t.key, v.state, v.lint, au.role AS author, ap.role AS approver
          FROM content_template_versions v
          JOIN content_templates t ON t.id = v.template_id
          JOIN staff_users au ON v.author_id = 'staff:' || au.id::text
          JOIN staff_users ap ON v.approved_by = 'staff:' || ap.id::text`.execute(tx),
      )
    ).rows;
    expect(rows.map((r) => r.key).sort()).toEqual(Object.values(PLAYBOOK_TEMPLATE_KEYS).sort());
    for (const r of rows) {
      expect(r).toMatchObject({ state: 'approved', author: 'marketer', approver: 'owner' });
      expect(
        (r.lint as { findings: { severity: string }[] }).findings.filter((f) => f.severity === 'error'),
      ).toEqual([]);
    }
  });
});
