import type { Channel, Role } from '@careloop/contracts';
import type { Database } from '../../db/index.ts';
import type { Scope } from '../../kernel/index.ts';
import { guarded } from '../audit/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { requireRole } from '../policy/index.ts';
import { listTenants } from '../tenants/index.ts';
import { type DomainHealth, listDomains, remeasureDomains, resumeDomain } from './domains.ts';
import { type EnqueueResult, enqueueMessages } from './enqueue.ts';
import {
  type InboundDetail,
  type InboundItem,
  type InboundResolution,
  listInbound,
  readInbound,
  resolveInbound,
} from './inbound.ts';
import type { OutboxItem } from './model.ts';
import { type CampaignStats, campaignStats, type MessageHistoryItem, messageHistory } from './reads.ts';
import { applyInbound, applyReceipt, type InboundMessage, type Receipt } from './webhooks.ts';

/** Who sees the sending domains' standing (R20); only the owner resumes a paused one. */
const DOMAIN_READERS: readonly Role[] = ['owner', 'marketer', 'auditor'];

/** Delivery as the API and jobs use it; campaigns call `enqueueMessages` inside their own transaction. */
export class DeliveryService {
  readonly #deps: ModuleDeps;
  constructor(deps: ModuleDeps) {
    this.#deps = deps;
  }

  get db(): Database {
    return this.#deps.db;
  }

  /** Enqueue in a transaction of its own (callers with an audience snapshot use `enqueueMessages`). */
  enqueue(scope: Scope, items: readonly OutboxItem[]): Promise<EnqueueResult> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'delivery.enqueued', subjectType: 'campaign' }, (tx) =>
      enqueueMessages(tx, scope, items, { clock }),
    );
  }

  history(scope: Scope, patientId: string): Promise<MessageHistoryItem[]> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'delivery.history_read', subjectType: 'patient', subjectId: patientId },
      (tx) => messageHistory(tx, clock, scope, patientId),
    );
  }

  campaignStats(scope: Scope, campaignId: string): Promise<CampaignStats> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'delivery.stats_read', subjectType: 'campaign', subjectId: campaignId },
      (tx) => campaignStats(tx, scope, campaignId),
    );
  }

  receipt(
    tenantId: string,
    provider: string,
    receipt: Receipt,
  ): Promise<{ duplicate: boolean; matched: boolean }> {
    const { db, clock } = this.#deps;
    return db.tenant(tenantId, (tx) => applyReceipt(tx, clock, tenantId, provider, receipt));
  }

  inbound(
    tenantId: string,
    provider: string,
    channel: Extract<Channel, 'sms' | 'messenger'>,
    msg: InboundMessage,
  ) {
    const { db, clock, vault } = this.#deps;
    return db.tenant(tenantId, async (tx) =>
      applyInbound(tx, await vault.forTenant(tx, tenantId), clock, tenantId, provider, channel, msg),
    );
  }

  /** The inbound review queue: open messages, overdue first (R8). */
  inboundQueue(scope: Scope, opts: { limit?: number } = {}): Promise<InboundItem[]> {
    const { db, clock } = this.#deps;
    return guarded(db, clock, scope, { action: 'inbound.listed', subjectType: 'inbound_message' }, (tx) =>
      listInbound(tx, clock, scope, opts),
    );
  }

  /** One inbound message decrypted for the person who works the queue; audited (R41). */
  inboundMessage(scope: Scope, id: string): Promise<InboundDetail> {
    const { db, clock, vault } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'inbound.read', subjectType: 'inbound_message', subjectId: id },
      async (tx) => readInbound(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, id),
    );
  }

  /** Resolves an inbound message: a withdrawal (as STOP does, R8) or no action with a note. */
  resolveInbound(
    scope: Scope,
    id: string,
    input: { resolution: InboundResolution; note?: string },
  ): Promise<{ resolution: InboundResolution; withdrawn: number }> {
    const { db, clock, vault } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'inbound.resolved', subjectType: 'inbound_message', subjectId: id },
      async (tx) => resolveInbound(tx, await vault.forTenant(tx, scope.tenantId), clock, scope, id, input),
    );
  }

  /** The clinic's sending domains under the complaint-rate breaker (R20). */
  domains(scope: Scope): Promise<DomainHealth[]> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'delivery.domains_read', subjectType: 'sending_domain' },
      (tx) => {
        requireRole(scope, DOMAIN_READERS);
        return listDomains(tx, scope.tenantId);
      },
    );
  }

  /** The owner resumes advertising from a paused domain once the cause is dealt with (R20). */
  resumeDomain(scope: Scope, domain: string): Promise<DomainHealth> {
    const { db, clock } = this.#deps;
    return guarded(
      db,
      clock,
      scope,
      { action: 'delivery.domain_resumed', subjectType: 'sending_domain' },
      (tx) => {
        requireRole(scope, ['owner']);
        return resumeDomain(tx, clock, scope, domain);
      },
    );
  }

  /** The breaker's job: every clinic's known domains measured again, so alerts clear as complaints age out. */
  async remeasureDomains(): Promise<number> {
    const { db, clock } = this.#deps;
    let n = 0;
    for (const t of await listTenants(db))
      n += (await db.tenant(t.id, (tx) => remeasureDomains(tx, clock, t.id))).length;
    return n;
  }
}
