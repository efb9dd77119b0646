import type { ImportField } from '@careloop/contracts';
import {
  nameOfFields,
  normaliseBirthDate,
  normaliseEmail,
  normaliseOmsPolicy,
  normalisePhone,
  normalisePostcode,
  normaliseSex,
  normaliseSnils,
  type Take,
} from '../normalise/index.ts';
import type { LinkRecord } from './record.ts';

/** The value, or the normaliser's best guess when it doubts; nothing when the value is unusable. */
const best: Take = (r) => (r.ok ? r.value : r.guess);

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
  const { lastName, firstName, middleName } = nameOfFields(fields, { part: best, whole: best });
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
