export { canonicalLookup, foldName, lookupValues } from './lookup.ts';
export { birthParts, PATIENT_COPY_COLUMNS, type SealedPatient, sealPatient, unsealPatient } from './seal.ts';
export type { NewPatient, PatientContact, PatientIdentity, PatientProfile } from './types.ts';
