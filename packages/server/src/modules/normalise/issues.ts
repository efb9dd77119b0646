import { ISSUE_REASONS } from '@careloop/contracts/issues';

/** The reasons and their texts live in contracts, shared with the dashboard. */
export { ISSUE_REASONS };

export type IssueReason = keyof typeof ISSUE_REASONS;
export type Severity = 'reject' | 'doubt';

export interface FieldIssue {
  readonly field: string;
  readonly value: string;
  readonly reason: IssueReason;
  readonly severity: Severity;
  readonly message: { readonly ru: string; readonly en: string };
}

/** A normalised value, or the issue that stops it; a doubt may carry the best guess. */
export type Normalised<T> =
  | { readonly ok: true; readonly value: T }
  | (FieldIssue & { readonly ok: false; readonly guess?: T });

export const ok = <T>(value: T): Normalised<T> => ({ ok: true, value });

export const fail = <T>(
  field: string,
  value: string,
  reason: IssueReason,
  severity: Severity = 'reject',
  guess?: T,
): Normalised<T> => {
  const base = { ok: false as const, field, value, reason, severity, message: ISSUE_REASONS[reason] };
  return guess === undefined ? base : { ...base, guess };
};

/** Trims and treats null, undefined and blank strings alike. */
export const blank = (s: string | null | undefined): s is null | undefined | '' =>
  s === null || s === undefined || s.trim() === '';
