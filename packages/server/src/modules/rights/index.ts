export { canExtend, dueDay, TERMS } from './deadlines.ts';
export { type DestructionAct, erasePatient } from './erasure.ts';
export { buildSubjectPackage, type SubjectPackage } from './export.ts';
export { renderSubjectPackage } from './export-html.ts';
export type { SubjectRequest } from './requests.ts';
export { RightsService } from './service.ts';
