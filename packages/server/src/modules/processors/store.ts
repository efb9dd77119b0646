import { DATA_CLASSES, type Jurisdiction } from '@careloop/contracts';
import { type Selectable, sql } from 'kysely';
import type { ProcessorsTable, Tx } from '../../db/index.ts';
import { AppError, actorId, type Clock, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { getTenant } from '../tenants/index.ts';
import { checkRegistration, isAbroad, type ProcessorEntry, type ProcessorInput } from './register.ts';

const entryOf = (r: Selectable<ProcessorsTable>, jurisdiction: Jurisdiction): ProcessorEntry => ({
  provider: r.provider,
  version: r.version,
  legalName: r.legal_name,
  service: r.service,
  role: r.role,
  country: r.country,
  contractRef: r.contract_ref,
  dataClasses: r.data_classes,
  transferRef: r.transfer_ref,
  abroad: isAbroad(jurisdiction, r.country),
  registeredAt: new Date(r.registered_at),
  registeredBy: r.registered_by,
  retiredAt: r.retired_at ? new Date(r.retired_at) : null,
  retiredBy: r.retired_by,
});

/**
 * The current entry of each registered provider: what the send pipeline checks (R58). The
 * caller has the tenant's jurisdiction at hand (the claim reads its tenant row anyway).
 */
export async function currentProcessors(
  tx: Tx,
  tenantId: string,
  jurisdiction: Jurisdiction,
): Promise<Map<string, ProcessorEntry>> {
  const rows = await tx
    .selectFrom('processors')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('retired_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.provider, entryOf(r, jurisdiction)]));
}

/** Every version, current ones first, then by provider and newest version. */
export async function processorHistory(tx: Tx, tenantId: string): Promise<ProcessorEntry[]> {
  const [tenant, rows] = await Promise.all([
    getTenant(tx, tenantId),
    tx
      .selectFrom('processors')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy((eb) => eb('retired_at', 'is', null), 'desc')
      .orderBy('provider')
      .orderBy('version', 'desc')
      .execute(),
  ]);
  return rows.map((r) => entryOf(r, tenant.jurisdiction));
}

/** Records an entry as a new version; the provider's current version, if any, is retired by it. */
export async function registerProcessor(
  tx: Tx,
  clock: Clock,
  scope: Scope,
  input: ProcessorInput,
): Promise<ProcessorEntry> {
  const tenant = await getTenant(tx, scope.tenantId);
  checkRegistration(input, tenant.jurisdiction);
  const now = clock.now();
  const by = actorId(scope.actor);
  const previous = await tx
    .selectFrom('processors')
    .select(['version', 'retired_at'])
    .where('tenant_id', '=', scope.tenantId)
    .where('provider', '=', input.provider)
    .orderBy('version', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (previous && previous.retired_at === null) {
    await tx
      .updateTable('processors')
      .set({ retired_at: now, retired_by: by })
      .where('tenant_id', '=', scope.tenantId)
      .where('provider', '=', input.provider)
      .where('version', '=', previous.version)
      .execute();
  }
  const row = await tx
    .insertInto('processors')
    .values({
      tenant_id: scope.tenantId,
      provider: input.provider,
      version: (previous?.version ?? 0) + 1,
      legal_name: input.legalName.trim(),
      service: input.service,
      role: input.role,
      country: input.country,
      contract_ref: input.contractRef.trim(),
      // In the vocabulary's order, whatever order they came in: versions compare at a glance.
      data_classes: DATA_CLASSES.filter((c) => input.dataClasses.includes(c)),
      transfer_ref: input.transferRef?.trim() || null,
      registered_at: now,
      registered_by: by,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const entry = entryOf(row, tenant.jurisdiction);
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'processor.registered',
      outcome: 'done',
      subjectType: 'processor',
      details: {
        provider: entry.provider,
        version: entry.version,
        country: entry.country,
        role: entry.role,
        dataClasses: entry.dataClasses,
        contractRef: entry.contractRef,
        ...(entry.transferRef ? { transferRef: entry.transferRef } : {}),
      },
    },
  ]);
  return entry;
}

/** Takes a provider off the register: from now on nothing is sent through it (R58). */
export async function retireProcessor(tx: Tx, clock: Clock, scope: Scope, provider: string): Promise<void> {
  const now = clock.now();
  const retired = await tx
    .updateTable('processors')
    .set({ retired_at: now, retired_by: actorId(scope.actor) })
    .where('tenant_id', '=', scope.tenantId)
    .where('provider', '=', provider)
    .where('retired_at', 'is', null)
    .returning('version')
    .executeTakeFirst();
  if (!retired) throw new AppError('NOT_FOUND', 'No current register entry for this provider.');
  await appendAudit(tx, clock, auditContextOf(scope), [
    {
      action: 'processor.retired',
      outcome: 'done',
      subjectType: 'processor',
      details: { provider, version: retired.version },
    },
  ]);
}

/** One register entry as a data subject is told of it (152-FZ art. 14(7); GDPR art. 15(1)(c)). */
export interface Recipient {
  readonly legalName: string;
  readonly service: ProcessorEntry['service'];
  readonly role: ProcessorEntry['role'];
  readonly country: string;
  readonly dataClasses: readonly string[];
  readonly since: Date;
  readonly until: Date | null;
  /** Messages to this patient that went out through this version of the entry. */
  readonly messages: number;
}

/**
 * The processors a patient's data has gone to or may go to: every current entry, and any earlier
 * version that carried a message to them, with how many. Each sent message names the entry
 * version that covered it (`decision.processorVersion`).
 */
export async function recipientsOf(tx: Tx, tenantId: string, patientId: string): Promise<Recipient[]> {
  const [entries, used] = await Promise.all([
    processorHistory(tx, tenantId),
    tx
      .selectFrom('outbox_messages')
      .select((eb) => [
        'provider',
        sql<number>`(decision->>'processorVersion')::int`.as('version'),
        eb.fn.countAll<number>().as('n'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('patient_id', '=', patientId)
      .where('sent_at', 'is not', null)
      .where(sql<boolean>`decision ? 'processorVersion'`)
      .groupBy(['provider', sql`(decision->>'processorVersion')::int`])
      .execute(),
  ]);
  const count = new Map(used.map((u) => [`${u.provider}@${u.version}`, Number(u.n)]));
  return entries
    .map((e) => ({ e, messages: count.get(`${e.provider}@${e.version}`) ?? 0 }))
    .filter(({ e, messages }) => e.retiredAt === null || messages > 0)
    .map(({ e, messages }) => ({
      legalName: e.legalName,
      service: e.service,
      role: e.role,
      country: e.country,
      dataClasses: e.dataClasses,
      since: e.registeredAt,
      until: e.retiredAt,
      messages,
    }));
}
