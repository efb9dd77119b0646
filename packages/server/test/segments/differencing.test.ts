import type { SegmentRule } from '@careloop/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { createTestTenant, staffScope, testCareloop } from '../support/careloop.ts';
import { type Catalogue, consentingPatient, loadPatients, makeCatalogue } from './fixture.ts';

/**
 * The differencing attack on segment counts (R30, R32): a marketer asks for A and for
 * A AND NOT B, where B (here a visit to a specialty: a health-based rule) holds 1…10 of A's
 * patients. With exact counts the difference is |A ∩ B| exactly, defeating the "fewer than 11"
 * suppression; with the cell-key method it is the true figure plus the difference of two
 * independent noises, and asking again (or after a facts rebuild) returns the same figures.
 */

let careloop: Careloop;
let tenantId: string;
let cat: Catalogue;
const clock = new ManualClock('2026-11-23T09:00:00Z');
const at = clock.now();

beforeAll(async () => {
  careloop = await testCareloop({ clock });
  tenantId = (await createTestTenant(careloop)).tenantId;
  cat = await makeCatalogue(careloop, tenantId);
}, 120_000);
afterAll(async () => careloop?.close());

const marketer = () => staffScope(tenantId, 'marketer', 'marketing.general');
const owner = () => staffScope(tenantId, 'owner', 'marketing.general');

const base = consentingPatient({ birthYear: 1980, birthMd: 615, city: null });

/** Independent trials: each its own city, 15…60 patients outside B and 1…10 in it. */
const TRIALS = 40;
interface Trial {
  readonly city: string;
  readonly outside: number;
  readonly inB: number;
}

describe('differencing attack on perturbed counts (R30, R32)', () => {
  let trials: Trial[];
  const B = (): SegmentRule => ({ op: 'last_visit', specialtyId: cat.specialties[0]! });
  const A = (t: Trial): SegmentRule => ({ op: 'city', in: [t.city] });
  const AnotB = (t: Trial): SegmentRule => ({ op: 'and', rules: [A(t), { op: 'not', rule: B() }] });
  /** The same patients as AnotB, by another rule (everyone here is a woman). */
  const AnotBAgain = (t: Trial): SegmentRule => ({
    op: 'and',
    rules: [{ op: 'not', rule: B() }, { op: 'sex', is: 'female' }, A(t)],
  });
  const count = async (scope: ReturnType<typeof marketer>, rule: SegmentRule) =>
    careloop.segments.count(scope, { rule, purpose: 'marketing.general', channel: 'email' });
  const shownPair = async (t: Trial) => {
    const a = await count(marketer(), A(t));
    const d = await count(marketer(), AnotB(t));
    expect([a.perturbed, d.perturbed]).toEqual([true, true]);
    return [a.count!, d.count!] as const;
  };

  beforeAll(async () => {
    const run = Math.random().toString(36).slice(2, 8);
    trials = Array.from({ length: TRIALS }, (_, i) => ({
      city: `Дифф-${run}-${i}`,
      outside: 15 + Math.floor(Math.random() * 46),
      inB: 1 + (i % 10),
    }));
    await loadPatients(
      careloop,
      tenantId,
      cat,
      trials.flatMap((t) => [
        ...Array.from({ length: t.outside }, () => ({ ...base, city: t.city })),
        ...Array.from({ length: t.inB }, () => ({
          ...base,
          city: t.city,
          visits: [{ daysAgo: 90, specialty: 0, main: null, lines: [] }],
        })),
      ]),
      at,
    );
  }, 120_000);

  it("R32: the marketer's A and A∧¬B do not give |A∩B| (1…10) exactly for most sets; the owner's do", async () => {
    let exact = 0;
    const first: (readonly [number, number])[] = [];
    for (const t of trials) {
      // The attack works on exact counts: the owner's difference is the small cell.
      const ownA = (await count(owner(), A(t))).count!;
      const ownD = (await count(owner(), AnotB(t))).count!;
      expect([ownA, ownD]).toEqual([t.outside + t.inB, t.outside]);
      const [a, d] = await shownPair(t);
      first.push([a, d]);
      // Each figure is within 2 of the truth and never below 11.
      expect(Math.abs(a - ownA)).toBeLessThanOrEqual(2);
      expect(Math.abs(d - ownD)).toBeLessThanOrEqual(2);
      expect(Math.min(a, d)).toBeGreaterThanOrEqual(11);
      if (a - d === t.inB) exact++;
      // B alone is suppressed, as before.
      expect(await count(marketer(), { op: 'and', rules: [A(t), B()] })).toMatchObject({
        count: null,
        fewerThan: 11,
      });
    }
    // Two independent draws agree in 222/1024 ≈ 22 % of cases (cell-key.ts): expect about 9 of
    // 40; more than half would happen with probability < 2·10⁻⁵.
    expect(exact).toBeLessThanOrEqual(TRIALS / 2);

    // Same patients, same answer: repeating the query, or asking by another rule, gains nothing.
    for (const [i, t] of trials.entries()) {
      expect(await shownPair(t)).toEqual(first[i]);
      expect((await count(marketer(), AnotBAgain(t))).count).toBe(first[i]![1]);
    }

    // A saved segment's count and a snapshot's size are the same figure for the same patients:
    // neither is a way around the perturbation.
    const t0 = trials[0]!;
    const saved = await careloop.segments.create(marketer(), {
      name: `A без B ${t0.city}`,
      rule: AnotB(t0),
      purpose: 'marketing.general',
      channel: 'email',
    });
    expect((await careloop.segments.count(marketer(), { segmentId: saved.id })).count).toBe(first[0]![1]);
    const snap = await careloop.segments.snapshot(marketer(), { segmentId: saved.id });
    expect(snap.size).toBe(t0.outside);
    expect(snap.shown).toEqual({ count: first[0]![1], fewerThan: null, perturbed: true });

    // A full rebuild of the facts keeps every record key, hence every answer.
    const keys = () =>
      careloop.db.tenant(tenantId, (tx) =>
        sql<{ patient_id: string; record_key: number; patient_key: number }>`
          SELECT f.patient_id, f.record_key, p.record_key AS patient_key
          FROM patient_facts f JOIN patients p ON p.tenant_id = f.tenant_id AND p.id = f.patient_id
          ORDER BY f.patient_id`.execute(tx),
      );
    const before = (await keys()).rows;
    expect(before.length).toBeGreaterThan(TRIALS * 15);
    for (const r of before) expect(r.record_key).toBe(r.patient_key);
    // Keys are drawn at random, not all alike.
    expect(new Set(before.map((r) => r.record_key)).size).toBeGreaterThan(before.length * 0.99);
    await careloop.segments.rebuildFacts(tenantId);
    expect((await keys()).rows).toEqual(before);
    for (const [i, t] of trials.entries()) expect(await shownPair(t)).toEqual(first[i]);
  }, 240_000);
});
