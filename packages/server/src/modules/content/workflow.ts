import type { LintReport } from './lint.ts';
import { type ApprovalState, contentFingerprint, type TemplateVersion } from './model.ts';

/**
 * The approval workflow as one pure function: draft → in_review → approved → retired, with
 * in_review → draft to send a version back. Approved content is frozen; a change is a new
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
  /** Required to approve: the linter's report on exactly this version and content. */
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

export const transition = (v: TemplateVersion, req: TransitionRequest): TransitionResult => {
  if (!TRANSITIONS[v.state].includes(req.to)) return refuse('TRANSITION_NOT_ALLOWED');
  switch (req.to) {
    case 'in_review':
      return { ok: true, version: { ...v, state: 'in_review', submittedAt: req.at } };
    case 'draft': {
      const { submittedAt: _s, ...rest } = v;
      return { ok: true, version: { ...rest, state: 'draft' } };
    }
    case 'approved': {
      if (!req.actor.canApprove) return refuse('APPROVER_NOT_PERMITTED');
      if (req.actor.id === v.authorId) return refuse('APPROVER_IS_AUTHOR');
      if (!req.lint) return refuse('LINT_MISSING');
      const l = req.lint;
      if (
        l.templateId !== v.templateId ||
        l.version !== v.version ||
        l.fingerprint !== contentFingerprint(v.content)
      ) {
        return refuse('LINT_STALE');
      }
      if (req.lint.findings.some((f) => f.severity === 'error')) return refuse('LINT_ERRORS');
      return { ok: true, version: { ...v, state: 'approved', approvedBy: req.actor.id, approvedAt: req.at } };
    }
    case 'retired':
      return { ok: true, version: { ...v, state: 'retired', retiredAt: req.at } };
  }
};

/** Only approved content is ever sent. */
export const isSendable = (v: TemplateVersion): boolean => v.state === 'approved';
