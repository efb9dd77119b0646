import { ERRORS, type ErrorCode, type ErrorDetail } from '@careloop/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/index.ts';

const body = (code: ErrorCode, message: string, requestId: string, details?: readonly ErrorDetail[]) => ({
  error: {
    code,
    message,
    retryable: ERRORS[code].retryable,
    requestId,
    ...(details && details.length > 0 ? { details } : {}),
  },
});

/**
 * One error handler for every route: catalogue errors keep their code and status;
 * schema failures list the fields but never echo the values; anything unexpected
 * is logged with its stack and answered with a generic body (R45).
 */
export function handleError(
  err: FastifyError | AppError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  if (err instanceof AppError) {
    if (err.status >= 500) req.log.error({ err, code: err.code }, 'request failed');
    else req.log.info({ code: err.code }, 'request refused');
    // Messages of server-side failures may name infrastructure; clients get the catalogue text.
    const message = err.status >= 500 ? ERRORS[err.code].en : err.message;
    void reply.status(err.status).send(body(err.code, message, req.id, err.details));
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const details = fe.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      const field = [fe.validationContext, v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing]
        .filter(Boolean)
        .join('.');
      return { field, issue: v.message ?? v.keyword };
    });
    void reply.status(400).send(body('VALIDATION_FAILED', ERRORS.VALIDATION_FAILED.en, req.id, details));
    return;
  }
  if (fe.statusCode === 429) {
    void reply.status(429).send(body('RATE_LIMITED', ERRORS.RATE_LIMITED.en, req.id));
    return;
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    void reply.status(413).send(body('PAYLOAD_TOO_LARGE', ERRORS.PAYLOAD_TOO_LARGE.en, req.id));
    return;
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    void reply.status(415).send(body('UNSUPPORTED_FORMAT', ERRORS.UNSUPPORTED_FORMAT.en, req.id));
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply.status(400).send(body('BAD_REQUEST', ERRORS.BAD_REQUEST.en, req.id));
    return;
  }
  req.log.error({ err }, 'unexpected failure');
  void reply.status(500).send(body('INTERNAL', ERRORS.INTERNAL.en, req.id));
}

export function handleNotFound(req: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send(body('NOT_FOUND', ERRORS.NOT_FOUND.en, req.id));
}
