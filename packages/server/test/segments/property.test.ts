import type { SegmentRule } from '@careloop/contracts';
import fc from 'fast-check';
import type { Expression, SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Careloop } from '../../src/main/careloop.ts';
import {
  compileRule,
  compileSegment,
  type EvalContext,
  evaluateRule,
  inAudience,
  parseRule,
} from '../../src/modules/segments/index.ts';
import { createTestTenant, testCareloop } from '../support/careloop.ts';
import { type Catalogue, loadPatients, makeCatalogue, type PatientSpec } from './fixture.ts';

let careloop: Careloop;
let tenantId: string;
let cat: Catalogue;
const ctx: EvalContext = { at: new Date('2026-11-23T09:00:00Z'), today: '2026-11-23' };

beforeAll(async () => {
  careloop = await testCareloop();
  tenantId = (await createTestTenant(careloop)).tenantId;
  cat = await makeCatalogue(careloop, tenantId);
});
afterAll(async () => careloop?.close());

const KINDS = [
  'pd.marketing',
  'pd.marketing.health_based',
  'ads.receive.email',
  'ads.receive.sms',
  'tracking.web',
  'transfer.yandex',
];

// Dates cluster around the bounds rules use (0…800 days back, a little ahead) so edges get hit.
const daysAgo = fc.oneof(
  fc.integer({ min: -40, max: 800 }),
  fc.constantFrom(0, 1, 30, 31, 90, 91, 180, 181, 365, 366),
);

const patientSpec: fc.Arbitrary<PatientSpec> = fc.record({
  status: fc.constantFrom('active', 'active', 'active', 'active', 'merged', 'erased'),
  sex: fc.constantFrom('female', 'male', null),
  birthYear: fc.option(fc.integer({ min: 1930, max: 2024 }), { freq: 8 }),
  birthMd: fc.option(fc.constantFrom(101, 229, 301, 1122, 1123, 1124, 1201, 1231), { freq: 6 }),
  city: fc.option(fc.constantFrom('Москва', 'Казань'), { freq: 4 }),
  branch: fc.option(fc.constantFrom(0, 1), { freq: 4 }),
  language: fc.constantFrom('ru', 'en'),
  preferredChannel: fc.option(fc.constantFrom('email', 'sms', 'messenger', 'call'), { freq: 3 }),
  preferredTime: fc.option(fc.constantFrom('morning', 'afternoon', 'evening'), { freq: 3 }),
  visits: fc.array(
    fc.record({
      daysAgo,
      specialty: fc.option(fc.constantFrom(0, 1, 2), { freq: 5 }),
      main: fc.option(fc.constantFrom(0, 1, 2, 3), { freq: 4 }),
      lines: fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 2 }),
    }),
    { maxLength: 5 },
  ),
  appointments: fc.array(
    fc.record({ daysAgo, status: fc.constantFrom('booked', 'attended', 'cancelled', 'no_show') }),
    { maxLength: 3 },
  ),
  consents: fc.array(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      status: fc.constantFrom('granted', 'granted', 'granted', 'withdrawn', 'expired'),
      expiresInDays: fc.option(fc.integer({ min: -30, max: 30 }), { freq: 2, nil: null }),
    }),
    { maxLength: 6 },
  ),
  messagedDaysAgo: fc.option(fc.integer({ min: 0, max: 60 }), { freq: 2 }),
}) as fc.Arbitrary<PatientSpec>;

const period = fc
  .record({
    n: fc.integer({ min: 0, max: 24 }),
    unit: fc.constantFrom('days', 'months'),
  })
  .map((p) => (p.unit === 'days' ? { n: p.n * 30, unit: 'days' as const } : p));

const ruleArb = (): fc.Arbitrary<SegmentRule> => {
  const key = fc.oneof(
    fc.constant({}),
    fc.constantFrom(0, 1, 2).map((i) => ({ specialtyId: cat.specialties[i]! })),
    fc.constantFrom(0, 1, 2, 3).map((i) => ({ serviceId: cat.services[i]! })),
  );
  const condition: fc.Arbitrary<SegmentRule> = fc.oneof(
    fc.constantFrom('female', 'male').map((is) => ({ op: 'sex' as const, is })),
    fc
      .record({
        min: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
        max: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
      })
      .filter((r) => r.min !== undefined || r.max !== undefined)
      .map((r) => ({
        op: 'age' as const,
        ...(r.min !== undefined ? { min: Math.min(r.min, r.max ?? 150) } : {}),
        ...(r.max !== undefined ? { max: Math.max(r.max, r.min ?? 0) } : {}),
      })),
    fc.integer({ min: 0, max: 40 }).map((withinDays) => ({ op: 'birthday' as const, withinDays })),
    fc.subarray(['Москва', 'Казань'], { minLength: 1 }).map((c) => ({ op: 'city' as const, in: c })),
    fc
      .subarray([0, 1], { minLength: 1 })
      .map((b) => ({ op: 'home_branch' as const, in: b.map((i) => cat.branches[i]!) })),
    fc
      .tuple(key, fc.option(period, { nil: undefined }), fc.option(period, { nil: undefined }))
      .map(([k, a, b]) => {
        const lo =
          a && b
            ? [a, b].sort(
                (x, y) => (x.unit === 'months' ? x.n * 30 : x.n) - (y.unit === 'months' ? y.n * 30 : y.n),
              )[0]!
            : a;
        const hi = a && b ? (lo === a ? b : a) : b;
        return {
          op: 'last_visit' as const,
          ...k,
          ...(lo ? { minAgo: lo } : {}),
          ...(hi ? { maxAgo: hi } : {}),
        };
      })
      .filter((r) => {
        try {
          parseRule(r);
          return true;
        } catch {
          return false;
        }
      }),
    fc.tuple(key, period).map(([k, within]) => ({ op: 'no_visit' as const, ...k, within })),
    fc
      .tuple(
        key,
        fc.option(period, { nil: undefined }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
      )
      .map(([k, within, a, b]) => ({
        op: 'visit_count' as const,
        ...k,
        ...(within ? { within } : {}),
        min: Math.min(a, b),
        max: Math.max(a, b),
      })),
    fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }).map((withinDays) => ({
      op: 'future_appointment' as const,
      ...(withinDays !== undefined ? { withinDays } : {}),
    })),
    fc
      .tuple(period, fc.integer({ min: 1, max: 2 }))
      .map(([within, min]) => ({ op: 'no_shows' as const, within, min })),
    fc
      .subarray(['email', 'sms', 'messenger', 'call'] as const, { minLength: 1 })
      .map((x) => ({ op: 'preferred_channel' as const, in: x })),
    fc.subarray(['ru', 'en'] as const, { minLength: 1 }).map((x) => ({ op: 'language' as const, in: x })),
    fc
      .subarray(['morning', 'afternoon', 'evening'] as const, { minLength: 1 })
      .map((x) => ({ op: 'preferred_time' as const, in: x })),
    fc.constantFrom(...KINDS).map((kind) => ({ op: 'consent' as const, kind })),
    fc
      .tuple(
        fc.constantFrom('marketing.general', 'marketing.health', 'care.appointment'),
        fc.option(fc.constantFrom('email', 'sms'), { nil: undefined }),
      )
      .map(([purpose, channel]) => ({
        op: 'consent_for' as const,
        purpose,
        ...(channel ? { channel } : {}),
      })),
    fc.integer({ min: 0, max: 45 }).map((withinDays) => ({ op: 'messaged' as const, withinDays })),
  ) as fc.Arbitrary<SegmentRule>;
  return fc.letrec<{ rule: SegmentRule }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      condition,
      fc.array(tie('rule'), { maxLength: 3 }).map((rules) => ({ op: 'and' as const, rules })),
      fc.array(tie('rule'), { maxLength: 3 }).map((rules) => ({ op: 'or' as const, rules })),
      tie('rule').map((rule) => ({ op: 'not' as const, rule })),
    ),
  })).rule;
};

async function sqlMembers(where: Expression<SqlBool>, ids: string[]) {
  const rows = await careloop.db.tenant(tenantId, (tx) =>
    tx
      .selectFrom('patient_facts as f')
      .select('f.patient_id')
      .where(where)
      .where('f.patient_id', 'in', ids)
      .execute(),
  );
  return new Set(rows.map((r) => r.patient_id));
}

describe('segment evaluator and SQL compiler agree', () => {
  it('on random rules over random patients loaded into the database (facts kept by triggers)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(patientSpec, { minLength: 4, maxLength: 10 }),
        fc.array(ruleArb(), { minLength: 3, maxLength: 3 }),
        async (specs, rules) => {
          const patients = await loadPatients(careloop, tenantId, cat, specs, ctx.at);
          const ids = patients.map((p) => p.id);
          for (const rule of rules) {
            parseRule(rule);
            const active = patients.filter((p) => p.status === 'active');
            const expected = new Set(active.filter((p) => evaluateRule(rule, p, ctx)).map((p) => p.id));
            expect(await sqlMembers(compileRule(rule, ctx), ids)).toEqual(expected);
            for (const purpose of ['marketing.general', 'care.followup'] as const) {
              let compiled: ReturnType<typeof compileSegment>;
              try {
                compiled = compileSegment({ rule, purpose, channel: 'email' }, ctx);
              } catch {
                continue; // a purpose that may not read the rule's classes: refused, nothing to compare
              }
              const audience = new Set(
                patients.filter((p) => inAudience(compiled.plan, p, ctx)).map((p) => p.id),
              );
              expect(await sqlMembers(compiled.where, ids)).toEqual(audience);
            }
          }
        },
      ),
      { numRuns: Number(process.env.SEGMENT_PROPERTY_RUNS ?? 40) },
    );
  }, 300_000);
});
