export {
  CONTACT_ATTRIBUTES,
  type ColumnClass,
  type ContactAttribute,
  classOfColumn,
  IDENTITY_ATTRIBUTES,
  type IdentityAttribute,
  PATIENT_TABLE_CLASSES,
  type PatientTable,
} from './classes.ts';
export {
  decide,
  HEALTH_CLASSES,
  INDIVIDUAL_ACTIONS,
  type PolicyDecision,
  type PolicyRequest,
  PURPOSE_CLASSES,
  permittedClasses,
  ROLE_GRANTS,
  ROLE_INDIVIDUAL_CLASSES,
} from './policy.ts';
export { classesFor, failClosed, requireClasses, requireRole } from './scope.ts';
