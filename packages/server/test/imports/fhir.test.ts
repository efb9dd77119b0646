import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FhirItem, type FhirPatient, openFhir, openImport } from '../../src/modules/imports/index.ts';

const fixtures = join(import.meta.dirname, 'fixtures');

async function collect(items: AsyncIterable<FhirItem>): Promise<FhirItem[]> {
  const out: FhirItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('FHIR bundle reader', () => {
  it('reads patients, practitioners, encounters, appointments and conditions linked by id', async () => {
    const reader = await openFhir(join(fixtures, 'clinic-bundle.json'));
    expect(reader.meta.format).toBe('fhir-bundle');
    const items = await collect(reader);
    expect(items.map((i) => i.kind)).toEqual([
      'patient',
      'encounter',
      'practitioner',
      'appointment',
      'condition',
      'problem',
      'problem',
      'problem',
    ]);
    const [patient, encounter, practitioner, appointment, condition] = items;

    expect(patient).toMatchObject({
      kind: 'patient',
      index: 1,
      id: 'p1',
      birthDate: '1985-03-14',
      gender: 'female',
    });
    expect((patient as FhirPatient).identifiers.map((i) => i.kind)).toEqual(['snils', 'oms', 'mrn']);
    expect((patient as FhirPatient).fields).toEqual({
      external_id: 'p1',
      card_no: 'К-1024',
      full_name: 'Иванова Мария Петровна',
      last_name: 'Иванова',
      first_name: 'Мария',
      middle_name: 'Петровна',
      birth_date: '1985-03-14',
      sex: 'female',
      phone: '+7 916 123-45-67',
      phone_alt: '+7 4822 12-34-56',
      email: 'maria@example.ru',
      address: 'ул. Ленина, д. 5, кв. 12',
      city: 'Тверь',
      region: 'Тверская область',
      postcode: '170000',
      snils: '112-233-445 95',
      oms_policy: '7700000000000017',
    });

    // The encounter has no id of its own: its urn:uuid fullUrl gives it one. Its practitioner
    // comes later in the bundle, so the type is unknown; the RelatedPerson is not a practitioner.
    expect(encounter).toMatchObject({
      kind: 'encounter',
      id: '0b8e5a52-7d0e-4c59-9a42-5f9f1e0d7c11',
      patient: { id: 'p1', type: 'Patient' },
      practitioners: [{ id: '5e2a7c1d-3b4f-4e8a-9c6d-1a2b3c4d5e6f' }],
      start: '2026-10-01T09:00:00+03:00',
      end: '2026-10-01T09:30:00+03:00',
      types: [{ text: 'Первичный приём', codings: [] }],
      serviceType: { codings: [{ code: 'B01.047.001', display: 'Приём терапевта' }] },
      reasons: [{ codings: [{ code: 'J06.9' }] }],
    });
    expect(practitioner).toMatchObject({
      kind: 'practitioner',
      id: '5e2a7c1d-3b4f-4e8a-9c6d-1a2b3c4d5e6f',
      fullName: 'Петров Сергей Иванович',
      qualifications: [{ text: 'Терапевт', codings: [] }],
    });
    // By now the practitioner is known, so the appointment tells patients from practitioners.
    expect(appointment).toMatchObject({
      kind: 'appointment',
      id: 'a1',
      status: 'booked',
      start: '2026-11-02T10:00:00+03:00',
      patients: [{ id: 'p1', type: 'Patient' }],
      practitioners: [{ id: '5e2a7c1d-3b4f-4e8a-9c6d-1a2b3c4d5e6f', type: 'Practitioner' }],
    });
    expect(appointment?.kind === 'appointment' && appointment.participants).toHaveLength(3);
    expect(condition).toMatchObject({
      kind: 'condition',
      id: 'c1',
      code: { codings: [{ code: 'I10' }] },
      patient: { id: 'p1', type: 'Patient' },
      encounter: { id: '0b8e5a52-7d0e-4c59-9a42-5f9f1e0d7c11', type: 'Encounter' },
      clinicalStatus: 'active',
      onset: '2020-05-01',
    });
    expect(items.slice(5)).toEqual([
      {
        kind: 'problem',
        index: 6,
        code: 'unsupported_resource_type',
        message: 'Observation resources are not imported.',
        resourceType: 'Observation',
        id: 'o1',
      },
      { kind: 'problem', index: 7, code: 'no_resource', message: 'The bundle entry holds no resource.' },
      {
        kind: 'problem',
        index: 8,
        code: 'invalid_resource',
        message: 'Not a FHIR resource (no resourceType).',
      },
    ]);
  });

  it('streams from an upload cut into small chunks with the same result', async () => {
    const bytes = readFileSync(join(fixtures, 'clinic-bundle.json'));
    const whole = await collect(await openFhir(join(fixtures, 'clinic-bundle.json')));
    const streamed = await collect(await openFhir(chunked(bytes, 7)));
    expect(streamed).toEqual(whole);
  });

  it('yields what it read, then reports a truncated bundle as corrupt', async () => {
    const text = readFileSync(join(fixtures, 'clinic-bundle.json'), 'utf8');
    const cut = text.indexOf('"resourceType": "Practitioner"');
    const reader = await openFhir(Buffer.from(text.slice(0, cut)));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of reader) seen.push(item.kind);
      })(),
    ).rejects.toMatchObject({ code: 'IMPORT_FILE_CORRUPT' });
    expect(seen).toEqual(['patient', 'encounter']);
  });

  it('refuses JSON that is a single resource or not FHIR, naming it', async () => {
    await expect(
      openFhir(Buffer.from('{\n  "resourceType": "Patient",\n  "id": "x"\n}')),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: expect.stringContaining('Patient'),
    });
    await expect(openFhir(Buffer.from('{"name": "not fhir"}'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      details: [{ issue: 'json_not_fhir' }],
    });
  });
});

describe('FHIR NDJSON reader', () => {
  it('reads one resource per line, expands bundle lines, and reports broken lines by line number', async () => {
    const opened = await openImport(join(fixtures, 'resources.ndjson'));
    expect(opened.kind).toBe('fhir');
    if (opened.kind !== 'fhir') return;
    expect(opened.reader.meta.format).toBe('fhir-ndjson');
    const items = await collect(opened.reader);
    expect(items.map((i) => [i.kind, i.index])).toEqual([
      ['patient', 1],
      ['practitioner', 2],
      ['encounter', 4],
      ['problem', 5],
      ['condition', 6],
      ['problem', 6],
    ]);
    expect(items[0]).toMatchObject({
      fields: { full_name: 'Кузнецов Олег', phone: '89031234567', sex: 'male' },
    });
    expect(items[1]).toMatchObject({ fullName: 'Соколова Анна Викторовна' });
    expect(items[2]).toMatchObject({
      patient: { id: 'n1', type: 'Patient' },
      practitioners: [{ id: 'd1', type: 'Practitioner' }],
    });
    expect(items[3]).toMatchObject({ code: 'invalid_json' });
    expect(items[5]).toMatchObject({ code: 'unsupported_resource_type', resourceType: 'Claim' });
  });
});
