import { describe, expect, it } from 'vitest';
import {
  isSendable,
  type LintReport,
  lintTemplate,
  type TemplateVersion,
  transition,
} from '../../src/modules/content/index.ts';
import { block, template, WARNING_RU } from './fixtures/templates.ts';

const at = new Date('2027-03-01T09:00:00Z');
const reviewer = { id: 'reviewer-1', canApprove: true };
const author = { id: 'author-1', canApprove: true };

const clean = template([block('body', 'Скидка 10 % на чистку зубов.'), block('legal_footer', WARNING_RU)], {
  state: 'draft',
});
const dirty = template([block('body', 'У вас кариес? Скидка 10 % на лечение.')], { state: 'draft' });

const lint = (t = clean): LintReport => lintTemplate(t, { jurisdictions: ['RU'] });

const inReview = (v: TemplateVersion): TemplateVersion => {
  const r = transition(v, { to: 'in_review', actor: author, at, lint: lint() });
  if (!r.ok) throw new Error(r.reason);
  return r.version;
};

describe('approval workflow', () => {
  it('the clean fixture has no lint errors and the dirty one has', () => {
    expect(lint().findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(lint(dirty).findings.some((f) => f.severity === 'error')).toBe(true);
  });

  it('draft → in_review → approved → retired', () => {
    const review = inReview(clean.version);
    expect(review.state).toBe('in_review');
    expect(review.submittedAt).toEqual(at);
    const approved = transition(review, { to: 'approved', actor: reviewer, at, lint: lint() });
    expect(approved.ok).toBe(true);
    if (!approved.ok) return;
    expect(approved.version).toMatchObject({ state: 'approved', approvedBy: 'reviewer-1', approvedAt: at });
    expect(isSendable(approved.version)).toBe(true);
    const retired = transition(approved.version, { to: 'retired', actor: reviewer, at });
    expect(retired.ok && retired.version.state).toBe('retired');
    expect(retired.ok && isSendable(retired.version)).toBe(false);
  });

  it('only the listed transitions', () => {
    expect(transition(clean.version, { to: 'approved', actor: reviewer, at, lint: lint() })).toEqual({
      ok: false,
      reason: 'TRANSITION_NOT_ALLOWED',
    });
    expect(transition(clean.version, { to: 'retired', actor: reviewer, at }).ok).toBe(false);
    const retired: TemplateVersion = { ...clean.version, state: 'retired' };
    for (const to of ['draft', 'in_review', 'approved', 'retired'] as const) {
      expect(transition(retired, { to, actor: reviewer, at, lint: lint() }).ok).toBe(false);
    }
    const approved: TemplateVersion = { ...clean.version, state: 'approved' };
    expect(transition(approved, { to: 'draft', actor: reviewer, at }).ok).toBe(false);
  });

  it('R14–R16: a draft goes to review only with a clean lint report of its very content', () => {
    expect(transition(dirty.version, { to: 'in_review', actor: author, at, lint: lint(dirty) })).toEqual({
      ok: false,
      reason: 'LINT_ERRORS',
    });
    expect(transition(clean.version, { to: 'in_review', actor: author, at })).toEqual({
      ok: false,
      reason: 'LINT_MISSING',
    });
    // A clean report of other content does not send this one.
    expect(transition(dirty.version, { to: 'in_review', actor: author, at, lint: lint() })).toEqual({
      ok: false,
      reason: 'LINT_STALE',
    });
    expect(transition(clean.version, { to: 'in_review', actor: author, at, lint: lint() }).ok).toBe(true);
  });

  it('a reviewer can send a version back to draft', () => {
    const back = transition(inReview(clean.version), { to: 'draft', actor: reviewer, at });
    expect(back.ok && back.version.state).toBe('draft');
    expect(back.ok && back.version.submittedAt).toBeUndefined();
  });

  it('the author cannot approve their own template', () => {
    const r = transition(inReview(clean.version), { to: 'approved', actor: author, at, lint: lint() });
    expect(r).toEqual({ ok: false, reason: 'APPROVER_IS_AUTHOR' });
  });

  it('R13: approval needs the compliance permission', () => {
    const r = transition(inReview(clean.version), {
      to: 'approved',
      actor: { id: 'marketer-2', canApprove: false },
      at,
      lint: lint(),
    });
    expect(r).toEqual({ ok: false, reason: 'APPROVER_NOT_PERMITTED' });
  });

  it('R15: a template with lint errors cannot be approved', () => {
    // Under review already (the rules may have changed since it was submitted): approval lints again.
    const review: TemplateVersion = { ...dirty.version, state: 'in_review', submittedAt: at };
    const r = transition(review, { to: 'approved', actor: reviewer, at, lint: lint(dirty) });
    expect(r).toEqual({ ok: false, reason: 'LINT_ERRORS' });
  });

  it('approval needs a lint report, for this very content', () => {
    const review = inReview(clean.version);
    expect(transition(review, { to: 'approved', actor: reviewer, at })).toEqual({
      ok: false,
      reason: 'LINT_MISSING',
    });
    // a clean report of other content does not approve this one
    const edited: TemplateVersion = { ...review, content: dirty.version.content };
    expect(transition(edited, { to: 'approved', actor: reviewer, at, lint: lint() })).toEqual({
      ok: false,
      reason: 'LINT_STALE',
    });
    const otherVersion: TemplateVersion = { ...review, version: 2 };
    expect(transition(otherVersion, { to: 'approved', actor: reviewer, at, lint: lint() }).ok).toBe(false);
  });

  it('only approved content is sendable', () => {
    for (const state of ['draft', 'in_review', 'retired'] as const) {
      expect(isSendable({ ...clean.version, state })).toBe(false);
    }
    expect(isSendable({ ...clean.version, state: 'approved' })).toBe(true);
  });
});
