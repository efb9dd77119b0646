import type { Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { PURPOSE_CLASSES } from '../policy/index.ts';
import { CONTENT_APPROVER_ROLES, invalid } from './access.ts';
import { tenantInfo } from './library.ts';
import { type LintReport, lintTemplate } from './lint.ts';
import { contentFingerprint } from './model.ts';
import { findTemplate, findVersion, resolveStored, type StoredVersion, saveVersion } from './store.ts';
import { type TransitionRefusal, transition } from './workflow.ts';

const REFUSAL_ERRORS: Readonly<Record<TransitionRefusal, () => AppError>> = {
  TRANSITION_NOT_ALLOWED: () => new AppError('CONFLICT', 'This version cannot move to that state.'),
  APPROVER_NOT_PERMITTED: () => new AppError('ROLE_NOT_PERMITTED'),
  APPROVER_IS_AUTHOR: () => new AppError('CONTENT_APPROVER_IS_AUTHOR'),
  LINT_MISSING: () => new AppError('CONTENT_LINT_FAILED'),
  LINT_STALE: () => new AppError('CONTENT_LINT_FAILED'),
  LINT_ERRORS: () => new AppError('CONTENT_LINT_FAILED'),
};

/**
 * Moves a version through the approval workflow (draft → in review → approved → retired, or
 * back to draft with a note): the pure `transition` decides, approval lints the exact content
 * it freezes, and the author never approves their own version.
 */
export async function moveVersion(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  idOrKey: string,
  version: number,
  to: StoredVersion['state'],
  note?: string,
): Promise<StoredVersion> {
  const head = await findTemplate(tx, idOrKey);
  const v = head ? await findVersion(tx, head.id, version, true) : undefined;
  if (!head || !v) throw new AppError('NOT_FOUND', 'No such template version.');
  const now = clock.now();
  const actor = actorId(scope.actor);
  let lint: LintReport | undefined;
  if (to === 'approved' || to === 'in_review') {
    const resolved = await resolveStored(tx, v);
    if (!resolved.ok) throw invalid('The version names blocks that do not exist.');
    const tenant = await tenantInfo(tx, scope.tenantId);
    lint = lintTemplate(resolved.template, {
      jurisdictions: [tenant.jurisdiction],
      allowedClasses: new Set(PURPOSE_CLASSES[v.sendPurpose]),
    });
  }
  const canApprove =
    scope.actor.kind === 'system' ||
    (scope.actor.kind === 'staff' && CONTENT_APPROVER_ROLES.includes(scope.actor.role));
  const r = transition(v, { to, actor: { id: actor, canApprove }, at: now, ...(lint ? { lint } : {}) });
  if (!r.ok) {
    const e = REFUSAL_ERRORS[r.reason]();
    if (r.reason === 'LINT_ERRORS' && lint) {
      throw new AppError(
        e.code,
        e.message,
        lint.findings
          .filter((f) => f.severity === 'error')
          .map((f) => ({ field: f.field, issue: `${f.rule}: ${f.message_en}` })),
      );
    }
    throw e;
  }
  if (to === 'approved') {
    // The previous sending version stops when the new one starts: one approved per template.
    await tx
      .updateTable('content_template_versions')
      .set({ state: 'retired', retired_at: now, updated_at: now })
      .where('template_id', '=', head.id)
      .where('state', '=', 'approved')
      .execute();
  }
  const next: StoredVersion = {
    ...v,
    ...r.version,
    updatedAt: now,
    lint: lint ?? v.lint,
    reviewNote: to === 'draft' ? (note ?? null) : v.reviewNote,
  } as StoredVersion;
  await saveVersion(tx, next, contentFingerprint(next.content));
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: `content.template.${to === 'in_review' ? 'submitted' : to === 'draft' ? 'rejected' : to}`,
      outcome: 'done',
      subjectType: 'content_template',
      subjectId: head.id,
      details: { version, ...(lint ? { lint_findings: lint.findings.length } : {}) },
    },
  ]);
  return next;
}
