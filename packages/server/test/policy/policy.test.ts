import { ACTIONS, DATA_CLASSES, PURPOSES, ROLES } from '@careloop/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/index.ts';
import {
  classesFor,
  decide,
  failClosed,
  INDIVIDUAL_ACTIONS,
  PURPOSE_CLASSES,
  ROLE_GRANTS,
  ROLE_INDIVIDUAL_CLASSES,
} from '../../src/modules/policy/index.ts';

const request = fc.record({
  role: fc.constantFrom(...ROLES),
  purpose: fc.constantFrom(...PURPOSES),
  action: fc.constantFrom(...ACTIONS),
  dataClass: fc.constantFrom(...DATA_CLASSES),
  hasReason: fc.boolean(),
});

describe('policy engine', () => {
  it('R29: allows exactly what the purpose, the role grant and the role ceiling together allow', () => {
    fc.assert(
      fc.property(request, (r) => {
        const d = decide(r);
        const expected =
          PURPOSE_CLASSES[r.purpose].includes(r.dataClass) &&
          (ROLE_GRANTS[r.role][r.purpose]?.includes(r.action) ?? false) &&
          (!INDIVIDUAL_ACTIONS.has(r.action) || ROLE_INDIVIDUAL_CLASSES[r.role].includes(r.dataClass)) &&
          !(
            INDIVIDUAL_ACTIONS.has(r.action) &&
            r.purpose === 'marketing.health' &&
            (r.dataClass === 'visit_clinical' || r.dataClass === 'clinical') &&
            !r.hasReason
          );
        expect(d.allowed).toBe(expected);
        if (!d.allowed) expect(d.reason.length).toBeGreaterThan(10);
      }),
      { numRuns: 5_000 },
    );
  });

  it('R29: denies by default — unknown roles, purposes and anything not granted', () => {
    expect(
      decide({
        role: 'janitor' as never,
        purpose: 'marketing.general',
        action: 'read',
        dataClass: 'identity',
      }).allowed,
    ).toBe(false);
    expect(
      decide({ role: 'owner', purpose: 'spam' as never, action: 'read', dataClass: 'identity' }).allowed,
    ).toBe(false);
    // An analyst never sees an individual, whatever the purpose.
    for (const purpose of PURPOSES) {
      for (const dataClass of DATA_CLASSES) {
        for (const action of ['read', 'list', 'export'] as const) {
          expect(decide({ role: 'analyst', purpose, action, dataClass }).allowed).toBe(false);
        }
      }
    }
  });

  it('R30: marketers see segments and counts, never what a patient came for', () => {
    for (const purpose of PURPOSES) {
      for (const dataClass of ['visit_clinical', 'clinical', 'financial', 'contact'] as const) {
        for (const action of ['read', 'list', 'export'] as const) {
          expect(decide({ role: 'marketer', purpose, action, dataClass, hasReason: true }).allowed).toBe(
            false,
          );
        }
      }
    }
    expect(
      decide({
        role: 'marketer',
        purpose: 'marketing.health',
        action: 'segment',
        dataClass: 'visit_clinical',
      }).allowed,
    ).toBe(true);
    expect(
      decide({ role: 'marketer', purpose: 'marketing.health', action: 'aggregate', dataClass: 'clinical' })
        .allowed,
    ).toBe(true);
  });

  it('R30: listing a health-based audience needs an elevated role and a stated reason', () => {
    const base = {
      role: 'owner' as const,
      purpose: 'marketing.health' as const,
      action: 'list' as const,
      dataClass: 'visit_clinical' as const,
    };
    expect(decide(base)).toMatchObject({ allowed: false, code: 'REASON_REQUIRED' });
    expect(decide({ ...base, hasReason: true })).toEqual({ allowed: true, elevated: true });
  });

  it('marketing.general never touches health-derived data, for anyone', () => {
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        for (const dataClass of ['visit_clinical', 'clinical'] as const) {
          expect(
            decide({ role, purpose: 'marketing.general', action, dataClass, hasReason: true }).allowed,
          ).toBe(false);
        }
      }
    }
  });

  it("classesFor holds Careloop's own jobs to the purpose and patients to their own rights", () => {
    expect(
      [
        ...classesFor({ tenantId: 't', actor: systemActor('job'), purpose: 'marketing.general' }, 'read'),
      ].sort(),
    ).toEqual([...PURPOSE_CLASSES['marketing.general']].sort());
    expect(
      classesFor(
        { tenantId: 't', actor: { kind: 'patient', patientId: 'p' }, purpose: 'marketing.general' },
        'read',
      ).size,
    ).toBe(0);
    expect(
      classesFor(
        {
          tenantId: 't',
          actor: { kind: 'staff', userId: 'u', role: 'analyst' },
          purpose: 'registry.operations',
        },
        'read',
      ).size,
    ).toBe(0);
  });

  it('R45: an exception inside an evaluation is a denial', () => {
    expect(
      failClosed(() => {
        throw new Error('boom');
      }, false),
    ).toBe(false);
    const broken = {
      tenantId: 't',
      actor: { kind: 'staff', userId: 'u', role: 'owner' },
      purpose: 'registry.operations',
    } as const;
    // A scope whose purpose getter throws still yields no classes instead of an exception or a pass.
    const hostile = Object.defineProperty({ ...broken }, 'purpose', {
      get: () => {
        throw new Error('bad');
      },
    });
    expect(classesFor(hostile as never, 'read').size).toBe(0);
  });
});
