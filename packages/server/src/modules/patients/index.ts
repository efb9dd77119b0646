export { type PatientCard, permittedColumns, readCard } from './card.ts';
export {
  canonicalLookup,
  foldName,
  type LookupRow,
  lookupMatches,
  lookupRows,
  lookupValues,
  reindexPatient,
} from './lookup.ts';
export { maskDigits, maskEmail, maskPhone, REVEALABLE, type Revealable } from './mask.ts';
export { type Rectification, rectifyPatient, registerPatient } from './registry.ts';
export {
  birthParts,
  contactAad,
  derivedColumns,
  identityAad,
  PATIENT_COPY_COLUMNS,
  PATIENT_COPY_TYPES,
  type PatientTexts,
  patientTexts,
  type SealedPatient,
  sealPatient,
  unsealPatient,
} from './seal.ts';
export { type PatientQuery, type PatientSummary, searchPatients } from './search.ts';
export { PatientService } from './service.ts';
export type { NewPatient, PatientContact, PatientIdentity, PatientProfile } from './types.ts';
