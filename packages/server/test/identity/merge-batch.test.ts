import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Careloop } from '../../src/main/careloop.ts';
import { type MergeRequest, mergePatientsBatch } from '../../src/modules/identity/merge.ts';
import { staffScope, testCareloop } from '../support/careloop.ts';
import { records } from './fixtures/records.ts';
import { type Seeded, seedIdentityTenant } from './fixtures/seed.ts';

let careloop: Careloop;

beforeAll(async () => {
  careloop = await testCareloop();
}, 60_000);
afterAll(async () => careloop?.close());

const owner = (t: string) => staffScope(t, 'owner', 'registry.operations');
const desk = (t: string) => staffScope(t, 'front_desk', 'registry.operations');
const { addPatients, addVisits, visitsOf, patientRow, lookupCount, consentOf } = records(() => careloop);

const person = (lastName: string, firstName: string, birthDate: string, phone: string, email?: string) => ({
  identity: { lastName, firstName, middleName: 'Петровна', birthDate },
  contact: { phone, ...(email ? { email } : {}) },
  profile: { sex: 'female' as const, city: 'Москва' },
});

const factsOf = (s: Seeded, id: string) =>
  careloop.db.tenant(s.tenantId, (tx) =>
    tx.selectFrom('patient_facts').select(['visit_count']).where('patient_id', '=', id).executeTakeFirst(),
  );

const batch = (s: Seeded, requests: readonly MergeRequest[], seen?: ReadonlyMap<string, number>) =>
  careloop.db.tenant(s.tenantId, async (tx) =>
    mergePatientsBatch(
      tx,
      await careloop.vault.forTenant(tx, s.tenantId),
      careloop.clock,
      owner(s.tenantId),
      requests,
      seen ? { seen } : {},
    ),
  );

const auto = (survivorId: string, mergedId: string): MergeRequest => ({
  survivorId,
  mergedId,
  method: 'auto',
  probability: 0.99,
});

/** The background patients of a seeded tenant, oldest first (none of the planted ones). */
const background = (s: Seeded, n: number) =>
  careloop.db.tenant(s.tenantId, async (tx) =>
    (
      await tx
        .selectFrom('patients')
        .select('id')
        .where('id', 'not in', [s.anna, s.annaDup, s.twinA, s.twinB])
        .orderBy('id')
        .limit(n)
        .execute()
    ).map((r) => r.id),
  );

describe('automatic merges in batches', () => {
  it('a chain A~B, B~C in one batch merges into one survivor; each merge is undone alone, exactly', async () => {
    const s = await seedIdentityTenant(careloop);
    const [annaThird] = await addPatients(s, [
      person('Семенова', 'Анна', '1984-03-05', '+79160000777', 'anna.third@mail.ru'),
    ]);
    const A = s.anna;
    const B = s.annaDup;
    const C = annaThird!;
    const [X, Y] = await background(s, 2);
    const visits = {
      A: await addVisits(s, A, 1),
      B: await addVisits(s, B, 2),
      C: await addVisits(s, C, 3),
      Y: await addVisits(s, Y!, 1),
    };
    const d = desk(s.tenantId);
    const grant = (p: string, kind: string) =>
      careloop.consents.record(d, p, {
        kind,
        event: 'granted',
        captureMethod: 'paper',
        documentId: s.docs.get(kind)!,
      });
    await grant(A, 'ads.receive.sms');
    await grant(B, 'ads.receive.sms');
    await careloop.consents.record(d, B, {
      kind: 'ads.receive.sms',
      event: 'withdrawn',
      captureMethod: 'phone_call',
    });
    await grant(C, 'ads.receive.email');
    const before = {
      A: await patientRow(s, A),
      X: await patientRow(s, X!),
      aLookups: await lookupCount(s, A),
      cLookups: await lookupCount(s, C),
      aConsent: await consentOf(s, A),
      cConsent: await consentOf(s, C),
    };

    // B is merged away by the first pair, so the second (B as survivor) resolves to A; the third is already joined.
    const out = await batch(s, [auto(A, B), auto(B, C), auto(C, A), auto(X!, Y!)]);
    expect(out.skipped).toEqual([
      expect.objectContaining({ survivorId: C, mergedId: A, reason: 'same_record' }),
    ]);
    expect(out.merged.map((m) => [m.survivorId, m.mergedId]).sort()).toEqual(
      [
        [A, B],
        [A, C],
        [X, Y],
      ].sort(),
    );
    const intoA = out.merged.filter((m) => m.survivorId === A);
    expect(intoA.map((m) => m.mergedId)).toEqual([B, C]);
    // Merges into one survivor are ordered: the second one's id is later (undo goes in reverse).
    expect(intoA[0]!.mergeId < intoA[1]!.mergeId).toBe(true);
    expect(intoA[0]!).toMatchObject({ moved: { visits: 2 }, consentWithdrawn: ['ads.receive.sms'] });
    expect(intoA[1]!).toMatchObject({ moved: { visits: 3 }, consentWithdrawn: [] });
    for (const m of [B, C]) {
      expect(await patientRow(s, m)).toMatchObject({ status: 'merged', merged_into: A });
      expect(await lookupCount(s, m)).toBe(0);
      expect(await factsOf(s, m)).toBeUndefined();
    }
    const xMerged = await patientRow(s, X!);
    expect(xMerged.identity_enc!.equals(before.X.identity_enc!)).toBe(false);
    expect(await patientRow(s, Y!)).toMatchObject({ status: 'merged', merged_into: X });
    expect(await visitsOf(s, A)).toEqual([...visits.A, ...visits.B, ...visits.C].sort());
    expect(await factsOf(s, A)).toEqual({ visit_count: 6 });
    // Golden record: the СНИЛС only the first record had stays; consent never widens.
    const card = await careloop.patients.card(d, A, ['snils']);
    expect(card.identity).toMatchObject({ snils: '112-233-445 95' });
    expect(await consentOf(s, A)).toEqual({ 'ads.receive.sms': 'withdrawn' });
    expect(await consentOf(s, C)).toEqual({ 'ads.receive.email': 'superseded' });
    // One audit entry per merge, ids and counts only.
    const audit = await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('action', '=', 'identity.merge')
        .execute(),
    );
    expect(audit).toHaveLength(3);
    expect(audit.map((a) => (a.details as { mergedId: string }).mergedId).sort()).toEqual([B, C, Y].sort());
    const text = JSON.stringify(audit);
    for (const secret of ['Семенова', 'Анна', '9160000777', 'anna.third']) expect(text).not.toContain(secret);

    // Undo goes in reverse per survivor: the earlier merge into A waits for the later one.
    await expect(careloop.identity.unmerge(d, intoA[0]!.mergeId)).rejects.toMatchObject({ code: 'CONFLICT' });
    const undoneC = await careloop.identity.unmerge(d, intoA[1]!.mergeId);
    expect(undoneC).toMatchObject({ survivorId: A, mergedId: C });
    expect(await visitsOf(s, C)).toEqual(visits.C);
    expect(await visitsOf(s, A)).toEqual([...visits.A, ...visits.B].sort());
    expect(await patientRow(s, C)).toMatchObject({ status: 'active', merged_into: null });
    expect(await lookupCount(s, C)).toBe(before.cLookups);
    expect(await consentOf(s, C)).toEqual(before.cConsent);
    // The other merges of the batch are intact.
    expect(await patientRow(s, B)).toMatchObject({ status: 'merged', merged_into: A });
    expect(await patientRow(s, Y!)).toMatchObject({ status: 'merged', merged_into: X });
    expect(await consentOf(s, A)).toEqual({ 'ads.receive.sms': 'withdrawn' });
    // A is back to its state between the two merges: the lineage kept it, byte for byte.
    const lineage = await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .selectFrom('patient_merges')
        .select(['previous_identity_enc', 'previous_contact_enc'])
        .where('id', '=', intoA[1]!.mergeId)
        .executeTakeFirstOrThrow(),
    );
    const between = await patientRow(s, A);
    expect(between.identity_enc!.equals(lineage.previous_identity_enc!)).toBe(true);
    expect(between.identity_enc!.equals(before.A.identity_enc!)).toBe(false);

    await careloop.identity.unmerge(d, intoA[0]!.mergeId);
    const after = await patientRow(s, A);
    expect(after.identity_enc!.equals(before.A.identity_enc!)).toBe(true);
    expect(after.contact_enc!.equals(before.A.contact_enc!)).toBe(true);
    expect(after.city).toBe(before.A.city);
    expect(await lookupCount(s, A)).toBe(before.aLookups);
    expect(await consentOf(s, A)).toEqual(before.aConsent);
    expect(await visitsOf(s, A)).toEqual(visits.A);
    expect(await visitsOf(s, B)).toEqual(visits.B);
    // X~Y, merged in the same batch, is untouched by both undos.
    expect(await patientRow(s, Y!)).toMatchObject({ status: 'merged', merged_into: X });
    expect((await patientRow(s, X!)).identity_enc!.equals(xMerged.identity_enc!)).toBe(true);
    expect(await visitsOf(s, X!)).toEqual(visits.Y);
  }, 120_000);

  it('pairs that became invalid before the batch ran are skipped and reported; the rest go through', async () => {
    const s = await seedIdentityTenant(careloop);
    const [P, Q, X, Y, U, V] = (await background(s, 6)) as [string, string, string, string, string, string];
    // What the run read…
    const seen = new Map<string, number>();
    for (const id of [s.anna, s.annaDup, P, Q, X, Y, U, V])
      seen.set(id, (await patientRow(s, id)).updated_at.getTime());
    // …then, meanwhile: Y is erased, Q is edited, V is merged into someone else by hand.
    await careloop.rights.erase(staffScope(s.tenantId, 'auditor', 'subject.rights'), Y);
    await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .updateTable('patients')
        .set({ city: 'Тверь', updated_at: new Date(seen.get(Q)! + 1000) })
        .where('id', '=', Q)
        .execute(),
    );
    const [W] = await background(s, 7).then((ids) => ids.slice(6));
    await batch(s, [auto(W!, V)]);

    const out = await batch(
      s,
      [auto(P, Q), auto(X, Y), auto(s.anna, s.annaDup), auto(U, V), auto(U, U)],
      seen,
    );
    expect(out.merged.map((m) => [m.survivorId, m.mergedId])).toEqual([[s.anna, s.annaDup]]);
    expect(out.skipped.map((k) => [k.survivorId, k.mergedId, k.reason])).toEqual([
      [U, U, 'same_record'],
      [P, Q, 'changed'],
      [X, Y, 'not_active'],
      [U, V, 'not_active'],
    ]);
    expect(await patientRow(s, s.annaDup)).toMatchObject({ status: 'merged', merged_into: s.anna });
    for (const id of [P, Q, X, U]) expect((await patientRow(s, id)).status).toBe('active');
    expect(await patientRow(s, V)).toMatchObject({ status: 'merged', merged_into: W });
    expect(await lookupCount(s, P)).toBeGreaterThan(0);
    const lineage = await careloop.db.tenant(s.tenantId, (tx) =>
      tx.selectFrom('patient_merges').select(['survivor_id', 'merged_id']).orderBy('id').execute(),
    );
    expect(lineage.map((l) => [l.survivor_id, l.merged_id])).toEqual([
      [W, V],
      [s.anna, s.annaDup],
    ]);
  }, 120_000);

  it('a resolution run merges a cluster of three into its oldest record, in one batch', async () => {
    const s = await seedIdentityTenant(careloop);
    const [third] = await addPatients(s, [person('Семёнова', 'Анна', '1984-03-05', '+79160000001')]);
    const report = await careloop.identity.resolve(owner(s.tenantId));
    expect(report.mergeSkipped).toBe(0);
    for (const m of [s.annaDup, third!])
      expect(await patientRow(s, m)).toMatchObject({ status: 'merged', merged_into: s.anna });
    const merges = (await careloop.identity.merges(desk(s.tenantId))).filter((m) => m.survivorId === s.anna);
    expect(merges.map((m) => m.mergedId).sort()).toEqual([s.annaDup, third!].sort());
    expect(report.merged).toBe((await careloop.identity.merges(desk(s.tenantId))).length);
    const run = await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .selectFrom('identity_runs')
        .select('counts')
        .where('id', '=', report.runId)
        .executeTakeFirstOrThrow(),
    );
    expect(run.counts).toMatchObject({ merged: report.merged, mergeSkipped: 0 });
  }, 120_000);

  it('a batch that fails as a whole is retried cluster by cluster, then pair by pair; the run still completes', async () => {
    const s = await seedIdentityTenant(careloop);
    const male = (lastName: string) => ({
      identity: { lastName, firstName: 'Иван', middleName: 'Сергеевич', birthDate: '1979-11-02' },
      contact: { phone: '+79160000888' },
      profile: { sex: 'male' as const, city: 'Москва' },
    });
    const [third, ivan, ivanDup] = (await addPatients(s, [
      person('Семёнова', 'Анна', '1984-03-05', '+79160000001'),
      male('Петров'),
      male('ПЕТРОВ'),
    ])) as [string, string, string];
    // A fault the batch cannot foresee: the database refuses the lineage row of one merge.
    const fn = `careloop_test_refuse_${third.replaceAll('-', '')}`;
    await careloop.db.system(async (tx) => {
      await sql`
        CREATE FUNCTION ${sql.id(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation'; END $$`.execute(tx);
      await sql`
        CREATE TRIGGER ${sql.id(fn)} BEFORE INSERT ON patient_merges FOR EACH ROW
        WHEN (NEW.merged_id = ${sql.lit(third)}::uuid) EXECUTE FUNCTION ${sql.id(fn)}()`.execute(tx);
    });
    try {
      const report = await careloop.identity.resolve(owner(s.tenantId));
      expect(report).toMatchObject({ merged: 2, mergeSkipped: 1 });
      expect(await patientRow(s, s.annaDup)).toMatchObject({ status: 'merged', merged_into: s.anna });
      expect(await patientRow(s, ivanDup)).toMatchObject({ status: 'merged', merged_into: ivan });
      expect(await patientRow(s, third)).toMatchObject({ status: 'active', merged_into: null });
      expect(await lookupCount(s, third)).toBeGreaterThan(0);
      const run = await careloop.db.tenant(s.tenantId, (tx) =>
        tx
          .selectFrom('identity_runs')
          .select(['status', 'counts'])
          .where('id', '=', report.runId)
          .executeTakeFirstOrThrow(),
      );
      expect(run).toMatchObject({ status: 'completed', counts: { merged: 2, mergeSkipped: 1 } });
    } finally {
      await careloop.db.system(async (tx) => {
        await sql`DROP TRIGGER ${sql.id(fn)} ON patient_merges`.execute(tx);
        await sql`DROP FUNCTION ${sql.id(fn)}()`.execute(tx);
      });
    }
  }, 120_000);

  it('the merges list pages by keyset: each page starts after the last merge of the one before', async () => {
    const s = await seedIdentityTenant(careloop);
    const male = (lastName: string) => ({
      identity: { lastName, firstName: 'Олег', middleName: 'Ильич', birthDate: '1971-06-12' },
      contact: { phone: '+79160000999' },
      profile: { sex: 'male' as const, city: 'Москва' },
    });
    await addPatients(s, [male('Орлов'), male('ОРЛОВ')]);
    await careloop.identity.resolve(owner(s.tenantId));
    const all = await careloop.identity.merges(desk(s.tenantId));
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let before: string | undefined;
    // Bounded: a list that ignored `before` would repeat its first merge, not loop forever.
    for (let i = 0; i <= all.length; i++) {
      const page = await careloop.identity.merges(desk(s.tenantId), {
        limit: 1,
        ...(before ? { before } : {}),
      });
      if (page.length === 0) break;
      seen.push(page[0]!.id);
      before = page[0]!.id;
    }
    expect(seen).toEqual(all.map((m) => m.id));
    expect(await careloop.identity.merges(desk(s.tenantId), { before: 'not-a-uuid' })).toEqual([]);
  }, 120_000);

  it('a fault that is no refusal by the data fails the run instead of passing as a skipped pair', async () => {
    const s = await seedIdentityTenant(careloop);
    const fn = `careloop_test_fault_${s.annaDup.replaceAll('-', '')}`;
    await careloop.db.system(async (tx) => {
      await sql`
        CREATE FUNCTION ${sql.id(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'a fault for the test'; END $$`.execute(tx);
      await sql`
        CREATE TRIGGER ${sql.id(fn)} BEFORE INSERT ON patient_merges FOR EACH ROW
        WHEN (NEW.merged_id = ${sql.lit(s.annaDup)}::uuid) EXECUTE FUNCTION ${sql.id(fn)}()`.execute(tx);
    });
    try {
      await expect(careloop.identity.resolve(owner(s.tenantId))).rejects.toThrow('a fault for the test');
      expect(await patientRow(s, s.annaDup)).toMatchObject({ status: 'active', merged_into: null });
    } finally {
      await careloop.db.system(async (tx) => {
        await sql`DROP TRIGGER ${sql.id(fn)} ON patient_merges`.execute(tx);
        await sql`DROP FUNCTION ${sql.id(fn)}()`.execute(tx);
      });
    }
  }, 120_000);
});
