import { IMPORT_FIELDS, type ImportField } from '@careloop/contracts';

/**
 * Column headers as MIS exports, spreadsheets and FEBRL write them, per canonical field.
 * Matching is on the normalised form (see `normaliseHeader`), so case, spaces, dots,
 * dashes and underscores do not matter: "Д.р.", "д р" and "ДР" are one header.
 *
 * FEBRL's `rec_id` is deliberately absent: it is the ground truth of the benchmark and
 * must never reach matching code as an `external_id`.
 */
export const HEADER_SYNONYMS: Readonly<Record<ImportField, readonly string[]>> = {
  external_id: [
    'external_id',
    'id',
    'patient_id',
    'patientid',
    'код пациента',
    'ид пациента',
    'id пациента',
    'идентификатор',
    'идентификатор пациента',
    'код',
  ],
  card_no: [
    'card_no',
    'card number',
    'card',
    'chart number',
    'mrn',
    'medical record number',
    '№ карты',
    'номер карты',
    '№ амбулаторной карты',
    'номер амбулаторной карты',
    'амбулаторная карта',
    'медкарта',
    'мед карта',
    '№ медкарты',
    'номер медкарты',
    'медицинская карта',
    '№ медицинской карты',
    'номер медицинской карты',
    'карта',
  ],
  full_name: [
    'full_name',
    'fullname',
    'name',
    'patient name',
    'patient',
    'фио',
    'ф.и.о.',
    'фио пациента',
    'пациент',
    'клиент',
    'фио клиента',
  ],
  last_name: [
    'last_name',
    'lastname',
    'surname',
    'family_name',
    'family name',
    'фамилия',
    'фамилия пациента',
  ],
  first_name: ['first_name', 'firstname', 'given_name', 'given name', 'forename', 'имя', 'имя пациента'],
  middle_name: ['middle_name', 'middlename', 'patronymic', 'middle name', 'отчество', 'отчество пациента'],
  birth_date: [
    'birth_date',
    'birthdate',
    'date_of_birth',
    'date of birth',
    'dob',
    'birthday',
    'дата рождения',
    'д.р.',
    'д/р',
    'др',
    'дата рожд.',
    'д. рожд.',
    'год рождения',
  ],
  sex: ['sex', 'gender', 'пол'],
  phone: [
    'phone',
    'phone_number',
    'phone number',
    'mobile',
    'mobile phone',
    'mobile_phone',
    'cell',
    'cellphone',
    'tel',
    'telephone',
    'телефон',
    'тел',
    'тел.',
    'моб. телефон',
    'мобильный',
    'мобильный телефон',
    'моб',
    'моб.',
    'сотовый',
    'сотовый телефон',
    'контактный телефон',
    'номер телефона',
    'телефон мобильный',
  ],
  phone_alt: [
    'phone_alt',
    'phone2',
    'phone 2',
    'home phone',
    'work phone',
    'телефон 2',
    'домашний телефон',
    'рабочий телефон',
    'доп. телефон',
    'городской телефон',
    'дополнительный телефон',
  ],
  email: [
    'email',
    'e-mail',
    'e mail',
    'mail',
    'эл. почта',
    'электронная почта',
    'адрес электронной почты',
    'почта',
  ],
  address: [
    'address',
    'address_1',
    'address_2',
    'address1',
    'address2',
    'street',
    'street address',
    'адрес',
    'адрес проживания',
    'адрес регистрации',
    'фактический адрес',
    'улица',
  ],
  street_number: ['street_number', 'street number', 'house number', 'дом', 'номер дома'],
  city: ['city', 'town', 'suburb', 'locality', 'город', 'населенный пункт', 'нас. пункт', 'нас пункт'],
  region: ['region', 'state', 'province', 'регион', 'область', 'край', 'субъект', 'субъект рф'],
  postcode: [
    'postcode',
    'post code',
    'postal_code',
    'postal code',
    'zip',
    'zip code',
    'индекс',
    'почтовый индекс',
  ],
  snils: ['snils', 'снилс', 'номер снилс', '№ снилс', 'страховой номер'],
  national_id: [
    'national_id',
    'national id',
    'soc_sec_id',
    'ssn',
    'social security number',
    'passport',
    'паспорт',
    'номер паспорта',
    'серия и номер паспорта',
  ],
  oms_policy: [
    'oms_policy',
    'oms',
    'oms policy',
    'policy',
    'policy number',
    'полис',
    'полис омс',
    'омс',
    'номер полиса',
    'полис номер',
    '№ полиса',
    'номер полиса омс',
    '№ полиса омс',
    'енп',
    'единый номер полиса',
  ],
  consent_marketing: [
    'consent_marketing',
    'marketing consent',
    'согласие на рассылку',
    'согласие на рекламу',
    'согласие маркетинг',
  ],
  consent_sms: [
    'consent_sms',
    'sms consent',
    'согласие смс',
    'согласие на смс',
    'согласие на sms',
    'согласие sms',
    'смс рассылка',
  ],
  consent_email: [
    'consent_email',
    'email consent',
    'согласие email',
    'согласие на email',
    'согласие на e-mail',
    'email рассылка',
  ],
  consent_messenger: [
    'consent_messenger',
    'messenger consent',
    'согласие мессенджер',
    'согласие на мессенджер',
  ],
  consent_calls: ['consent_calls', 'calls consent', 'согласие на звонки', 'согласие звонки'],
};

/**
 * Lower case, ё as е, "№" as "номер", and nothing but letters and digits: the form headers
 * are compared in.
 */
export function normaliseHeader(header: string): string {
  return header
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replaceAll('№', 'номер')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const EXACT = new Map<string, ImportField>();
/** Long synonyms also match as a prefix: "Дата рождения (дд.мм.гггг)", "Телефон моб.". */
const PREFIXES: { readonly key: string; readonly field: ImportField }[] = [];
const MIN_PREFIX = 5;
/** Synonyms too generic to match as a prefix ("Карта лояльности", "Пациент ID"). */
const NO_PREFIX: ReadonlySet<string> = new Set(['карта', 'patient', 'пациент', 'клиент', 'policy', 'полис']);

for (const field of IMPORT_FIELDS) {
  for (const synonym of HEADER_SYNONYMS[field]) {
    const key = normaliseHeader(synonym);
    const taken = EXACT.get(key);
    if (taken !== undefined && taken !== field) {
      throw new Error(`Header synonym "${synonym}" is listed for both ${taken} and ${field}`);
    }
    EXACT.set(key, field);
    if (key.length >= MIN_PREFIX && !NO_PREFIX.has(key)) PREFIXES.push({ key, field });
  }
}
// Longest first, so "полисомс" wins over "полис" and "адресэлектроннойпочты" over "адрес".
PREFIXES.sort((a, b) => b.key.length - a.key.length);

/** The canonical field a header names, if it is one Careloop knows. */
export function recogniseHeader(header: string): ImportField | undefined {
  const key = normaliseHeader(header);
  if (key.length === 0) return undefined;
  const exact = EXACT.get(key);
  if (exact !== undefined) return exact;
  for (const p of PREFIXES) if (key.startsWith(p.key)) return p.field;
  return undefined;
}

const FIELD_SET: ReadonlySet<string> = new Set(IMPORT_FIELDS);
export const isImportField = (s: string): s is ImportField => FIELD_SET.has(s);
