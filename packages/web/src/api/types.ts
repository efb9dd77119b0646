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
export type ReviewItemView = Static<typeof C.ReviewItemView>;
export type ReviewSideView = Static<typeof C.ReviewSideView>;
export type ReviewPageView = Static<typeof C.ReviewPageView>;
export type MergeCandidateRequest = Static<typeof C.MergeCandidateRequest>;
export type MergeOutcomeView = Static<typeof C.MergeOutcomeView>;
export type UnmergeOutcomeView = Static<typeof C.UnmergeOutcomeView>;
export type MergeView = Static<typeof C.MergeView>;
export type CallTaskView = Static<typeof C.CallTaskView>;
export type CallOutcomeRequest = Static<typeof C.CallOutcomeRequest>;
export type RevealedPhone = Static<typeof C.RevealedPhone>;
export type PlaybookView = Static<typeof C.PlaybookView>;
export type CampaignView = Static<typeof C.CampaignView>;
export type CampaignInput = Static<typeof C.CampaignInput>;
export type CampaignPatch = Static<typeof C.CampaignPatch>;
export type AudiencePreview = Static<typeof C.AudiencePreview>;
export type RunView = Static<typeof C.RunView>;
export type CampaignResults = Static<typeof C.CampaignResults>;
export type TemplateSummaryView = Static<typeof C.TemplateSummaryView>;
export type PreviewView = Static<typeof C.PreviewView>;
export type SegmentView = Static<typeof C.SegmentView>;
export type SegmentCountView = Static<typeof C.SegmentCountView>;
export type SegmentDefinition = Static<typeof C.SegmentDefinition>;
export type NewSegment = Static<typeof C.NewSegment>;
export type SegmentPatch = Static<typeof C.SegmentPatch>;
export type { SegmentCondition, SegmentPurpose, SegmentRule } from '@careloop/contracts';
export type MessageHistoryItemView = Static<typeof C.MessageHistoryItemView>;
export type SpecialtyOptionView = Static<typeof C.SpecialtyOptionView>;
export type InboundItemView = Static<typeof C.InboundItemView>;
export type InboundDetailView = Static<typeof C.InboundDetailView>;
export type InboundResolveRequest = Static<typeof C.InboundResolveRequest>;
export type InboundResolveResult = Static<typeof C.InboundResolveResult>;
