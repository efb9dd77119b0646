import type { ImportField } from '@careloop/contracts';
import type {
  FhirAddress,
  FhirAppointment,
  FhirCoding,
  FhirConcept,
  FhirCondition,
  FhirEncounter,
  FhirIdentifier,
  FhirIdentifierKind,
  FhirItem,
  FhirName,
  FhirPatient,
  FhirPractitioner,
  FhirRef,
} from './fhir-types.ts';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
const strs = (v: unknown): string[] => arr(v).flatMap((x) => str(x) ?? []);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** `T` with the keys that may be undefined made optional instead, as exactOptionalPropertyTypes wants. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops the keys whose value is undefined. */
function defined<T extends object>(o: T): Defined<T> {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o as Defined<T>;
}

function coding(v: unknown): FhirCoding | undefined {
  const c = obj(v);
  if (c === undefined) return undefined;
  const out = defined({ system: str(c.system), code: str(c.code), display: str(c.display) });
  return Object.keys(out).length > 0 ? out : undefined;
}

function concept(v: unknown): FhirConcept | undefined {
  const c = obj(v);
  if (c === undefined) return undefined;
  const codings = arr(c.coding).flatMap((x) => coding(x) ?? []);
  const text = str(c.text);
  if (codings.length === 0 && text === undefined) return undefined;
  return text === undefined ? { codings } : { text, codings };
}

const concepts = (v: unknown): FhirConcept[] => arr(v).flatMap((x) => concept(x) ?? []);

/** The first code of a status-like CodeableConcept (clinicalStatus, verificationStatus). */
const statusCode = (v: unknown): string | undefined => concept(v)?.codings[0]?.code ?? concept(v)?.text;

/**
 * Resource types a reference may point at without its field saying which (participants,
 * actors), remembered by their `urn:` fullUrl so such references learn their type.
 */
const PARTICIPANT_TYPES = new Set([
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'RelatedPerson',
  'Location',
  'HealthcareService',
  'Device',
]);

/**
 * Resolves references within one bundle or file. `Type/id` and URL references carry their
 * type; only `urn:` fullUrls of participant types are remembered, as the type alone when
 * the urn's uuid is the id, so memory grows by about 100 bytes per patient or
 * practitioner in a bundle, not with encounters, observations or claims.
 */
export class RefResolver {
  readonly #byUrn = new Map<string, string | { readonly id: string; readonly type: string }>();

  remember(fullUrl: string | undefined, type: string, id: string | undefined): void {
    if (
      id === undefined ||
      fullUrl === undefined ||
      !fullUrl.startsWith('urn:') ||
      !PARTICIPANT_TYPES.has(type)
    ) {
      return;
    }
    this.#byUrn.set(fullUrl, fullUrl.endsWith(`:${id}`) ? type : { id, type });
  }

  /** `fallbackType`: what the field can only point at (Condition.encounter is an Encounter). */
  resolve(v: unknown, fallbackType?: string): FhirRef | undefined {
    const r = obj(v);
    const reference = str(r?.reference);
    const display = str(r?.display);
    if (reference === undefined || reference.startsWith('#')) return undefined;
    const known = this.#byUrn.get(reference);
    let id: string | undefined;
    let type: string | undefined;
    if (typeof known === 'object') ({ id, type } = known);
    else if (typeof known === 'string') {
      type = known;
      id = reference.slice(reference.lastIndexOf(':') + 1);
    } else if (reference.startsWith('urn:uuid:')) id = reference.slice('urn:uuid:'.length);
    else if (reference.startsWith('urn:oid:')) id = reference.slice('urn:oid:'.length);
    else {
      // Type/id, optionally behind a base URL and followed by /_history/n.
      const parts = reference.replace(/\/_history\/[^/]+$/, '').split('/');
      id = parts.at(-1);
      type = parts.at(-2);
      if (type !== undefined && !/^[A-Z][A-Za-z]+$/.test(type)) type = undefined;
    }
    if (id === undefined || id === '') return undefined;
    return defined({ id, type: type ?? fallbackType, display });
  }
}

const CODE_SUFFIX = (system: string, codes: readonly string[]): boolean =>
  codes.some((c) => system.endsWith(`1.2.643.2.69.1.1.1.6.${c}`));

/**
 * Tells SNILS and ОМС policies by their Russian system OIDs (1.2.643.100.3 for SNILS; the
 * N3.Health document-type dictionary 1.2.643.2.69.1.1.1.6: 223 SNILS, 226–228 policies,
 * 14 passport) or by name; the rest by their HL7 v2-0203 type code (MR, SS, NI, PPN, DL).
 */
export function identifierKind(
  system: string | undefined,
  typeCode: string | undefined,
  label: string,
): FhirIdentifierKind {
  const sys = (system ?? '').toLowerCase();
  const text = `${sys} ${label.toLowerCase()}`;
  if (sys.includes('1.2.643.100.3') || CODE_SUFFIX(sys, ['223']) || /snils|снилс/.test(text)) return 'snils';
  if (!/дмс|\bdms\b/.test(text)) {
    if (CODE_SUFFIX(sys, ['226', '227', '228']) || /\b(oms|enp)\b|омс|енп|полис/.test(text)) return 'oms';
  }
  if (CODE_SUFFIX(sys, ['14']) || typeCode === 'PPN' || /passport|паспорт/.test(text)) return 'passport';
  if (typeCode === 'MR') return 'mrn';
  if (typeCode === 'SS' || sys === 'http://hl7.org/fhir/sid/us-ssn') return 'ssn';
  if (typeCode === 'NI' || typeCode === 'NN' || typeCode?.startsWith('NN') === true) return 'national';
  if (typeCode === 'DL') return 'driver_license';
  return 'other';
}

function identifiers(v: unknown): FhirIdentifier[] {
  return arr(v).flatMap((x): FhirIdentifier[] => {
    const i = obj(x);
    const value = str(i?.value);
    if (i === undefined || value === undefined) return [];
    const system = str(i.system);
    const type = concept(i.type);
    const typeCode = type?.codings.find((c) => c.code !== undefined)?.code;
    const label = [type?.text, ...(type?.codings.map((c) => c.display) ?? [])].filter(Boolean).join(' ');
    return [defined({ kind: identifierKind(system, typeCode, label), value, system, typeCode })];
  });
}

function names(v: unknown): FhirName[] {
  return arr(v).flatMap((x): FhirName[] => {
    const n = obj(x);
    if (n === undefined) return [];
    return [
      defined({
        use: str(n.use),
        family: str(n.family),
        given: strs(n.given),
        prefix: strs(n.prefix),
        text: str(n.text),
      }),
    ];
  });
}

function addresses(v: unknown): FhirAddress[] {
  return arr(v).flatMap((x): FhirAddress[] => {
    const a = obj(x);
    if (a === undefined) return [];
    return [
      defined({
        use: str(a.use),
        lines: strs(a.line),
        city: str(a.city),
        district: str(a.district),
        state: str(a.state),
        postalCode: str(a.postalCode),
        country: str(a.country),
        text: str(a.text),
      }),
    ];
  });
}

interface Telecom {
  readonly phones: string[];
  readonly emails: string[];
}

/** Phones with mobile ones first; e-mails; in their order otherwise. */
function telecom(v: unknown): Telecom {
  const points = arr(v).flatMap((x) => {
    const t = obj(x);
    const value = str(t?.value);
    return t === undefined || value === undefined ? [] : [{ system: str(t.system), use: str(t.use), value }];
  });
  const phones = points.filter((p) => p.system === 'phone' || p.system === 'sms');
  phones.sort((a, b) => Number(b.use === 'mobile') - Number(a.use === 'mobile'));
  return {
    phones: [...new Set(phones.map((p) => p.value))],
    emails: [...new Set(points.filter((p) => p.system === 'email').map((p) => p.value))],
  };
}

const prefer = <T extends { use?: string }>(items: readonly T[], uses: readonly string[]): T | undefined =>
  uses.map((u) => items.find((i) => i.use === u)).find((i) => i !== undefined) ??
  items.find((i) => i.use !== 'old' && i.use !== 'maiden') ??
  items[0];

const nameText = (n: FhirName | undefined): string | undefined =>
  n === undefined ? undefined : (n.text ?? ([n.family, ...n.given].filter(Boolean).join(' ') || undefined));

function patientFields(p: Omit<FhirPatient, 'fields'>): Partial<Record<ImportField, string>> {
  const name = prefer(p.names, ['official', 'usual']);
  const address = prefer(p.addresses, ['home']);
  const idOf = (kind: FhirIdentifierKind): string | undefined =>
    p.identifiers.find((i) => i.kind === kind)?.value;
  const fields: Partial<Record<ImportField, string | undefined>> = {
    external_id: p.id,
    card_no: idOf('mrn'),
    full_name: nameText(name),
    last_name: name?.family,
    first_name: name?.given[0],
    middle_name: name !== undefined && name.given.length > 1 ? name.given.slice(1).join(' ') : undefined,
    birth_date: p.birthDate,
    sex: p.gender,
    phone: p.phones[0],
    phone_alt: p.phones[1],
    email: p.emails[0],
    address: address === undefined ? undefined : address.lines.join(', ') || address.text,
    city: address?.city,
    region: address?.state,
    postcode: address?.postalCode,
    snils: idOf('snils'),
    national_id: idOf('ssn') ?? idOf('national'),
    oms_policy: idOf('oms'),
  };
  return defined(fields) as Partial<Record<ImportField, string>>;
}

function patient(r: Json, index: number, id: string | undefined): FhirPatient {
  const { phones, emails } = telecom(r.telecom);
  const deceased = bool(r.deceasedBoolean) ?? str(r.deceasedDateTime);
  const base = defined({
    kind: 'patient' as const,
    index,
    id,
    names: names(r.name),
    identifiers: identifiers(r.identifier),
    birthDate: str(r.birthDate),
    gender: str(r.gender),
    phones,
    emails,
    addresses: addresses(r.address),
    deceased,
    active: bool(r.active),
  });
  return { ...base, fields: patientFields(base) };
}

function practitioner(r: Json, index: number, id: string | undefined): FhirPractitioner {
  const { phones, emails } = telecom(r.telecom);
  const ns = names(r.name);
  return defined({
    kind: 'practitioner' as const,
    index,
    id,
    names: ns,
    fullName: nameText(prefer(ns, ['official', 'usual'])),
    identifiers: identifiers(r.identifier),
    gender: str(r.gender),
    phones,
    emails,
    qualifications: arr(r.qualification).flatMap((q) => concept(obj(q)?.code) ?? []),
    active: bool(r.active),
  });
}

function encounter(r: Json, index: number, id: string | undefined, refs: RefResolver): FhirEncounter {
  const period = obj(r.period);
  const practitioners = arr(r.participant)
    .flatMap((p) => refs.resolve(obj(p)?.individual) ?? [])
    .filter(
      (ref) => ref.type === undefined || ref.type === 'Practitioner' || ref.type === 'PractitionerRole',
    );
  return defined({
    kind: 'encounter' as const,
    index,
    id,
    status: str(r.status),
    class: coding(r.class),
    types: concepts(r.type),
    serviceType: concept(r.serviceType),
    reasons: concepts(r.reasonCode),
    patient: refs.resolve(r.subject),
    practitioners,
    start: str(period?.start),
    end: str(period?.end),
    serviceProvider: refs.resolve(r.serviceProvider, 'Organization'),
  });
}

function appointment(r: Json, index: number, id: string | undefined, refs: RefResolver): FhirAppointment {
  const participants = arr(r.participant).flatMap((p) => {
    const actor = refs.resolve(obj(p)?.actor);
    return actor === undefined ? [] : [defined({ actor, status: str(obj(p)?.status) })];
  });
  const ofType = (t: string): FhirRef[] => participants.filter((p) => p.actor.type === t).map((p) => p.actor);
  return defined({
    kind: 'appointment' as const,
    index,
    id,
    status: str(r.status),
    start: str(r.start),
    end: str(r.end),
    serviceTypes: concepts(r.serviceType),
    specialties: concepts(r.specialty),
    reasons: concepts(r.reasonCode),
    description: str(r.description),
    participants,
    patients: ofType('Patient'),
    practitioners: [...ofType('Practitioner'), ...ofType('PractitionerRole')],
  });
}

function condition(r: Json, index: number, id: string | undefined, refs: RefResolver): FhirCondition {
  const onset = str(r.onsetDateTime) ?? str(obj(r.onsetPeriod)?.start) ?? str(r.onsetString);
  const abatement = str(r.abatementDateTime) ?? str(obj(r.abatementPeriod)?.start) ?? str(r.abatementString);
  return defined({
    kind: 'condition' as const,
    index,
    id,
    code: concept(r.code),
    patient: refs.resolve(r.subject),
    encounter: refs.resolve(r.encounter, 'Encounter'),
    clinicalStatus: statusCode(r.clinicalStatus),
    verificationStatus: statusCode(r.verificationStatus),
    categories: concepts(r.category),
    onset,
    abatement,
    recordedDate: str(r.recordedDate),
  });
}

/**
 * Reads one resource (with the bundle entry's fullUrl, if any) into a record, or into a
 * problem that says why it was not used.
 */
export function mapResource(resource: unknown, index: number, refs: RefResolver, fullUrl?: string): FhirItem {
  const r = obj(resource);
  const type = str(r?.resourceType);
  if (r === undefined || type === undefined) {
    return {
      kind: 'problem',
      index,
      code: 'invalid_resource',
      message: 'Not a FHIR resource (no resourceType).',
    };
  }
  const urnId = fullUrl?.startsWith('urn:uuid:') === true ? fullUrl.slice(9) : undefined;
  const id = str(r.id) ?? urnId;
  refs.remember(fullUrl, type, id);
  switch (type) {
    case 'Patient':
      return patient(r, index, id);
    case 'Practitioner':
      return practitioner(r, index, id);
    case 'Encounter':
      return encounter(r, index, id, refs);
    case 'Appointment':
      return appointment(r, index, id, refs);
    case 'Condition':
      return condition(r, index, id, refs);
    default:
      return defined({
        kind: 'problem' as const,
        index,
        code: 'unsupported_resource_type' as const,
        message: `${type} resources are not imported.`,
        resourceType: type,
        id,
      });
  }
}
