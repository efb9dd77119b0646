export {
  type AuditContext,
  type AuditDetail,
  type AuditEvent,
  type AuditOutcome,
  appendAudit,
  auditContextOf,
  startAuditChain,
} from './audit.ts';
export { guarded } from './guarded.ts';
export { type AuditEntryView, type AuditFilter, listAudit } from './read.ts';
export { AuditService } from './service.ts';
export { type ChainFinding, verifyAuditChain } from './verify.ts';
