import type { ImportField } from '@careloop/contracts';
import {
  normaliseBirthDate,
  normaliseEmail,
  normaliseNamePart,
  normaliseOmsPolicy,
  normalisePhone,
  normalisePostcode,
  normaliseSex,
  normaliseSnils,
  parseFullName,
} from '../normalise/index.ts';
import type { LinkRecord } from './record.ts';

type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly guess?: T };

/** The value, or the normaliser's best guess when it doubts; nothing when the value is unusable. */
const best = <T>(r: Result<T>): T | undefined => (r.ok ? r.value : r.guess);

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/**
 * One mapped import row as a record to link (pure). Unlike the import, nothing is
 * rejected here: an invalid value is simply left out, so every row of a file takes part
 * and gets a cluster. Identifiers become their matching keys (SNILS digits, e-mail key).
 */
export function linkRecordFromFields(
  row: number,
  fields: Partial<Record<ImportField, string>>,
  today: Date,
): LinkRecord {
  let lastName: string | undefined;
  let firstName: string | undefined;
  let middleName: string | undefined;
  if (present(fields.last_name) || present(fields.first_name)) {
    lastName = present(fields.last_name) ? best(normaliseNamePart(fields.last_name, 'last_name')) : undefined;
    firstName = present(fields.first_name)
      ? best(normaliseNamePart(fields.first_name, 'first_name'))
      : undefined;
    middleName = present(fields.middle_name)
      ? best(normaliseNamePart(fields.middle_name, 'middle_name'))
      : undefined;
  } else if (present(fields.full_name)) {
    const name = best(parseFullName(fields.full_name));
    lastName = name?.lastName;
    firstName = name?.firstName;
    middleName = name?.middleName;
  }
  const phoneRaw = present(fields.phone) ? fields.phone : fields.phone_alt;
  const address = [fields.address, fields.street_number].filter(present).join(', ');
  return {
    row,
    lastName,
    firstName,
    middleName,
    birthDate: present(fields.birth_date)
      ? best(normaliseBirthDate(fields.birth_date, { today }))
      : undefined,
    sex: present(fields.sex) ? best(normaliseSex(fields.sex)) : undefined,
    phone: present(phoneRaw) ? best(normalisePhone(phoneRaw))?.e164 : undefined,
    email: present(fields.email) ? best(normaliseEmail(fields.email))?.key : undefined,
    snils: present(fields.snils) ? best(normaliseSnils(fields.snils))?.digits : undefined,
    omsPolicy: present(fields.oms_policy) ? best(normaliseOmsPolicy(fields.oms_policy)) : undefined,
    // A card number is local to one system, so it says nothing across files.
    nationalId: present(fields.national_id) ? fields.national_id.trim() : undefined,
    address: address || undefined,
    city: present(fields.city) ? fields.city.trim() : undefined,
    region: present(fields.region) ? fields.region.trim() : undefined,
    postcode: present(fields.postcode) ? best(normalisePostcode(fields.postcode)) : undefined,
  };
}
