import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import { plantOpenPairs } from '../support/candidates.ts';
import { createTestTenant, staffScope, systemScope, testCareloop } from '../support/careloop.ts';
import { records } from './fixtures/records.ts';
import { type Seeded, seedIdentityTenant } from './fixtures/seed.ts';

let careloop: Careloop;

beforeAll(async () => {
  careloop = await testCareloop();
}, 60_000);
afterAll(async () => careloop?.close());

const owner = (t: string) => staffScope(t, 'owner', 'registry.operations');
const desk = (t: string) => staffScope(t, 'front_desk', 'registry.operations');
const { addVisits, visitsOf, patientRow, lookupCount, consentOf } = records(() => careloop);

const auditActions = (s: Seeded) =>
  careloop.db.tenant(s.tenantId, (tx) =>
    tx.selectFrom('audit_log').select(['action', 'purpose', 'outcome', 'actor']).orderBy('seq').execute(),
  );

const samePair = (i: { a: { id: string }; b: { id: string } }, x: string, y: string): boolean =>
  (i.a.id === x && i.b.id === y) || (i.a.id === y && i.b.id === x);

async function queued(s: Seeded, x: string, y: string) {
  const page = await careloop.identity.reviewQueue(desk(s.tenantId), { limit: 100 });
  return page.items.find((i) => samePair(i, x, y));
}

describe('identity resolution in the database', () => {
  it('merges above the upper threshold automatically, and never merges twins', async () => {
    const s = await seedIdentityTenant(careloop);
    const report = await careloop.identity.resolve(owner(s.tenantId));
    expect(report).toMatchObject({ mode: 'full', patients: 154 });
    expect(report.merged).toBeGreaterThanOrEqual(1);
    expect(await patientRow(s, s.annaDup)).toMatchObject({ status: 'merged', merged_into: s.anna });
    expect(await patientRow(s, s.anna)).toMatchObject({ status: 'active', merged_into: null });
    for (const twin of [s.twinA, s.twinB]) expect((await patientRow(s, twin)).status).toBe('active');
    const merges = await careloop.identity.merges(desk(s.tenantId));
    expect(merges.some((m) => [m.survivorId, m.mergedId].includes(s.twinA))).toBe(false);
    expect(merges.find((m) => m.mergedId === s.annaDup)).toMatchObject({
      survivorId: s.anna,
      method: 'auto',
    });
    // The merged record is out of searches: its blind-index entries are gone.
    expect(await lookupCount(s, s.annaDup)).toBe(0);
    const found = await careloop.patients.search(desk(s.tenantId), { phone: '+7 916 000-00-01' });
    expect(found.map((p) => p.id)).toEqual([s.anna]);
  }, 120_000);

  it('R31: the queue shows both records side by side, masked, with per-field evidence; no values stored', async () => {
    const s = await seedIdentityTenant(careloop);
    await careloop.identity.resolve(owner(s.tenantId), { autoMerge: false });
    const item = await queued(s, s.anna, s.annaDup);
    expect(item).toBeDefined();
    expect(item!.probability).toBeGreaterThan(0.9);
    expect(item!.evidence.find((e) => e.field === 'phone')).toMatchObject({ level: 'exact' });
    expect(item!.a.phone).toMatch(/\*\*\*/);
    expect([item!.a.lastName, item!.b.lastName].sort()).toEqual(['СЕМЕНОВА', 'Семёнова']);
    const revealed = await careloop.identity.reviewQueue(desk(s.tenantId), { reveal: ['phone'] });
    expect(revealed.items.find((i) => i.id === item!.id)!.a.phone).toBe('+79160000001');
    const stored = await careloop.db.tenant(s.tenantId, (tx) =>
      tx.selectFrom('identity_candidates').selectAll().where('id', '=', item!.id).executeTakeFirstOrThrow(),
    );
    const text = JSON.stringify(stored);
    for (const secret of ['Семёнова', 'СЕМЕНОВА', 'Анна', '9160000001', '1984'])
      expect(text).not.toContain(secret);
    const audit = await auditActions(s);
    expect(audit.filter((a) => a.action === 'identity.review.read').length).toBeGreaterThanOrEqual(1);
    expect(audit.find((a) => a.action === 'identity.review.reveal')).toMatchObject({
      purpose: 'registry.operations',
      outcome: 'allowed',
    });
  }, 120_000);

  it('merge then unmerge restores visits, identity, blind indexes and consent exactly (R1, R8)', async () => {
    const s = await seedIdentityTenant(careloop);
    const desk1 = desk(s.tenantId);
    const annaVisits = await addVisits(s, s.anna, 2);
    const dupVisits = await addVisits(s, s.annaDup, 3);
    // Two provenance rows of the duplicate (one source, two export rows) move with it and back.
    const sourceId = newId();
    const provenance = (p: string) =>
      careloop.db.tenant(s.tenantId, (tx) =>
        tx
          .selectFrom('patient_sources')
          .select(['row_no'])
          .where('patient_id', '=', p)
          .orderBy('row_no')
          .execute()
          .then((rows) => rows.map((r) => r.row_no)),
      );
    await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .insertInto('patient_sources')
        .values(
          [7, 9].map((row) => ({
            tenant_id: s.tenantId,
            source_id: sourceId,
            record_hmac: Buffer.from(`record-${row}`),
            patient_id: s.annaDup,
            batch_id: newId(),
            row_no: row,
            first_seen_at: careloop.clock.now(),
            last_seen_at: careloop.clock.now(),
          })),
        )
        .execute(),
    );
    const grant = (p: string, kind: string) =>
      careloop.consents.record(desk1, p, {
        kind,
        event: 'granted',
        captureMethod: 'paper',
        documentId: s.docs.get(kind)!,
      });
    await grant(s.anna, 'pd.marketing');
    await grant(s.anna, 'ads.receive.sms');
    await grant(s.annaDup, 'ads.receive.sms');
    await careloop.consents.record(desk1, s.annaDup, {
      kind: 'ads.receive.sms',
      event: 'withdrawn',
      captureMethod: 'phone_call',
    });
    await grant(s.annaDup, 'ads.receive.email');
    const before = {
      anna: await patientRow(s, s.anna),
      dup: await patientRow(s, s.annaDup),
      annaConsent: await consentOf(s, s.anna),
      dupConsent: await consentOf(s, s.annaDup),
      annaLookups: await lookupCount(s, s.anna),
      dupLookups: await lookupCount(s, s.annaDup),
    };
    expect(before.annaConsent).toEqual({ 'pd.marketing': 'granted', 'ads.receive.sms': 'granted' });

    await careloop.identity.resolve(owner(s.tenantId), { autoMerge: false });
    const item = (await queued(s, s.anna, s.annaDup))!;
    const merged = await careloop.identity.merge(desk1, item.id);
    expect(merged).toMatchObject({
      survivorId: s.anna,
      mergedId: s.annaDup,
      moved: { visits: 3, sources: 2 },
      consentWithdrawn: ['ads.receive.sms'],
    });
    expect(await provenance(s.anna)).toEqual([7, 9]);
    expect(await visitsOf(s, s.anna)).toEqual([...annaVisits, ...dupVisits].sort());
    expect(await visitsOf(s, s.annaDup)).toEqual([]);
    expect(await patientRow(s, s.annaDup)).toMatchObject({ status: 'merged', merged_into: s.anna });
    // Never wider: the withdrawal applies to the survivor, the other record's grant stays behind.
    expect(await consentOf(s, s.anna)).toEqual({ 'pd.marketing': 'granted', 'ads.receive.sms': 'withdrawn' });
    expect(await consentOf(s, s.annaDup)).toEqual({
      'ads.receive.sms': 'withdrawn',
      'ads.receive.email': 'superseded',
    });
    const ledger = await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .selectFrom('consent_events')
        .select(['event', 'capture_method', 'actor', 'kind'])
        .where('patient_id', '=', s.anna)
        .where('capture_method', '=', 'merge')
        .execute(),
    );
    expect(ledger).toEqual([
      {
        event: 'withdrawn',
        capture_method: 'merge',
        actor: `staff:${desk1.actor.userId}`,
        kind: 'ads.receive.sms',
      },
    ]);
    // The merged record's grant was not moved, and nothing can reach the merged record either.
    const superseded = await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .selectFrom('consent_events')
        .select(['event', 'kind'])
        .where('patient_id', '=', s.annaDup)
        .where('capture_method', '=', 'merge')
        .execute(),
    );
    expect(superseded).toEqual([{ event: 'superseded', kind: 'ads.receive.email' }]);
    // The survivor's golden record kept the e-mail and СНИЛС only the original had.
    const card = await careloop.patients.card(desk1, s.anna, ['snils', 'email']);
    expect(card.identity).toMatchObject({ lastName: 'Семёнова', snils: '112-233-445 95' });
    expect(card.contact).toMatchObject({ phone: expect.any(String), email: 'anna.s@mail.ru' });
    // The pair left the queue.
    expect(await queued(s, s.anna, s.annaDup)).toBeUndefined();

    const undone = await careloop.identity.unmerge(desk1, merged.mergeId);
    expect(undone.consentRestored).toEqual(['ads.receive.sms']);
    expect(await visitsOf(s, s.anna)).toEqual(annaVisits.sort());
    expect(await visitsOf(s, s.annaDup)).toEqual(dupVisits.sort());
    expect(await provenance(s.annaDup)).toEqual([7, 9]);
    expect(await provenance(s.anna)).toEqual([]);
    const after = await patientRow(s, s.anna);
    expect(after.identity_enc!.equals(before.anna.identity_enc!)).toBe(true);
    expect(after.contact_enc!.equals(before.anna.contact_enc!)).toBe(true);
    expect(await patientRow(s, s.annaDup)).toMatchObject({ status: 'active', merged_into: null });
    expect(await consentOf(s, s.anna)).toEqual(before.annaConsent);
    expect(await consentOf(s, s.annaDup)).toEqual(before.dupConsent);
    expect(await lookupCount(s, s.anna)).toBe(before.annaLookups);
    expect(await lookupCount(s, s.annaDup)).toBe(before.dupLookups);
    await expect(careloop.identity.unmerge(desk1, merged.mergeId)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      (await careloop.identity.merges(desk1)).find((m) => m.id === merged.mergeId)?.undoneAt,
    ).not.toBeNull();

    // Undone means "not the same person": later runs neither merge nor propose the pair.
    await careloop.identity.resolve(owner(s.tenantId));
    expect((await patientRow(s, s.annaDup)).status).toBe('active');
    expect(await queued(s, s.anna, s.annaDup)).toBeUndefined();

    const audit = await auditActions(s);
    for (const action of ['identity.resolve', 'identity.merge', 'identity.unmerge']) {
      expect(
        audit.find((a) => a.action === action),
        action,
      ).toMatchObject({
        purpose: 'registry.operations',
        outcome: 'done',
      });
    }
  }, 180_000);

  it('a rejected pair is never proposed or merged again', async () => {
    const s = await seedIdentityTenant(careloop);
    await careloop.identity.resolve(owner(s.tenantId), { autoMerge: false });
    const item = (await queued(s, s.anna, s.annaDup))!;
    await careloop.identity.reject(desk(s.tenantId), item.id);
    await expect(careloop.identity.merge(desk(s.tenantId), item.id)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const again = await careloop.identity.resolve(owner(s.tenantId));
    expect(again.skippedRejected).toBeGreaterThanOrEqual(1);
    expect((await patientRow(s, s.annaDup)).status).toBe('active');
    expect(await queued(s, s.anna, s.annaDup)).toBeUndefined();
    expect((await auditActions(s)).find((a) => a.action === 'identity.reject')).toMatchObject({
      outcome: 'done',
      purpose: 'registry.operations',
    });
  }, 180_000);

  it("another tenant's candidate and merge answer not found", async () => {
    const s = await seedIdentityTenant(careloop);
    const other = (await createTestTenant(careloop, ['owner'])).tenantId;
    await careloop.identity.resolve(owner(s.tenantId), { autoMerge: false });
    const item = (await queued(s, s.anna, s.annaDup))!;
    await expect(careloop.identity.merge(desk(other), item.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(careloop.identity.reject(desk(other), item.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const m = await careloop.identity.merge(desk(s.tenantId), item.id);
    await expect(careloop.identity.unmerge(desk(other), m.mergeId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await careloop.identity.reviewQueue(desk(other))).items).toEqual([]);
  }, 120_000);

  it('R45: roles the policy does not allow are denied, and the denial is audited', async () => {
    const s = await seedIdentityTenant(careloop);
    await careloop.identity.resolve(owner(s.tenantId), { autoMerge: false });
    const item = (await queued(s, s.anna, s.annaDup))!;
    const analyst = staffScope(s.tenantId, 'analyst', 'registry.operations');
    const doctor = staffScope(s.tenantId, 'doctor', 'registry.operations');
    const marketer = staffScope(s.tenantId, 'marketer', 'marketing.general');
    await expect(careloop.identity.reviewQueue(analyst)).rejects.toMatchObject({
      code: 'ROLE_NOT_PERMITTED',
    });
    await expect(careloop.identity.reviewQueue(marketer)).rejects.toMatchObject({
      code: expect.stringMatching(/NOT_PERMITTED/),
    });
    // A doctor may look a record up, but not rewrite two of them.
    await expect(careloop.identity.merge(doctor, item.id)).rejects.toMatchObject({
      code: 'ROLE_NOT_PERMITTED',
    });
    await expect(careloop.identity.reject(analyst, item.id)).rejects.toMatchObject({
      code: 'ROLE_NOT_PERMITTED',
    });
    await expect(careloop.identity.resolve(doctor)).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
    const denied = (await auditActions(s)).filter((a) => a.outcome === 'denied').map((a) => a.action);
    expect(denied).toEqual(
      expect.arrayContaining([
        'identity.review.read',
        'identity.merge',
        'identity.reject',
        'identity.resolve',
      ]),
    );
    expect((await patientRow(s, s.annaDup)).status).toBe('active');
  }, 120_000);

  it('R35: erasing the survivor erases the record merged into it too', async () => {
    const s = await seedIdentityTenant(careloop);
    await careloop.identity.resolve(owner(s.tenantId));
    expect((await patientRow(s, s.annaDup)).status).toBe('merged');
    const act = await careloop.rights.erase(staffScope(s.tenantId, 'auditor', 'subject.rights'), s.anna);
    expect(act.removed.mergedRecords).toBe(1);
    for (const id of [s.anna, s.annaDup]) {
      expect(await patientRow(s, id)).toMatchObject({
        status: 'erased',
        identity_enc: null,
        contact_enc: null,
      });
    }
    const m = (await careloop.identity.merges(desk(s.tenantId))).find((x) => x.mergedId === s.annaDup)!;
    await expect(careloop.identity.unmerge(desk(s.tenantId), m.id)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  }, 120_000);

  it('an import ends with an incremental run: the batch against the base, found through the blind indexes', async () => {
    const s = await seedIdentityTenant(careloop);
    const csv = Buffer.from(
      'Фамилия;Имя;Отчество;Дата рождения;Телефон\n' +
        'Семенова;Анна;Петровна;05.03.1984;8 916 000-00-01\n' +
        'Кузнецов;Дмитрий;Олегович;17.09.2001;+7 917 222-33-44\n' +
        'Новиков;Пётр;Ильич;01.01.1990;+7 999 111 22 33\n',
    );
    const report = await careloop.imports.run(desk(s.tenantId), {
      source: new Uint8Array(csv),
      fileName: 'mis.csv',
      resolveIdentities: true,
    });
    expect(report).toMatchObject({ created: 3, identity: { mode: 'incremental' } });
    expect(report.identity!.merged + report.identity!.queued).toBeGreaterThanOrEqual(2);
    const run = await careloop.db.tenant(s.tenantId, (tx) =>
      tx
        .selectFrom('identity_runs')
        .selectAll()
        .where('batch_id', '=', report.batchId)
        .executeTakeFirstOrThrow(),
    );
    expect(run).toMatchObject({ mode: 'incremental', status: 'completed' });
    // Only pairs with a patient of the batch were recorded: the base's own twins were not looked at again.
    const touched = await careloop.db.tenant(s.tenantId, async (tx) => {
      const batch = (
        await tx
          .selectFrom('patient_sources')
          .select('patient_id')
          .where('batch_id', '=', report.batchId)
          .execute()
      ).map((r) => r.patient_id);
      const pairs = await tx
        .selectFrom('identity_candidates')
        .select(['patient_a', 'patient_b'])
        .where('run_id', '=', run.id)
        .execute();
      const merges = await tx.selectFrom('patient_merges').select(['survivor_id', 'merged_id']).execute();
      return { batch, pairs, merges };
    });
    for (const p of touched.pairs)
      expect(touched.batch.includes(p.patient_a) || touched.batch.includes(p.patient_b)).toBe(true);
    for (const m of touched.merges)
      expect(touched.batch.includes(m.survivor_id) || touched.batch.includes(m.merged_id)).toBe(true);
    // The imported Anna is the same person as the two in the base; the imported Dmitry a twin's duplicate.
    const annaPairs = [
      ...touched.pairs.map((p) => [p.patient_a, p.patient_b]),
      ...touched.merges.map((m) => [m.survivor_id, m.merged_id]),
    ];
    expect(annaPairs.some((p) => p.includes(s.anna) || p.includes(s.annaDup))).toBe(true);
    expect((await patientRow(s, s.twinB)).status).toBe('active');
  }, 120_000);

  it('an incremental run compares only an import batch against the base', async () => {
    const s = await seedIdentityTenant(careloop);
    const report = await careloop.identity.resolve(systemScope(s.tenantId), { batchId: newId() });
    // An unknown batch has no patients: nothing is read, nothing merged.
    expect(report).toMatchObject({ mode: 'incremental', patients: 0, merged: 0, queued: 0 });
  }, 60_000);

  it('the review queue pages by keyset: ties in probability, no pair twice or skipped, stable under review', async () => {
    const s = await seedIdentityTenant(careloop);
    await careloop.identity.resolve(owner(s.tenantId), { autoMerge: false });
    // Ten more open pairs among the background, in ties of three at each probability.
    await plantOpenPairs(careloop, s.tenantId, {
      pairs: 10,
      probabilities: [0.61, 0.52, 0.43],
      exclude: [s.anna, s.annaDup, s.twinA, s.twinB],
    });
    const d = desk(s.tenantId);
    const all = await careloop.identity.reviewQueue(d, { limit: 100 });
    expect(all.items.length).toBeGreaterThan(10);
    expect(all.next).toBeNull();
    const order = all.items.map((i) => i.id);
    // The same order as before: strongest first, ties by id.
    const sorted = [...all.items].sort((x, y) =>
      x.probability !== y.probability ? y.probability - x.probability : x.id < y.id ? -1 : 1,
    );
    expect(order).toEqual(sorted.map((i) => i.id));
    const paged: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await careloop.identity.reviewQueue(d, { limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((i) => i.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(paged).toEqual(order);
    // A pair decided while someone pages does not shift the next page, as an offset would.
    const first = await careloop.identity.reviewQueue(d, { limit: 4 });
    await careloop.identity.reject(d, first.items[1]!.id);
    const second = await careloop.identity.reviewQueue(d, { limit: 4, cursor: first.next! });
    expect(second.items.map((i) => i.id)).toEqual(order.slice(4, 8));
    // The older offset still works; a cursor that is not one of ours is refused.
    const byOffset = await careloop.identity.reviewQueue(d, { limit: 3, offset: 3 });
    expect(byOffset.items.map((i) => i.id)).toEqual(
      order.filter((id) => id !== first.items[1]!.id).slice(3, 6),
    );
    await expect(careloop.identity.reviewQueue(d, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  }, 120_000);
});
