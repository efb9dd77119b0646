import type { DataClass, Purpose, Role } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, actorId, isUuid, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf, guarded } from '../audit/index.ts';
import { recordConsent } from '../consent/index.ts';
import { openJson, type TenantKeys } from '../crypto/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { maskPhone, unsealPatient } from '../patients/index.ts';
import { requireClasses, requireRole } from '../policy/index.ts';
import { type FreeSlotFilter, type FreeSlots, findFreeSlots, takeSlot } from '../schedule/index.ts';
import {
  CALL_OUTCOMES,
  type CallOutcome,
  DEFAULT_WORKLIST_POLICY,
  effectsOf,
  type WorklistPolicy,
} from './outcomes.ts';
import { createCallTasks, scriptAad } from './tasks.ts';

/**
 * The call-centre worklist. Tasks come from the delivery worker's `call` channel (one per message,
 * keyed by its idempotency key) or from `createCallTasks`. Operators see the script and a masked
 * number; revealing the number is checked against the task's purpose and audited. Each outcome
 * updates the patient in the same transaction: consent withdrawn, channel suppressed, marketing
 * hold, or a booked appointment that attribution counts.
 */

export const WORKLIST_ROLES: readonly Role[] = ['front_desk', 'owner'];

export interface CallTaskView {
  readonly id: string;
  readonly patientId: string;
  readonly campaignId: string | null;
  readonly purpose: Purpose;
  readonly status: 'open' | 'claimed' | 'done' | 'cancelled';
  readonly dueAt: Date;
  readonly assignedTo: string | null;
  readonly attempts: number;
  readonly outcome: CallOutcome | null;
  /** «Анна Петровна»: how the operator addresses the patient. */
  readonly patientName: string;
  readonly phoneMasked: string | null;
  readonly script: string;
}

export interface OutcomeInput {
  readonly outcome: CallOutcome;
  /** call_later: when to call again. */
  readonly callBackAt?: Date;
  /** booked: the free slot the operator booked; the appointment is made here, first come first served. */
  readonly slotId?: string;
}

/** The task's own purpose governs what the operator may see of the patient. */
const taskScope = (scope: Scope, purpose: string): Scope => ({ ...scope, purpose: purpose as Purpose });

type TaskRow = {
  id: string;
  patient_id: string;
  campaign_id: string | null;
  purpose: string;
  status: CallTaskView['status'];
  due_at: Date | string;
  assigned_to: string | null;
  attempts: number;
  outcome: CallOutcome | null;
  script_enc: Buffer;
};

export class WorklistService {
  readonly #deps: ModuleDeps;
  readonly #policy: WorklistPolicy;
  constructor(deps: ModuleDeps, policy: WorklistPolicy = DEFAULT_WORKLIST_POLICY) {
    this.#deps = deps;
    this.#policy = policy;
  }

  /**
   * Delivery's WorklistPort: the `call` channel adapter makes one task per message. Runs in the
   * caller's transaction, or a transaction of its own when the adapter has none open.
   */
  async createCallTask(
    tx: Tx | null,
    task: {
      readonly tenantId: string;
      readonly patientId: string;
      readonly messageId: string;
      readonly campaignId: string | null;
      readonly purpose: Purpose;
      readonly script: string;
      readonly idempotencyKey: string;
    },
  ): Promise<string> {
    const { db, vault, clock } = this.#deps;
    const run = async (t: Tx) => {
      const keys = await vault.forTenant(t, task.tenantId);
      const [id] = await createCallTasks(t, keys, clock, task.tenantId, [task]);
      return id as string;
    };
    return tx ? run(tx) : db.tenant(task.tenantId, run);
  }

  /** Tasks for an operator: the open queue due now, or (mine) the ones they hold, soonest first. */
  async list(scope: Scope, filter: { mine?: boolean; limit?: number } = {}): Promise<CallTaskView[]> {
    requireRole(scope, WORKLIST_ROLES);
    const { db, clock, vault } = this.#deps;
    return guarded(db, clock, scope, { action: 'call_task.listed' }, async (tx) => {
      const me = actorId(scope.actor);
      let q = tx
        .selectFrom('call_tasks')
        .select([
          'id',
          'patient_id',
          'campaign_id',
          'purpose',
          'status',
          'due_at',
          'assigned_to',
          'attempts',
          'outcome',
          'script_enc',
        ]);
      q = filter.mine
        ? q.where('assigned_to', '=', me).where('status', 'in', ['open', 'claimed'])
        : q
            .where('status', '=', 'open')
            .where('due_at', '<=', clock.now())
            .where((eb) => eb.or([eb('assigned_to', 'is', null), eb('assigned_to', '=', me)]));
      const rows = (await q
        .orderBy('due_at')
        .limit(Math.min(filter.limit ?? 50, 200))
        .execute()) as TaskRow[];
      // The operator sees names and masked numbers under each task's purpose.
      for (const purpose of new Set(rows.map((r) => r.purpose)))
        requireClasses(taskScope(scope, purpose), 'list', ['identity', 'contact']);
      const views = await this.#views(tx, await vault.forTenant(tx, scope.tenantId), rows);
      if (views.length) {
        await appendAudit(tx, clock, auditContextOf(scope), [
          {
            action: 'call_task.listed',
            outcome: 'allowed',
            details: { tasks: views.length, patients: [...new Set(views.map((v) => v.patientId))] },
          },
        ]);
      }
      return views;
    });
  }

  async #views(tx: Tx, keys: TenantKeys, rows: readonly TaskRow[]): Promise<CallTaskView[]> {
    if (rows.length === 0) return [];
    const patients = await tx
      .selectFrom('patients')
      .select(['id', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
      .where('id', 'in', [...new Set(rows.map((r) => r.patient_id))])
      .execute();
    const byId = new Map(patients.map((p) => [p.id, p]));
    return rows.map((r) => {
      const p = byId.get(r.patient_id);
      const u = p ? unsealPatient(keys, p, { identity: true, contact: true }) : {};
      const key =
        p?.key_version != null && p.key_wrapped
          ? keys.unwrapPatientKey(p.id, p.key_version, p.key_wrapped)
          : null;
      return {
        id: r.id,
        patientId: r.patient_id,
        campaignId: r.campaign_id,
        purpose: r.purpose as Purpose,
        status: r.status,
        dueAt: new Date(r.due_at),
        assignedTo: r.assigned_to,
        attempts: r.attempts,
        outcome: r.outcome,
        patientName: [u.identity?.firstName, u.identity?.middleName].filter(Boolean).join(' '),
        phoneMasked: u.contact?.phone ? maskPhone(u.contact.phone) : null,
        script: key ? openJson<string>(key, r.script_enc, scriptAad(keys.tenantId, r.patient_id, r.id)) : '',
      };
    });
  }

  async #task(tx: Tx, taskId: string): Promise<TaskRow> {
    const r = isUuid(taskId)
      ? await tx
          .selectFrom('call_tasks')
          .select([
            'id',
            'patient_id',
            'campaign_id',
            'purpose',
            'status',
            'due_at',
            'assigned_to',
            'attempts',
            'outcome',
            'script_enc',
          ])
          .where('id', '=', taskId)
          .forUpdate()
          .executeTakeFirst()
      : undefined;
    if (!r) throw new AppError('NOT_FOUND', 'No such call task.');
    return r as TaskRow;
  }

  /**
   * The task, locked, when this operator holds it; with the scope narrowed to the task's
   * purpose, after checking that purpose allows `access` to `classes`. Everything done
   * while on the call (reveal the number, look for slots, record the outcome) starts here.
   */
  async #held(
    tx: Tx,
    scope: Scope,
    taskId: string,
    access: 'read' | 'list',
    classes: readonly DataClass[],
  ): Promise<{ t: TaskRow; ts: Scope }> {
    const t = await this.#task(tx, taskId);
    const ts = taskScope(scope, t.purpose);
    requireClasses(ts, access, classes);
    if (t.status !== 'claimed' || t.assigned_to !== actorId(scope.actor))
      throw new AppError('CONFLICT', 'Take the task first.');
    return { t, ts };
  }

  /** Takes an open task; one operator at a time. */
  async claim(scope: Scope, taskId: string): Promise<CallTaskView> {
    requireRole(scope, WORKLIST_ROLES);
    const { db, clock, vault } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'call_task.claimed', subjectType: 'call_task', subjectId: taskId },
      async (tx) => {
        const t = await this.#task(tx, taskId);
        requireClasses(taskScope(scope, t.purpose), 'list', ['identity', 'contact']);
        const me = actorId(scope.actor);
        if (t.status !== 'open' && !(t.status === 'claimed' && t.assigned_to === me))
          throw new AppError('CONFLICT', 'This task is taken or finished.');
        if (t.assigned_to && t.assigned_to !== me) throw new AppError('CONFLICT', 'This task is taken.');
        const now = clock.now();
        await tx
          .updateTable('call_tasks')
          .set({ status: 'claimed', assigned_to: me, claimed_at: now, updated_at: now })
          .where('id', '=', t.id)
          .execute();
        await appendAudit(tx, clock, auditContextOf(taskScope(scope, t.purpose)), [
          {
            action: 'call_task.claimed',
            outcome: 'done',
            subjectType: 'patient',
            subjectId: t.patient_id,
            details: { task: t.id },
          },
        ]);
        const [view] = await this.#views(tx, await vault.forTenant(tx, scope.tenantId), [
          { ...t, status: 'claimed', assigned_to: me },
        ]);
        return view as CallTaskView;
      },
    );
  }

  /** The full number, for the operator holding the task, under the task's purpose; audited (R31). */
  async revealPhone(scope: Scope, taskId: string): Promise<{ phone: string }> {
    requireRole(scope, WORKLIST_ROLES);
    const { db, clock, vault } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'call_task.phone_revealed', subjectType: 'call_task', subjectId: taskId },
      async (tx) => {
        const { t, ts } = await this.#held(tx, scope, taskId, 'read', ['contact']);
        const blocked = await tx
          .selectFrom('delivery_suppressions')
          .select('reason')
          .where('patient_id', '=', t.patient_id)
          .where('channel', '=', 'call')
          .executeTakeFirst();
        if (blocked) throw new AppError('CONSENT_MISSING', 'This patient must not be called.');
        const p = await tx
          .selectFrom('patients')
          .select(['id', 'key_version', 'key_wrapped', 'identity_enc', 'contact_enc'])
          .where('id', '=', t.patient_id)
          .executeTakeFirstOrThrow();
        const phone = unsealPatient(await vault.forTenant(tx, scope.tenantId), p, {
          identity: false,
          contact: true,
        }).contact?.phone;
        if (!phone) throw new AppError('NOT_FOUND', 'The patient has no phone number.');
        await appendAudit(tx, clock, auditContextOf(ts), [
          {
            action: 'patient.revealed',
            outcome: 'allowed',
            subjectType: 'patient',
            subjectId: t.patient_id,
            details: { field: 'phone', task: t.id },
          },
        ]);
        return { phone };
      },
    );
  }

  /**
   * Free slots the operator can book on the call, for the task they hold: the earliest of
   * a period, narrowed by branch, specialty or doctor. Schedule data only: nothing about
   * the patient is read, so nothing is audited beyond a refusal.
   */
  async freeSlots(scope: Scope, taskId: string, filter: FreeSlotFilter): Promise<FreeSlots> {
    requireRole(scope, WORKLIST_ROLES);
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'call_task.slots_listed', subjectType: 'call_task', subjectId: taskId },
      async (tx) => {
        await this.#held(tx, scope, taskId, 'list', ['identity', 'contact']);
        return findFreeSlots(tx, clock.now(), filter);
      },
    );
  }

  /** Records what the call achieved and applies its effects to the patient in the same transaction. */
  async recordOutcome(scope: Scope, taskId: string, input: OutcomeInput): Promise<CallTaskView> {
    requireRole(scope, WORKLIST_ROLES);
    if (!CALL_OUTCOMES.includes(input.outcome)) throw new AppError('VALIDATION_FAILED', 'Unknown outcome.');
    const { db, clock, vault } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'call_task.outcome', subjectType: 'call_task', subjectId: taskId },
      async (tx) => {
        const { t, ts } = await this.#held(tx, scope, taskId, 'list', ['identity', 'contact']);
        const now = clock.now();
        const fx = effectsOf(input.outcome, this.#policy);
        const keys = await vault.forTenant(tx, scope.tenantId);

        let appointmentId: string | null = null;
        if (fx.reschedule) {
          if (!input.callBackAt || input.callBackAt.getTime() <= now.getTime())
            throw new AppError('VALIDATION_FAILED', 'Give a future time to call back.', [
              { field: 'callBackAt', issue: 'required_future' },
            ]);
        }
        if (fx.conversion) {
          // A booking is a concrete slot from the schedule, never a time typed in.
          if (!input.slotId)
            throw new AppError('VALIDATION_FAILED', 'Choose the slot the patient booked.', [
              { field: 'slotId', issue: 'required' },
            ]);
          const slot = await takeSlot(tx, {
            tenantId: scope.tenantId,
            patientId: t.patient_id,
            slotId: input.slotId,
            now,
            via: t.campaign_id ? 'campaign' : 'phone',
          });
          if (!slot) throw new AppError('SLOT_TAKEN', 'This slot is no longer free.');
          appointmentId = slot.appointmentId;
        }
        if (fx.withdraw) {
          // The patient's wish, taken by phone (R8): the ledger records it under the operator.
          await recordConsent(tx, keys, clock, { ...scope, purpose: 'registry.operations' }, t.patient_id, {
            kind: fx.withdraw,
            event: 'withdrawn',
            captureMethod: 'phone_call',
          });
        }
        if (fx.suppress.length) {
          await tx
            .insertInto('delivery_suppressions')
            .values(
              fx.suppress.map((s) => ({
                tenant_id: scope.tenantId,
                patient_id: t.patient_id,
                channel: s.channel,
                reason: s.reason,
                scope: s.scope,
                source: `call_task:${t.id}`,
                created_at: now,
              })),
            )
            .onConflict((oc) => oc.columns(['tenant_id', 'patient_id', 'channel', 'reason']).doNothing())
            .execute();
        }
        if (fx.hold) {
          const until = fx.hold.days === null ? null : new Date(now.getTime() + fx.hold.days * 86_400_000);
          await tx
            .insertInto('patient_outreach_holds')
            .values({
              tenant_id: scope.tenantId,
              patient_id: t.patient_id,
              reason: fx.hold.reason,
              until,
              source: `call_task:${t.id}`,
              created_at: now,
            })
            .onConflict((oc) =>
              oc
                .columns(['tenant_id', 'patient_id', 'reason'])
                .doUpdateSet({ until, source: `call_task:${t.id}`, created_at: now }),
            )
            .execute();
        }
        if (fx.cancelOtherTasks) {
          await tx
            .updateTable('call_tasks')
            .set({ status: 'cancelled', updated_at: now, closed_at: now })
            .where('patient_id', '=', t.patient_id)
            .where('id', '<>', t.id)
            .where('status', 'in', ['open', 'claimed'])
            .execute();
        }
        const next = fx.closes
          ? { status: 'done' as const, closed_at: now, due_at: new Date(t.due_at) }
          : { status: 'open' as const, closed_at: null, due_at: input.callBackAt as Date };
        await tx
          .updateTable('call_tasks')
          .set({
            status: next.status,
            closed_at: next.closed_at,
            due_at: next.due_at,
            outcome: input.outcome,
            appointment_id: appointmentId,
            attempts: sql<number>`attempts + 1`,
            updated_at: now,
          })
          .where('id', '=', t.id)
          .execute();
        await appendAudit(tx, clock, auditContextOf(ts), [
          {
            action: 'call_task.outcome',
            outcome: 'done',
            subjectType: 'patient',
            subjectId: t.patient_id,
            details: {
              task: t.id,
              outcome: input.outcome,
              ...(t.campaign_id ? { campaign: t.campaign_id } : {}),
              ...(appointmentId ? { appointment: appointmentId } : {}),
            },
          },
        ]);
        const [view] = await this.#views(tx, keys, [
          {
            ...t,
            status: next.status,
            due_at: next.due_at,
            outcome: input.outcome,
            attempts: t.attempts + 1,
          },
        ]);
        return view as CallTaskView;
      },
    );
  }
}
