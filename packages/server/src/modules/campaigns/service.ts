import { randomInt } from 'node:crypto';
import {
  type CampaignInput,
  type CampaignPatch,
  type DataClass,
  PlaybookParamSchemas,
  type PlaybookView,
} from '@careloop/contracts';
import { sql } from 'kysely';
import Value from 'typebox/value';
import type { Tx } from '../../db/index.ts';
import { AppError, newId, type Scope, systemActor } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import type { SenderAuth } from '../delivery/index.ts';
import type { ModuleDeps } from '../deps.ts';
import { requireClasses } from '../policy/index.ts';
import { cellKeySql, KEY_SPACE, presentCount, seesPerturbedCounts } from '../segments/index.ts';
import { type CampaignResults, campaignResults } from './attribution.ts';
import { audienceSql } from './audience.ts';
import { controlSql } from './control.ts';
import { type LaunchResult, launchRun, runOccurrence, type TemplateResolver } from './launch.ts';
import {
  answerSurvey,
  type BookingOutcome,
  bookOffer,
  type OfferView,
  type SurveyView,
  viewOffer,
  viewSurvey,
} from './links.ts';
import { PLAYBOOK_KEYS, PLAYBOOKS, type PlaybookKey, type PlaybookParams } from './playbooks.ts';
import {
  type Campaign,
  type CampaignRun,
  findCampaign,
  insertCampaign,
  listCampaigns,
  listRuns,
  updateCampaign,
} from './store.ts';

/** The data classes each playbook's audience is chosen from: checked against the role and purpose. */
export const PLAYBOOK_CLASSES: Readonly<Record<PlaybookKey, readonly DataClass[]>> = {
  recall: ['visit_timing', 'contact'],
  birthday: ['demographic', 'contact'],
  screening: ['demographic', 'visit_clinical', 'contact'],
  cross_sell: ['visit_clinical', 'contact'],
  gap_fill: ['visit_clinical', 'visit_timing', 'contact'],
  new_service: ['demographic', 'visit_clinical', 'contact'],
  nps: ['visit_timing', 'contact'],
  reminder: ['visit_timing', 'contact'],
};

export interface AudiencePreview {
  readonly count: number | null;
  readonly fewerThan: number | null;
  /** True when the figures are perturbed for this viewer (cell-key method, R32). */
  readonly perturbed: boolean;
  readonly treatment: number | null;
  readonly control: number | null;
  readonly purpose: string;
  readonly healthBased: boolean;
}

export interface CampaignServiceOptions {
  readonly templates: TemplateResolver;
  readonly publicUrl: string;
  /**
   * The e-mail sender's authentication (R19), when e-mail is configured: a campaign that may
   * send e-mail does not start unless its From domain passes.
   */
  readonly senderAuth?: () => Promise<SenderAuth>;
}

/**
 * Campaigns from playbooks: switch on and tune, preview the audience, launch (snapshot,
 * control group and outbox in one transaction), run recurring campaigns daily, and read
 * the results against the control group. Every call runs under the playbook's own
 * purpose, whatever purpose the caller came with: a health-based playbook is always
 * marketing.health with its consent filter (R6).
 */
export class CampaignService {
  readonly #deps: ModuleDeps;
  readonly #opts: CampaignServiceOptions;
  constructor(deps: ModuleDeps, opts: CampaignServiceOptions) {
    this.#deps = deps;
    this.#opts = opts;
  }

  playbooks(lang: 'ru' | 'en' = 'ru'): PlaybookView[] {
    return PLAYBOOK_KEYS.map((k) => {
      const p = PLAYBOOKS[k];
      return {
        key: k,
        name: lang === 'ru' ? p.nameRu : p.nameEn,
        purpose: p.purpose,
        healthBased: p.healthBased,
        templateKey: p.templateKey,
        channels: [...p.channels],
        defaultChannel: p.defaultChannel,
        schedule: p.schedule,
        defaults: p.defaults as unknown as Record<string, unknown>,
      };
    });
  }

  /** The scope a playbook runs under, after the policy allowed the action on its data classes. */
  #scopeFor(scope: Scope, key: PlaybookKey, action: 'message' | 'aggregate'): Scope {
    const s: Scope = { ...scope, purpose: PLAYBOOKS[key].purpose };
    requireClasses(s, action, PLAYBOOK_CLASSES[key]);
    return s;
  }

  #params<K extends PlaybookKey>(
    key: K,
    given: Record<string, unknown> | undefined,
    base?: PlaybookParams[K],
  ) {
    const merged = { ...(base ?? PLAYBOOKS[key].defaults), ...(given ?? {}) };
    const schema = PlaybookParamSchemas[key];
    if (!Value.Check(schema, merged)) {
      const details = [...Value.Errors(schema, merged)]
        .slice(0, 10)
        .map((e) => ({ field: `params${e.instancePath.replaceAll('/', '.')}`, issue: e.message }));
      throw new AppError('VALIDATION_FAILED', 'The playbook parameters are not valid.', details);
    }
    return merged as PlaybookParams[K];
  }

  #channel(key: PlaybookKey, channel: string | undefined) {
    const pb = PLAYBOOKS[key];
    const c = channel ?? pb.defaultChannel;
    if (!pb.channels.includes(c as never)) {
      throw new AppError('VALIDATION_FAILED', `This playbook does not send by ${c}.`, [
        { field: 'channel', issue: 'not_allowed' },
      ]);
    }
    return c as Campaign['channel'];
  }

  async create(scope: Scope, input: CampaignInput): Promise<Campaign> {
    const key = input.playbook;
    const s = this.#scopeFor(scope, key, 'message');
    const pb = PLAYBOOKS[key];
    const now = this.#deps.clock.now();
    const campaign: Omit<Campaign, 'createdAt' | 'updatedAt'> = {
      id: newId(),
      playbook: key,
      name: input.name ?? pb.nameRu,
      purpose: pb.purpose,
      channel: this.#channel(key, input.channel),
      templateKey: pb.templateKey,
      params: this.#params(key, input.params),
      schedule: input.schedule ?? pb.schedule,
      controlPct: input.controlPct ?? 10,
      seed: input.seed ?? randomInt(0, 2_147_483_647),
      attributionDays: input.attributionDays ?? 30,
      status: 'draft',
    };
    return this.#deps.db.tenant(s.tenantId, async (tx) => {
      await insertCampaign(tx, s.tenantId, campaign, actorLabel(s), now);
      await appendAudit(tx, this.#deps.clock, auditContextOf(s), [
        {
          action: 'campaign.created',
          outcome: 'done',
          subjectType: 'campaign',
          subjectId: campaign.id,
          details: { playbook: key },
        },
      ]);
      return findCampaign(tx, campaign.id);
    });
  }

  async update(scope: Scope, id: string, patch: CampaignPatch): Promise<Campaign> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const c = await findCampaign(tx, id, true);
      const s = this.#scopeFor(scope, c.playbook, 'message');
      const next: Campaign = {
        ...c,
        name: patch.name ?? c.name,
        channel: patch.channel ? this.#channel(c.playbook, patch.channel) : c.channel,
        params: patch.params ? this.#params(c.playbook, patch.params, c.params) : c.params,
        schedule: patch.schedule ?? c.schedule,
        controlPct: patch.controlPct ?? c.controlPct,
        attributionDays: patch.attributionDays ?? c.attributionDays,
        status: patch.status ?? c.status,
      };
      await updateCampaign(tx, next, this.#deps.clock.now());
      await appendAudit(tx, this.#deps.clock, auditContextOf(s), [
        {
          action: 'campaign.updated',
          outcome: 'done',
          subjectType: 'campaign',
          subjectId: id,
          details: { fields: Object.keys(patch), status: next.status },
        },
      ]);
      return findCampaign(tx, id);
    });
  }

  async get(scope: Scope, id: string): Promise<Campaign> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const c = await findCampaign(tx, id);
      this.#scopeFor(scope, c.playbook, 'message');
      return c;
    });
  }

  /** The campaigns whose playbooks the caller's role may run. */
  async list(scope: Scope): Promise<Campaign[]> {
    const all = await this.#deps.db.tenant(scope.tenantId, (tx) => listCampaigns(tx));
    return all.filter((c) => {
      try {
        this.#scopeFor(scope, c.playbook, 'message');
        return true;
      } catch {
        return false;
      }
    });
  }

  async runs(scope: Scope, id: string): Promise<CampaignRun[]> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const c = await findCampaign(tx, id);
      this.#scopeFor(scope, c.playbook, 'message');
      return listRuns(tx, id);
    });
  }

  /**
   * Who a run now would enrol (not yet enrolled under their occurrence), split by arm.
   * Marketing roles see a count under 11 as "fewer than 11".
   */
  async preview(scope: Scope, id: string): Promise<AudiencePreview> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const c = await findCampaign(tx, id);
      const s = this.#scopeFor(scope, c.playbook, 'message');
      const tz = await tenantZone(tx, s.tenantId);
      const now = this.#deps.clock.now();
      const aud = audienceSql({
        tenantId: s.tenantId,
        playbook: c.playbook,
        params: c.params,
        purpose: c.purpose,
        channel: c.channel,
        now,
        timeZone: tz,
      });
      const control = controlSql(c.seed, sql`a.patient_id`, c.controlPct);
      // Aggregate-only viewers get each figure perturbed by its cell key (R32): the members'
      // record keys, read from patients (by primary key) only for them.
      const perturbed = seesPerturbedCounts(s);
      const r = await sql<{ n: number; control: number; key: number; control_key: number }>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE ${control})::int AS control,
               ${perturbed ? cellKeySql(sql`p.record_key`) : sql`0`} AS key,
               ${perturbed ? cellKeySql(sql`p.record_key`, control) : sql`0`} AS control_key
        FROM (${aud}) a
        ${perturbed ? sql`JOIN patients p ON p.tenant_id = ${s.tenantId} AND p.id = a.patient_id` : sql``}
        WHERE NOT EXISTS (SELECT 1 FROM campaign_members m WHERE m.tenant_id = ${s.tenantId}
                            AND m.campaign_id = ${c.id} AND m.patient_id = a.patient_id AND m.occurrence = a.occurrence)
          AND (cardinality(coalesce(a.slot_ids, '{}')) > 0 OR ${c.playbook !== 'gap_fill'})`.execute(tx);
      const n = r.rows[0]?.n ?? 0;
      const ctl = r.rows[0]?.control ?? 0;
      const key = r.rows[0]?.key ?? 0;
      const ctlKey = r.rows[0]?.control_key ?? 0;
      const pb = PLAYBOOKS[c.playbook];
      const shown = presentCount(s, { count: n, cellKey: key });
      await appendAudit(tx, this.#deps.clock, auditContextOf(s), [
        { action: 'campaign.previewed', outcome: 'done', subjectType: 'campaign', subjectId: c.id },
      ]);
      // An arm is a cell of its own (the treatment's key is the total's minus the control's); both
      // are hidden when the total is, so a small total cannot be added back from its arms.
      const arm = (count: number, cellKey: number): number | null =>
        shown.count === null ? null : presentCount(s, { count, cellKey }).count;
      return {
        ...shown,
        treatment: arm(n - ctl, (key - ctlKey + KEY_SPACE) % KEY_SPACE),
        control: arm(ctl, ctlKey),
        purpose: pb.purpose,
        healthBased: pb.healthBased,
      };
    });
  }

  /** Switches the campaign on (recurring ones then run daily) and runs today's occurrence now. */
  async launch(scope: Scope, id: string): Promise<LaunchResult> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      // The lock serialises runs of one campaign: two launches of one occurrence cannot both enrol.
      const c = await findCampaign(tx, id, true);
      const s = this.#scopeFor(scope, c.playbook, 'message');
      if (c.status === 'finished') throw new AppError('CONFLICT', 'This campaign has finished.');
      if (this.#opts.senderAuth && (c.channel === 'email' || c.channel === 'preferred')) {
        const auth = await this.#opts.senderAuth();
        if (!auth.ok)
          throw new AppError(
            'SENDER_NOT_AUTHENTICATED',
            `The sending domain ${auth.domain} does not pass sender authentication.`,
            auth.checks.filter((k) => !k.ok).map((k) => ({ field: k.record, issue: k.problem ?? 'failed' })),
          );
      }
      const tz = await tenantZone(tx, s.tenantId);
      const result = await launchRun(tx, s, c, tz, {
        clock: this.#deps.clock,
        templates: this.#opts.templates,
        publicUrl: this.#opts.publicUrl,
      });
      const status = c.schedule === 'once' ? 'finished' : 'active';
      if (c.status !== status) await updateCampaign(tx, { ...c, status }, this.#deps.clock.now());
      return result;
    });
  }

  /**
   * The daily job: every active recurring campaign of every clinic runs today's occurrence,
   * unless it already did (then nothing is enrolled or queued twice). One transaction per
   * campaign, so one failing campaign does not hold back the others.
   */
  async runDue(only?: { tenantId: string }): Promise<{ runs: number; failed: number }> {
    const due = await this.#deps.db.system((tx) =>
      tx
        .selectFrom('campaigns as c')
        .innerJoin('tenants as t', 't.tenant_id', 'c.tenant_id')
        .select(['c.tenant_id', 'c.id', 'c.schedule', 't.time_zone'])
        .where('c.status', '=', 'active')
        .where('c.schedule', '=', 'daily')
        .$if(Boolean(only), (q) => q.where('c.tenant_id', '=', only?.tenantId ?? ''))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('campaign_runs as r')
                .select('r.id')
                .whereRef('r.tenant_id', '=', 'c.tenant_id')
                .whereRef('r.campaign_id', '=', 'c.id')
                .where(
                  sql<boolean>`r.occurrence = to_char(${this.#deps.clock.now()}::timestamptz AT TIME ZONE t.time_zone, 'YYYY-MM-DD')`,
                ),
            ),
          ),
        )
        .execute(),
    );
    let runs = 0;
    let failed = 0;
    for (const d of due) {
      const scope: Scope = {
        tenantId: d.tenant_id,
        actor: systemActor('campaigns'),
        purpose: 'marketing.general',
      };
      try {
        const r = await this.launch(scope, d.id);
        if (r.created) runs++;
      } catch {
        failed++;
      }
    }
    return { runs, failed };
  }

  async results(scope: Scope, id: string): Promise<CampaignResults> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const c = await findCampaign(tx, id);
      const s: Scope = { ...scope, purpose: PLAYBOOKS[c.playbook].purpose };
      requireClasses(s, 'aggregate', ['visit_timing']);
      return campaignResults(tx, s.tenantId, c.id, c.attributionDays, c.playbook === 'nps');
    });
  }

  /** The occurrence a run now would have (for the dashboard and the job). */
  async currentOccurrence(scope: Scope, id: string): Promise<string> {
    return this.#deps.db.tenant(scope.tenantId, async (tx) => {
      const c = await findCampaign(tx, id);
      return runOccurrence(c, this.#deps.clock.now(), await tenantZone(tx, scope.tenantId));
    });
  }

  offer(token: string): Promise<OfferView> {
    return viewOffer(this.#deps.db, this.#deps.clock, token);
  }

  book(token: string, slotId: string): Promise<BookingOutcome> {
    return bookOffer(this.#deps.db, this.#deps.clock, token, slotId);
  }

  survey(token: string): Promise<SurveyView> {
    return viewSurvey(this.#deps.db, this.#deps.clock, token);
  }

  answer(token: string, answer: { nps?: number; csat?: number }): Promise<void> {
    return answerSurvey(this.#deps.db, this.#deps.clock, token, answer);
  }
}

const actorLabel = (s: Scope): string =>
  s.actor.kind === 'staff'
    ? `staff:${s.actor.userId}`
    : s.actor.kind === 'system'
      ? `system:${s.actor.name}`
      : 'patient';

async function tenantZone(tx: Tx, tenantId: string): Promise<string> {
  const t = await tx
    .selectFrom('tenants')
    .select('time_zone')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return t?.time_zone ?? 'Europe/Moscow';
}
