import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/kernel/index.ts';
import type { Careloop } from '../../src/main/careloop.ts';
import type { ImportSource } from '../../src/modules/imports/index.ts';
import { createTestTenant, staffScope, testCareloop } from '../support/careloop.ts';

let careloop: Careloop;
let tenantId: string;
const desk = () => staffScope(tenantId, 'front_desk', 'registry.operations');

beforeAll(async () => {
  careloop = await testCareloop();
  tenantId = (await createTestTenant(careloop)).tenantId;
});
afterAll(async () => careloop?.close());

const CSV = [
  '№ карты;ФИО;Дата рождения;Пол;Моб. телефон;E-mail;СНИЛС',
  'A-1;Семёнова Анна Петровна;05.03.1984;Ж;8 (916) 123-45-67;anna@mail.ru;112-233-445 95',
  'A-2;ИВАНОВ ИВАН ИВАНОВИЧ;1979-11-30;;+7 903 555 11 22;;',
  'A-3;Петров Пётр;31.02.1990;М;;;', // impossible date and nothing else to reach him: rejected
  'A-4;Сидорова Мария Олеговна;12.12.1991;Ж;+7 915 000 00 00;maria@gmial.com;123-456-789 00', // doubtful e-mail, bad СНИЛС: partial
  'A-5;Козлов;01.01.1970;М;+79161112233;;', // no first name: rejected
  'A-6;Кузнецова Ольга;1988-04-04;Ж;+7 926 111 22 33;;;лишняя', // one cell too many: rejected
].join('\n');

const rows = async () =>
  careloop.db
    .tenant(tenantId, (tx) => sql<{ n: number }>`SELECT count(*)::int n FROM patients`.execute(tx))
    .then((r) => r.rows[0]!.n);

describe('import pipeline', () => {
  it('imports good rows, keeps partial ones without their bad values, quarantines the rest with reasons', async () => {
    const report = await careloop.imports.run(desk(), {
      source: Buffer.from(CSV),
      fileName: 'mis.csv',
      sourceName: 'mis',
    });
    expect(report).toMatchObject({
      rows: 6,
      created: 3,
      partial: 1,
      rejected: 3,
      quarantined: 4,
      delimiter: ';',
    });
    expect(report.columns.map((c) => c.field)).toEqual([
      'card_no',
      'full_name',
      'birth_date',
      'sex',
      'phone',
      'email',
      'snils',
    ]);
    const q = await careloop.imports.quarantine(desk(), { batchId: report.batchId });
    const byRow = new Map(q.map((x) => [x.rowNo, x]));
    expect(byRow.get(3)?.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'birth_date', reason: 'date_impossible' })]),
    );
    expect(byRow.get(3)?.raw.ФИО).toBe('Петров Пётр');
    expect(byRow.get(4)).toMatchObject({ verdict: 'partial', patientId: expect.any(String) });
    expect(
      byRow
        .get(4)
        ?.issues.map((i) => i.reason)
        .sort(),
    ).toEqual(['email_typo', 'snils_checksum']);
    expect(byRow.get(5)?.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'first_name', reason: 'missing' })]),
    );
    expect(byRow.get(6)?.issues).toEqual([expect.objectContaining({ reason: 'too_many_cells' })]);
    // Normalised: case fixed, phone in E.164, sex from the patronymic.
    const [ivanov] = await careloop.patients.search(desk(), { name: 'Иванов Иван' });
    const card = await careloop.patients.card(desk(), ivanov!.id, ['phone']);
    expect(card.identity).toMatchObject({
      lastName: 'Иванов',
      firstName: 'Иван',
      middleName: 'Иванович',
      birthDate: '1979-11-30',
    });
    expect(card.contact?.phone).toBe('+79035551122');
    expect(card.demographic?.sex).toBe('male');
    // The stored value keeps what was written (ё), while search folds it.
    const [anna] = await careloop.patients.search(desk(), { name: 'Семенова' });
    expect((await careloop.patients.card(desk(), anna!.id)).identity?.lastName).toBe('Семёнова');
  });

  it('re-importing the same file changes nothing; a changed row of a known card updates that patient', async () => {
    const before = await rows();
    const again = await careloop.imports.run(desk(), {
      source: Buffer.from(CSV),
      fileName: 'mis.csv',
      sourceName: 'mis',
    });
    expect(again).toMatchObject({ created: 0, unchanged: 3, updated: 0 });
    expect(await rows()).toBe(before);
    const changed = CSV.replace('+7 903 555 11 22', '+7 903 555 99 88').replace('external', 'x');
    const third = await careloop.imports.run(desk(), {
      source: Buffer.from(changed),
      fileName: 'mis.csv',
      sourceName: 'mis',
      mapping:
        '№ карты=external_id,ФИО=full_name,Дата рождения=birth_date,Пол=sex,Моб. телефон=phone,E-mail=email,СНИЛС=snils',
      saveMapping: true,
    });
    // With the card number as the MIS id, the first run's rows are new records of this source.
    expect(third.created + third.updated + third.unchanged).toBe(3);
    const fourth = await careloop.imports.run(desk(), {
      source: Buffer.from(changed.replace('555 99 88', '555 77 66')),
      fileName: 'mis.csv',
      sourceName: 'mis',
    });
    expect(fourth).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const found = await careloop.patients.search(desk(), { phone: '+79035557766' });
    expect(found).toHaveLength(1);
    expect(await careloop.patients.search(desk(), { phone: '+79035559988' })).toEqual([]);
  });

  it('reads a Windows-1251 file', async () => {
    const text = 'Фамилия,Имя,Отчество,Дата рождения,Телефон\nЁлкина,Дарья,Сергеевна,7.8.92,89161230001\n';
    const report = await careloop.imports.run(desk(), {
      source: iconv.encode(text, 'win1251'),
      fileName: 'old.csv',
      sourceName: 'old-mis',
    });
    expect(report).toMatchObject({ encoding: 'cp1251', created: 1, rejected: 0 });
    const [p] = await careloop.patients.search(desk(), { phone: '+79161230001' });
    expect(p).toMatchObject({ lastName: 'Ёлкина', firstName: 'Дарья', birthDate: '1992-08-07' });
  });

  it('staff fix a quarantined row and it is imported; dismissing needs a reason', async () => {
    const report = await careloop.imports.run(desk(), {
      source: Buffer.from(CSV),
      fileName: 'again.csv',
      sourceName: 'fix-test',
    });
    const q = await careloop.imports.quarantine(desk(), { batchId: report.batchId, status: 'open' });
    const petrov = q.find((x) => x.rowNo === 3)!;
    const stillBad = await careloop.imports.fix(desk(), petrov.id, {
      full_name: 'Петров Пётр',
      birth_date: '31.02.1990',
    });
    expect(stillBad).toMatchObject({ fixed: false });
    const fixed = await careloop.imports.fix(desk(), petrov.id, {
      full_name: 'Петров Пётр',
      birth_date: '28.02.1990',
      phone: '+79160009988',
    });
    expect(fixed).toMatchObject({ fixed: true, patientId: expect.any(String) });
    await expect(careloop.imports.fix(desk(), petrov.id, { full_name: 'x y' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const kozlov = q.find((x) => x.rowNo === 5)!;
    await expect(careloop.imports.dismiss(desk(), kozlov.id, ' ')).rejects.toMatchObject({
      code: 'REASON_REQUIRED',
    });
    await careloop.imports.dismiss(desk(), kozlov.id, 'Дубль карты, пациент уже есть');
    const open = await careloop.imports.quarantine(desk(), { batchId: report.batchId, status: 'open' });
    expect(open.map((x) => x.rowNo).sort()).toEqual([4, 6]);
    await expect(
      careloop.imports.quarantine(staffScope(tenantId, 'marketer', 'marketing.general'), {}),
    ).rejects.toMatchObject({ code: 'ROLE_NOT_PERMITTED' });
  });

  it('imports a FHIR bundle: patients through validation, encounters as visits, conditions encrypted', async () => {
    const bundle = readFileSync(new URL('./fixtures/clinic-bundle.json', import.meta.url));
    const report = await careloop.imports.run(desk(), {
      source: bundle,
      fileName: 'bundle.json',
      sourceName: 'fhir',
    });
    expect(report).toMatchObject({
      format: 'fhir-bundle',
      created: 1,
      visits: 1,
      conditions: 1,
      skippedResources: 2,
    });
    const again = await careloop.imports.run(desk(), {
      source: bundle,
      fileName: 'bundle.json',
      sourceName: 'fhir',
    });
    expect(again.created).toBe(0);
    const counts = await careloop.db.tenant(tenantId, (tx) =>
      sql<{
        v: number;
        c: number;
        clear: number;
      }>`SELECT (SELECT count(*) FROM visits)::int v, (SELECT count(*) FROM patient_conditions)::int c,
        (SELECT count(*) FROM patient_conditions WHERE encode(code_enc, 'escape') LIKE '%snomed%')::int clear`.execute(
        tx,
      ),
    );
    expect(counts.rows[0]).toMatchObject({ v: report.visits, c: report.conditions, clear: 0 });
  });
});

describe('imports from one source', () => {
  it('run one at a time (the second is told to retry), others go on, and a batch cut off by a stopped process ends as interrupted', async () => {
    const file = (...rows: string[]) =>
      Buffer.from(['№ карты;ФИО;Дата рождения;Моб. телефон', ...rows].join('\n'));
    const run = (source: ImportSource, sourceName: string) =>
      careloop.imports.run(desk(), { source, fileName: 'mis.csv', sourceName });
    await run(file('L-1;Орлова Вера Ильинична;01.02.1961;+7 916 700 00 01'), 'lock-a');
    // What a process that stopped mid-import leaves: a batch that says it is still running.
    const stale = await careloop.db.tenant(tenantId, async (tx) => {
      const source = await tx
        .selectFrom('import_sources')
        .select('id')
        .where('name', '=', 'lock-a')
        .executeTakeFirstOrThrow();
      const id = newId();
      await tx
        .insertInto('import_batches')
        .values({
          tenant_id: tenantId,
          id,
          source_id: source.id,
          file_name: 'cut-off.csv',
          format: 'csv',
          created_by: 'test',
          started_at: new Date(),
        })
        .execute();
      return id;
    });

    // An upload that arrives slowly: the import holds its source until it ends.
    let reading!: () => void;
    const started = new Promise<void>((resolve) => {
      reading = resolve;
    });
    let arrive!: () => void;
    const rest = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const slow = (async function* () {
      reading();
      yield file('L-2;Зайцев Олег Петрович;03.04.1972;+7 916 700 00 02');
      await rest;
      yield Buffer.from('\nL-3;Гусева Нина Львовна;05.06.1983;+7 916 700 00 03');
    })();
    const first = run(slow, 'lock-a');
    await started;
    await expect(
      run(file('L-4;Лебедев Ян Ильич;07.08.1994;+7 916 700 00 04'), 'lock-a'),
    ).rejects.toMatchObject({
      code: 'IMPORT_SOURCE_BUSY',
      status: 409,
      retryable: true,
    });
    expect(await run(file('L-5;Титова Ада Юрьевна;09.10.1985;+7 916 700 00 05'), 'lock-b')).toMatchObject({
      created: 1,
    });
    arrive();
    expect(await first).toMatchObject({ rows: 2, created: 2 });
    expect(await run(file('L-4;Лебедев Ян Ильич;07.08.1994;+7 916 700 00 04'), 'lock-a')).toMatchObject({
      created: 1,
    });
    const cutOff = await careloop.db.tenant(tenantId, (tx) =>
      tx
        .selectFrom('import_batches')
        .select(['status', 'error'])
        .where('id', '=', stale)
        .executeTakeFirstOrThrow(),
    );
    expect(cutOff).toEqual({ status: 'failed', error: 'interrupted' });
  });
});

describe('import over the API', () => {
  it('uploads a file as the request body, previews it first, and lists the quarantine', async () => {
    const { appWithLog, signIn } = await import('../http/support.ts');
    const { app, log } = await appWithLog(careloop);
    const t = await createTestTenant(careloop, ['front_desk', 'marketer']);
    const s = await signIn(app, t.users.front_desk.email, t.users.front_desk.password);
    const headers = {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      'content-type': 'text/csv',
      'x-file-name': encodeURIComponent('выгрузка.csv'),
    };
    const preview = await app.inject({ method: 'POST', url: '/api/imports/preview', headers, payload: CSV });
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      format: 'csv',
      delimiter: ';',
      rows: expect.arrayContaining([expect.objectContaining({ rowNo: 6, problems: ['too_many_cells'] })]),
    });
    const run = await app.inject({ method: 'POST', url: '/api/imports?source=mis', headers, payload: CSV });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ created: 3, quarantined: 4 });
    const q = await app.inject({
      method: 'GET',
      url: `/api/imports/quarantine?batchId=${(run.json() as { batchId: string }).batchId}`,
      headers: { cookie: s.cookie },
    });
    expect((q.json() as unknown[]).length).toBe(4);
    expect(q.headers['cache-control']).toBe('no-store');
    const m = await signIn(app, t.users.marketer.email, t.users.marketer.password);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/imports',
          headers: { ...headers, cookie: m.cookie, 'x-csrf-token': m.csrf },
          payload: CSV,
        })
      ).statusCode,
    ).toBe(403);
    expect(log.join('')).not.toContain('Семёнова');
    await app.close();
  });
});

describe('consents recorded in the MIS', () => {
  it('enter the ledger as mis_import grants of the published texts; minors and unreadable marks go to review', async () => {
    const { DEFAULT_TEMPLATES } = await import('../../src/modules/consent/index.ts');
    const t = await createTestTenant(careloop, ['owner', 'front_desk']);
    const owner = staffScope(t.tenantId, 'owner', 'registry.operations');
    for (const kind of ['pd.marketing', 'ads.receive.sms']) {
      const d = await careloop.consents.draft(owner, DEFAULT_TEMPLATES.find((x) => x.kind === kind)!);
      await careloop.consents.publish(owner, d.id);
    }
    const scope = staffScope(t.tenantId, 'front_desk', 'registry.operations');
    const csv = [
      'ФИО;Дата рождения;Телефон;Согласие на рассылку;Согласие на SMS;Согласие на e-mail',
      'Орлова Вера Ивановна;01.01.1980;+79160000001;да;12.03.2024;да',
      'Орлов Лев Сергеевич;01.01.2012;+79160000002;да;;',
      'Орлова Нина Петровна;02.02.1960;+79160000003;может быть;нет;',
    ].join('\n');
    const r = await careloop.imports.run(scope, { source: Buffer.from(csv), fileName: 'c.csv' });
    // Vera: marketing + SMS (the e-mail text is not published here); Lev is a minor; Nina's mark is unreadable.
    expect(r).toMatchObject({ created: 3, consents: 2, partial: 2 });
    const [vera] = await careloop.patients.search(scope, { phone: '+79160000001' });
    const history = await careloop.consents.history(scope, vera!.id);
    expect(history.map((h) => `${h.kind}:${h.captureMethod}`).sort()).toEqual([
      'ads.receive.sms:mis_import',
      'pd.marketing:mis_import',
    ]);
    expect(
      history
        .find((h) => h.kind === 'ads.receive.sms')
        ?.occurredAt.toISOString()
        .slice(0, 10),
    ).toBe('2024-03-12');
    const q = await careloop.imports.quarantine(scope, { batchId: r.batchId });
    expect(q.flatMap((x) => x.issues.map((i) => i.reason)).sort()).toEqual([
      'consent_minor',
      'consent_value',
    ]);
    const again = await careloop.imports.run(scope, { source: Buffer.from(csv), fileName: 'c.csv' });
    expect(again).toMatchObject({ created: 0, consents: 0 });
  });
});

describe('bulk loads keep the registry whole', () => {
  let t: string;
  const scope = () => staffScope(t, 'front_desk', 'registry.operations');
  beforeAll(async () => {
    t = (await createTestTenant(careloop)).tenantId;
  });
  const facts = (ids: readonly string[]) =>
    careloop.db
      .tenant(t, (tx) =>
        sql<{ patient_id: string; sex: string | null; birth_year: number | null; city: string | null }>`
          SELECT patient_id, sex, birth_year, city FROM patient_facts WHERE patient_id = ANY (${[...ids]}::uuid[])`.execute(
          tx,
        ),
      )
      .then((r) => new Map(r.rows.map((x) => [x.patient_id, x])));
  const ids = () =>
    careloop.db
      .tenant(t, (tx) => sql<{ id: string }>`SELECT id FROM patients ORDER BY created_at, id`.execute(tx))
      .then((r) => r.rows.map((x) => x.id));

  it('the same row twice in one file is one patient; new patients without consents have segment facts', async () => {
    const csv = [
      'external_id;full_name;birth_date;sex;phone;city',
      'B-1;Орлова Вера Павловна;02.02.1962;Ж;+7 916 200 00 01;Тула',
      'B-1;Орлова Вера Павловна;02.02.1962;Ж;+7 916 200 00 01;Тула',
      ';Лебедев Олег;03.03.1973;М;+7 916 200 00 02;Калуга',
      ';Лебедев Олег;03.03.1973;М;+7 916 200 00 02;Калуга',
    ].join('\n');
    const report = await careloop.imports.run(scope(), { source: Buffer.from(csv), fileName: 'twice.csv' });
    expect(report).toMatchObject({ rows: 4, created: 2, unchanged: 2, updated: 0, quarantined: 0 });
    const created = await ids();
    expect(created).toHaveLength(2);
    const f = await facts(created);
    expect([...f.values()].map((x) => [x.sex, x.birth_year, x.city]).sort()).toEqual([
      ['female', 1962, 'Тула'],
      ['male', 1973, 'Калуга'],
    ]);
    // The facts carry the patient's own record key (R32's cell keys depend on it).
    const keys = await careloop.db.tenant(t, (tx) =>
      sql<{ same: boolean }>`
        SELECT f.record_key = p.record_key AS same FROM patient_facts f JOIN patients p ON p.id = f.patient_id`.execute(
        tx,
      ),
    );
    expect(keys.rows.map((r) => r.same)).toEqual([true, true]);
    const again = await careloop.imports.run(scope(), { source: Buffer.from(csv), fileName: 'twice.csv' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
  });

  it('an update by MIS id carries the clear columns and the facts along with the sealed data', async () => {
    const csv = [
      'external_id;full_name;birth_date;sex;phone;city',
      'B-1;Орлова Вера Павловна;02.02.1964;Ж;+7 916 200 00 01;Рязань',
    ].join('\n');
    const report = await careloop.imports.run(scope(), { source: Buffer.from(csv), fileName: 'fix.csv' });
    expect(report).toMatchObject({ updated: 1, created: 0 });
    const [vera] = await careloop.patients.search(scope(), { name: 'Орлова Вера' });
    const row = await careloop.db.tenant(t, (tx) =>
      sql<{
        birth_year: number;
        city: string;
      }>`SELECT birth_year, city FROM patients WHERE id = ${vera!.id}`.execute(tx),
    );
    expect(row.rows[0]).toMatchObject({ birth_year: 1964, city: 'Рязань' });
    expect((await facts([vera!.id])).get(vera!.id)).toMatchObject({ birth_year: 1964, city: 'Рязань' });
  });

  it('a chunk of 5,000 updates with four lookup values each stays within the protocol parameter limit', async () => {
    const n = 5_000;
    const file = (phoneBase: number) =>
      [
        'external_id;card_no;full_name;birth_date;sex;phone;email',
        ...Array.from(
          { length: n },
          (_, i) =>
            `C-${i};K${i};Громов${i % 7 === 0 ? 'а' : ''} Тест ${String.fromCharCode(1040 + (i % 32))};01.01.1980;;+7 917 ${String(phoneBase + i).padStart(7, '0')};c${i}@example.ru`,
        ),
      ].join('\n');
    const first = await careloop.imports.run(scope(), {
      source: Buffer.from(file(1_000_000)),
      fileName: 'big.csv',
    });
    expect(first.created).toBe(n);
    const second = await careloop.imports.run(scope(), {
      source: Buffer.from(file(2_000_000)),
      fileName: 'big.csv',
    });
    expect(second).toMatchObject({ created: 0, updated: n });
    expect(await careloop.patients.search(scope(), { phone: '+79172000042' })).toHaveLength(1);
    expect(await careloop.patients.search(scope(), { phone: '+79171000042' })).toEqual([]);
  }, 300_000);
});
