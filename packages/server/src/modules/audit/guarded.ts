import type { Database, Tx } from '../../db/index.ts';
import { AppError, type Clock, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from './audit.ts';

const DENIALS: ReadonlySet<string> = new Set([
  'ROLE_NOT_PERMITTED',
  'PURPOSE_NOT_PERMITTED',
  'REASON_REQUIRED',
  'CONSENT_MISSING',
]);

/**
 * Runs work in the scope's tenant transaction. A refusal rolls that transaction
 * back, audit entry and all, so the refusal is journaled in a transaction of its
 * own (R41: authorisation failures are audited too).
 */
export async function guarded<T>(
  db: Database,
  clock: Clock,
  scope: Scope,
  event: { action: string; subjectType?: string; subjectId?: string },
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await db.tenant(scope.tenantId, fn);
  } catch (e) {
    if (e instanceof AppError && DENIALS.has(e.code)) {
      await db.tenant(scope.tenantId, (tx) =>
        appendAudit(tx, clock, auditContextOf(scope), [
          { ...event, outcome: 'denied', details: { code: e.code } },
        ]),
      );
    }
    throw e;
  }
}
