/**
 * Response and request types of the API, derived from the shared TypeBox schemas in
 * packages/contracts: a schema change that breaks the dashboard fails the typecheck.
 * Type-only imports: no schema code reaches the browser bundle.
 */
import type * as C from '@careloop/contracts';
import type { Static } from 'typebox';

export type SessionView = Static<typeof C.SessionView>;
export type LoginRequest = Static<typeof C.LoginRequest>;
export type PatientSearch = Static<typeof C.PatientSearch>;
export type PatientSummary = Static<typeof C.PatientSummary>;
export type PatientCard = Static<typeof C.PatientCard>;
export type PatientConsents = Static<typeof C.PatientConsents>;
export type ConsentRequest = Static<typeof C.ConsentRequest>;
export type ConsentOutcome = Static<typeof C.ConsentOutcome>;
export type ConsentDocumentView = Static<typeof C.ConsentDocumentView>;
export type ConsentDocumentDraft = Static<typeof C.ConsentDocumentDraft>;
export type LinkView = Static<typeof C.LinkView>;
export type ImportReportView = Static<typeof C.ImportReportView>;
export type ImportPreviewView = Static<typeof C.ImportPreviewView>;
export type ImportBatchView = Static<typeof C.ImportBatchView>;
export type QuarantineItemView = Static<typeof C.QuarantineItemView>;
export type QuarantineFix = Static<typeof C.QuarantineFix>;
export type QuarantineFixResult = Static<typeof C.QuarantineFixResult>;
export type SubjectRequestView = Static<typeof C.SubjectRequestView>;
export type AuditEntryView = Static<typeof C.AuditEntryView>;
export type { Language, Role } from '@careloop/contracts/vocab';
export type OverviewView = Static<typeof C.OverviewView>;
export type TemplateSummaryView = Static<typeof C.TemplateSummaryView>;
export type PreviewView = Static<typeof C.PreviewView>;
