import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import type { DemoSummary } from '../../src/modules/demo/index.ts';
import { DIMINUTIVES } from '../../src/modules/demo/names.ts';
import { type PatientIdentity, unsealPatient } from '../../src/modules/patients/index.ts';
import { staffScope, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let demo: DemoSummary;

beforeAll(async () => {
  careloop = await testCareloop();
  demo = await careloop.demo.generate({
    patients: 600,
    asOf: new Date('2026-11-23T00:00:00Z'),
    seed: 11,
    slug: `demo-id-${newId().slice(-8)}`,
  });
}, 300_000);
afterAll(async () => careloop?.close());

type Person = PatientIdentity & { id: string; phone?: string };

/**
 * The ground truth, recovered from the data: planted duplicates and twins share their
 * original's phone. Twins keep surname and birthday and get another full first name;
 * every duplicate differs from its original in some other way (or by a diminutive).
 */
async function plantedPairs(): Promise<{ duplicates: [string, string][]; twins: [string, string][] }> {
  const people = await careloop.db.tenant(demo.tenantId, async (tx) => {
    const keys = await careloop.vault.forTenant(tx, demo.tenantId);
    const rows = await tx
      .selectFrom('patients')
      .select(['id', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
      .execute();
    return rows.map((r): Person => {
      const p = unsealPatient(keys, r, { identity: true, contact: true });
      return { ...p.identity!, id: r.id, ...(p.contact?.phone ? { phone: p.contact.phone } : {}) };
    });
  });
  const byPhone = new Map<string, Person[]>();
  for (const p of people) if (p.phone) byPhone.set(p.phone, [...(byPhone.get(p.phone) ?? []), p]);
  const duplicates: [string, string][] = [];
  const twins: [string, string][] = [];
  for (const group of byPhone.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [x, y] = [group[i]!, group[j]!];
        const twin =
          x.lastName === y.lastName &&
          x.birthDate === y.birthDate &&
          x.firstName !== y.firstName &&
          DIMINUTIVES[x.firstName] !== y.firstName &&
          DIMINUTIVES[y.firstName] !== x.firstName;
        (twin ? twins : duplicates).push([x.id, y.id].sort() as [string, string]);
      }
    }
  }
  return { duplicates, twins };
}

describe('identity resolution on the demo clinic', () => {
  it('puts the planted duplicates in the review queue and merges nothing, twins included', async () => {
    const { duplicates, twins } = await plantedPairs();
    expect(duplicates.length).toBeGreaterThanOrEqual(demo.plantedDuplicates);
    expect(twins.length).toBeGreaterThanOrEqual(demo.twins);
    const open = await careloop.db.tenant(demo.tenantId, (tx) =>
      tx
        .selectFrom('identity_candidates')
        .select(['patient_a', 'patient_b', 'probability'])
        .where('status', '=', 'open')
        .execute(),
    );
    const queued = new Map(open.map((c) => [`${c.patient_a}:${c.patient_b}`, c.probability]));
    const found = duplicates.filter(([a, b]) => queued.has(`${a}:${b}`));
    console.log(
      `demo identity: ${found.length}/${duplicates.length} planted duplicate pairs queued; ${open.length} pairs in the queue`,
    );
    expect(found.length).toBe(duplicates.length);
    // Twins are never a certain match.
    for (const [a, b] of twins) expect(queued.get(`${a}:${b}`) ?? 0).toBeLessThan(0.9);
    const merges = await careloop.identity.merges(staffScope(demo.tenantId, 'owner', 'registry.operations'));
    expect(merges).toEqual([]);
    // The front desk sees them through the API's service, strongest first.
    const page = await careloop.identity.reviewQueue(
      staffScope(demo.tenantId, 'front_desk', 'registry.operations'),
      { limit: 10 },
    );
    expect(page.total).toBe(open.length);
    expect(page.items[0]!.probability).toBeGreaterThanOrEqual(page.items.at(-1)!.probability);
  }, 120_000);
});
