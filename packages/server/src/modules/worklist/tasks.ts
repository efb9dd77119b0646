import type { Purpose } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, isUuid, newId } from '../../kernel/index.ts';
import { sealJson, type TenantKeys } from '../crypto/index.ts';

export interface CallTaskInput {
  readonly patientId: string;
  readonly purpose: Purpose;
  readonly script: string;
  readonly idempotencyKey: string;
  readonly messageId?: string | null;
  readonly campaignId?: string | null;
  readonly dueAt?: Date;
}

export const scriptAad = (tenantId: string, patientId: string, taskId: string) =>
  `${tenantId}/${patientId}/call_task/${taskId}`;

/** Creates tasks in one batch; an idempotency key seen before returns the existing task's id. */
export async function createCallTasks(
  tx: Tx,
  keys: TenantKeys,
  clock: Clock,
  tenantId: string,
  items: readonly CallTaskInput[],
): Promise<string[]> {
  if (items.length === 0) return [];
  const now = clock.now();
  const patients = await tx
    .selectFrom('patients')
    .select(['id', 'status', 'key_version', 'key_wrapped'])
    .where(
      'id',
      'in',
      [...new Set(items.map((i) => i.patientId))].filter((id) => isUuid(id)),
    )
    .execute();
  const byId = new Map(patients.map((p) => [p.id, p]));
  const rows = items.map((i) => {
    const p = byId.get(i.patientId);
    if (p?.status !== 'active' || p.key_version === null || p.key_wrapped === null)
      throw new AppError('NOT_FOUND', 'No such patient.');
    const id = newId();
    const key = keys.unwrapPatientKey(p.id, p.key_version, p.key_wrapped);
    return {
      tenant_id: tenantId,
      id,
      patient_id: p.id,
      message_id: i.messageId ?? null,
      campaign_id: i.campaignId ?? null,
      purpose: i.purpose,
      idempotency_key: i.idempotencyKey,
      key_version: p.key_version,
      script_enc: sealJson(key, i.script, scriptAad(tenantId, p.id, id)),
      due_at: i.dueAt ?? now,
      created_at: now,
      updated_at: now,
    };
  });
  await tx
    .insertInto('call_tasks')
    .values(rows)
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .execute();
  const found = await tx
    .selectFrom('call_tasks')
    .select(['id', 'idempotency_key'])
    .where(
      'idempotency_key',
      'in',
      items.map((i) => i.idempotencyKey),
    )
    .execute();
  const ids = new Map(found.map((r) => [r.idempotency_key, r.id]));
  return items.map((i) => ids.get(i.idempotencyKey) as string);
}

/** Patients kept out of marketing at `at` (moved away, or in a cool-down after declining). */
export async function heldFromMarketing(
  tx: Tx,
  patientIds: readonly string[],
  at: Date,
): Promise<Set<string>> {
  if (patientIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('patient_outreach_holds')
    .select('patient_id')
    .where('patient_id', 'in', [...patientIds])
    .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', at)]))
    .execute();
  return new Set(rows.map((r) => r.patient_id));
}
