import { ERRORS, type ErrorCode, type ErrorDetail } from '@careloop/contracts';

/**
 * The one exception type of Careloop: a code from the catalogue, a message that
 * never carries personal data, and optional per-field details.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: readonly ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message?: string, details?: readonly ErrorDetail[], options?: ErrorOptions) {
    super(message ?? ERRORS[code].en, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryable = ERRORS[code].retryable;
    this.details = details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const notFound = (what = 'Not found.'): AppError => new AppError('NOT_FOUND', what);
