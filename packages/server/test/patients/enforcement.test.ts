import { ACTIONS, DATA_CLASSES, PURPOSES, ROLES } from '@careloop/contracts';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Careloop } from '../../src/main/careloop.ts';
import { decide } from '../../src/modules/policy/index.ts';
import { createTestTenant, registerTestPatient, staffScope, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let tenantId: string;
let otherTenantId: string;
let patientId: string;
let foreignPatientId: string;

beforeAll(async () => {
  careloop = await testCareloop();
  tenantId = (await createTestTenant(careloop)).tenantId;
  otherTenantId = (await createTestTenant(careloop)).tenantId;
  patientId = await registerTestPatient(careloop, tenantId);
  foreignPatientId = await registerTestPatient(careloop, otherTenantId);
});
afterAll(async () => careloop?.close());

const SECTION = {
  identity: 'identity',
  contact: 'contact',
  demographic: 'demographic',
  preference: 'preference',
  visit_timing: 'visitTiming',
} as const;

describe('policy enforced where patient data is read', () => {
  it('R29/R31: a card holds exactly the classes the policy allows the role and purpose — no more, no fewer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROLES), fc.constantFrom(...PURPOSES), async (role, purpose) => {
        const allowed = DATA_CLASSES.filter(
          (c) => decide({ role, purpose, action: 'read', dataClass: c }).allowed,
        );
        const scope = staffScope(tenantId, role, purpose);
        if (allowed.length === 0) {
          const why = decide({ role, purpose, action: 'read', dataClass: 'identity' });
          const code = why.allowed ? 'PURPOSE_NOT_PERMITTED' : why.code;
          await expect(careloop.patients.card(scope, patientId)).rejects.toMatchObject({ code });
          return;
        }
        const card = await careloop.patients.card(scope, patientId);
        expect([...card.classes].sort()).toEqual([...allowed].sort());
        for (const [cls, section] of Object.entries(SECTION)) {
          expect(section in card, `${role}/${purpose}: ${section}`).toBe(allowed.includes(cls as never));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('R31: identifiers are masked unless revealed, and revealing is audited', async () => {
    const scope = staffScope(tenantId, 'front_desk', 'registry.operations');
    const masked = await careloop.patients.card(scope, patientId);
    expect(masked.contact?.phone).toMatch(/^\+7 916 \*\*\*-\*\*-\d\d$/);
    expect(masked.contact?.email).toMatch(/^a\*\*\*@mail\.ru$/);
    expect(masked.identity?.snils).toBe('***-***-*** 95');
    expect(masked.identity?.lastName).toBe('Семёнова');
    const open = await careloop.patients.card(scope, patientId, ['phone', 'snils']);
    expect(open.contact?.phone).toMatch(/^\+7916\d{7}$/);
    expect(open.identity?.snils).toBe('112-233-445 95');
    expect(open.revealed).toEqual(['phone', 'snils']);
  });

  it("R29: another tenant's patient is not found, whatever the role", async () => {
    for (const role of ['owner', 'front_desk', 'doctor'] as const) {
      await expect(
        careloop.patients.card(staffScope(tenantId, role, 'registry.operations'), foreignPatientId),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    }
  });

  it('R41: every read and every refusal is in the audit trail, without the values read', async () => {
    await careloop.patients.card(staffScope(tenantId, 'doctor', 'care.followup'), patientId, ['phone']);
    await expect(
      careloop.patients.card(staffScope(tenantId, 'analyst', 'analytics.aggregate'), patientId),
    ).rejects.toThrow();
    const entries = await careloop.audit.entries(staffScope(tenantId, 'auditor', 'subject.rights'), {
      subjectId: patientId,
    });
    const actions = entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toContain('patient.reveal:allowed');
    expect(actions).toContain('patient.read:denied');
    const text = JSON.stringify(entries);
    expect(text).not.toContain('Семёнова');
    expect(text).not.toMatch(/\+7916\d{7}/);
  });

  it('searches through blind indexes only with identity rights, confirming candidates', async () => {
    const id = await registerTestPatient(careloop, tenantId, {
      identity: { lastName: 'Ёлкина', firstName: 'Мария', middleName: 'Ивановна', birthDate: '1990-01-02' },
      contact: { phone: '+79035551122' },
    });
    const fd = staffScope(tenantId, 'front_desk', 'registry.operations');
    expect((await careloop.patients.search(fd, { phone: '8 (903) 555-11-22' })).map((p) => p.id)).toEqual([
      id,
    ]);
    expect((await careloop.patients.search(fd, { name: 'елкина мар' })).map((p) => p.id)).toEqual([id]);
    expect((await careloop.patients.search(fd, { name: 'Мария Ёлкина' })).map((p) => p.id)).toEqual([id]);
    expect(await careloop.patients.search(fd, { phone: '+79035551123' })).toEqual([]);
    await expect(
      careloop.patients.search(staffScope(tenantId, 'marketer', 'marketing.health'), { name: 'Ёлкина' }),
    ).rejects.toMatchObject({
      code: 'ROLE_NOT_PERMITTED',
    });
    expect(ACTIONS).toContain('list');
  });

  it('blind-index probes: the stored one is what lookup_probe gives, and tenants and kinds never share one', async () => {
    const kinds = ['phone', 'email', 'snils', 'oms', 'card', 'surname', 'name', 'external'];
    const stored = await careloop.db.tenant(
      tenantId,
      async (tx) =>
        (
          await sql<{ probe: string; expected: string }>`
          SELECT probe::text, lookup_probe(tenant_id, kind, digest)::text AS expected FROM patient_lookup`.execute(
            tx,
          )
        ).rows,
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const r of stored) expect(r.probe).toBe(r.expected);
    const probes = await careloop.db.tenant(tenantId, async (tx) =>
      (
        await sql<{ probe: string }>`
          SELECT lookup_probe(t, k, d)::text AS probe
            FROM unnest(${[tenantId, otherTenantId]}::uuid[]) t, unnest(${kinds}::text[]) k,
                 unnest(${[0, 1, 2 ** 31 - 1]}::int[]) d`.execute(tx)
      ).rows.map((r) => r.probe),
    );
    expect(new Set(probes).size).toBe(2 * kinds.length * 3);
  });
});
