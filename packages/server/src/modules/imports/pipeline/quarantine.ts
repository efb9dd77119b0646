import type { ImportField } from '@careloop/contracts';
import type { Tx } from '../../../db/index.ts';
import { AppError, actorId, type Clock, isUuid, type Scope } from '../../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../../audit/index.ts';
import type { TenantKeys } from '../../crypto/index.ts';
import { registerPatient } from '../../patients/index.ts';
import { type ImportRules, personFromRow } from './person.ts';

export interface QuarantineItem {
  readonly id: string;
  readonly batchId: string;
  readonly rowNo: number;
  readonly verdict: 'rejected' | 'partial';
  readonly status: 'open' | 'fixed' | 'dismissed';
  readonly patientId: string | null;
  readonly issues: readonly { field: string; reason: string; severity: string }[];
  /** The row as it was read, column → cell. */
  readonly raw: Readonly<Record<string, string>>;
}

const aad = (tenantId: string, batchId: string, rowNo: number) => `${tenantId}/import/${batchId}/${rowNo}`;

export async function listQuarantine(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  filter: { batchId?: string; status?: 'open' | 'fixed' | 'dismissed'; limit?: number; after?: number },
): Promise<QuarantineItem[]> {
  let q = tx
    .selectFrom('import_quarantine')
    .selectAll()
    .orderBy('created_at')
    .orderBy('row_no')
    .limit(Math.min(filter.limit ?? 100, 500));
  if (filter.batchId) q = q.where('batch_id', '=', filter.batchId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.after) q = q.where('row_no', '>', filter.after);
  const rows = await q.execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'import.quarantine_read',
      outcome: 'allowed',
      details: { rows: rows.length, ...(filter.batchId ? { batchId: filter.batchId } : {}) },
    },
  ]);
  return rows.map((r) => ({
    id: r.id,
    batchId: r.batch_id,
    rowNo: r.row_no,
    verdict: r.verdict,
    status: r.status,
    patientId: r.patient_id,
    issues: r.issues,
    raw: JSON.parse(
      keys
        .openForTenant(r.key_version, r.raw_enc, aad(scope.tenantId, r.batch_id, r.row_no))
        .toString('utf8'),
    ) as Record<string, string>,
  }));
}

/**
 * Re-processes a quarantined row with the values staff corrected: it goes through the
 * same validation; if it now passes, the patient is registered and the row is fixed.
 * Otherwise the remaining issues come back and the row stays open.
 */
export async function fixQuarantined(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  scope: Scope,
  id: string,
  fields: Partial<Record<ImportField, string>>,
  rules: ImportRules,
): Promise<
  | { fixed: true; patientId: string }
  | { fixed: false; issues: { field: string; reason: string; severity: string }[] }
> {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', 'No such quarantined row.');
  const row = await tx
    .selectFrom('import_quarantine')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such quarantined row.');
  if (row.status !== 'open') throw new AppError('CONFLICT', 'The row is already resolved.');
  if (row.verdict === 'partial' && row.patient_id) {
    throw new AppError('CONFLICT', 'This row was imported; correct the patient card instead.');
  }
  const v = personFromRow(fields, rules);
  if (!v.person || v.verdict === 'rejected') {
    return {
      fixed: false,
      issues: v.issues.map((i) => ({ field: i.field, reason: i.reason, severity: i.severity })),
    };
  }
  const patientId = await registerPatient(tx, keys, clock, scope, v.person);
  await tx
    .updateTable('import_quarantine')
    .set({
      status: 'fixed',
      patient_id: patientId,
      resolved_at: clock.now(),
      resolved_by: actorId(scope.actor),
    })
    .where('id', '=', id)
    .execute();
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'import.quarantine_fixed',
      outcome: 'done',
      subjectType: 'patient',
      subjectId: patientId,
      details: { rowNo: row.row_no, batchId: row.batch_id },
    },
  ]);
  return { fixed: true, patientId };
}

export async function dismissQuarantined(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  id: string,
  reason: string,
): Promise<void> {
  if (!reason.trim()) throw new AppError('REASON_REQUIRED', 'Say why the row is set aside.');
  const r = await tx
    .updateTable('import_quarantine')
    .set({ status: 'dismissed', resolved_at: clock.now(), resolved_by: actorId(scope.actor) })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returning(['row_no', 'batch_id'])
    .executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', 'No such open quarantined row.');
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'import.quarantine_dismissed',
      outcome: 'done',
      subjectType: 'import_batch',
      subjectId: r.batch_id,
      details: { rowNo: r.row_no, reason: reason.slice(0, 200) },
    },
  ]);
}
