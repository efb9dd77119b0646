import type { LintReport } from './lint.ts';
import { type ApprovalState, contentFingerprint, type TemplateVersion } from './model.ts';

/**
 * The approval workflow as one pure function: draft → in_review → approved → retired, with
 * in_review → draft to send a version back. Submitting and approving both need a clean lint
 * report of exactly the content that moves. Approved content is frozen; a change is a new
 * version, made by storage, that starts again as a draft.
 */

export const TRANSITIONS: Readonly<Record<ApprovalState, readonly ApprovalState[]>> = {
  draft: ['in_review'],
  in_review: ['draft', 'approved'],
  approved: ['retired'],
  retired: [],
};

export interface WorkflowActor {
  readonly id: string;
  /** Holds the compliance approval permission (R13); the policy module decides who does. */
  readonly canApprove: boolean;
}

export interface TransitionRequest {
  readonly to: ApprovalState;
  readonly actor: WorkflowActor;
  readonly at: Date;
  /** Required to submit and to approve: the linter's report on exactly this version and content. */
  readonly lint?: LintReport;
}

export const TRANSITION_REFUSALS = [
  'TRANSITION_NOT_ALLOWED',
  'APPROVER_NOT_PERMITTED',
  'APPROVER_IS_AUTHOR',
  'LINT_MISSING',
  'LINT_STALE',
  'LINT_ERRORS',
] as const;
export type TransitionRefusal = (typeof TRANSITION_REFUSALS)[number];

export type TransitionResult =
  | { readonly ok: true; readonly version: TemplateVersion }
  | { readonly ok: false; readonly reason: TransitionRefusal };

const refuse = (reason: TransitionRefusal): TransitionResult => ({ ok: false, reason });

/** Why a report does not clear this version: none, another content's, or errors in it. */
const lintRefusal = (v: TemplateVersion, l: LintReport | undefined): TransitionRefusal | undefined => {
  if (!l) return 'LINT_MISSING';
  if (
    l.templateId !== v.templateId ||
    l.version !== v.version ||
    l.fingerprint !== contentFingerprint(v.content)
  )
    return 'LINT_STALE';
  if (l.findings.some((f) => f.severity === 'error')) return 'LINT_ERRORS';
  return undefined;
};

export const transition = (v: TemplateVersion, req: TransitionRequest): TransitionResult => {
  if (!TRANSITIONS[v.state].includes(req.to)) return refuse('TRANSITION_NOT_ALLOWED');
  switch (req.to) {
    case 'in_review': {
      // Nothing goes to a reviewer that the linter already refuses.
      const refusal = lintRefusal(v, req.lint);
      if (refusal) return refuse(refusal);
      return { ok: true, version: { ...v, state: 'in_review', submittedAt: req.at } };
    }
    case 'draft': {
      const { submittedAt: _s, ...rest } = v;
      return { ok: true, version: { ...rest, state: 'draft' } };
    }
    case 'approved': {
      if (!req.actor.canApprove) return refuse('APPROVER_NOT_PERMITTED');
      if (req.actor.id === v.authorId) return refuse('APPROVER_IS_AUTHOR');
      const refusal = lintRefusal(v, req.lint);
      if (refusal) return refuse(refusal);
      return { ok: true, version: { ...v, state: 'approved', approvedBy: req.actor.id, approvedAt: req.at } };
    }
    case 'retired':
      return { ok: true, version: { ...v, state: 'retired', retiredAt: req.at } };
  }
};

/** Only approved content is ever sent. */
export const isSendable = (v: TemplateVersion): boolean => v.state === 'approved';
