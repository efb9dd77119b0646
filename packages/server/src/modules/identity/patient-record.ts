import type { PatientContact, PatientIdentity } from '../patients/index.ts';
import type { LinkRecord } from './record.ts';

/**
 * A stored patient as a record to link. Stored values are already normalised by the
 * import (E.164 phones, ISO dates); identifiers become their matching keys. The card
 * number is left out: it is local to one source system.
 */
export const linkRecordOfPatient = (
  row: number,
  identity: PatientIdentity,
  contact: PatientContact,
  clear: { readonly sex: string | null; readonly city: string | null },
): LinkRecord => ({
  row,
  lastName: identity.lastName,
  firstName: identity.firstName,
  middleName: identity.middleName,
  birthDate: identity.birthDate,
  sex: clear.sex ?? undefined,
  phone: contact.phone,
  email: contact.email?.trim().toLowerCase(),
  snils: identity.snils?.replace(/\D/g, ''),
  omsPolicy: identity.omsPolicy?.replace(/\D/g, ''),
  nationalId: identity.nationalId,
  address: contact.address,
  city: clear.city ?? undefined,
  postcode: contact.postcode,
});
