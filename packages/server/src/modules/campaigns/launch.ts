import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { AppError, type Clock, localDay, newId, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { type ContentRef, enqueueMessages, type OutboxItem, type RenderContext } from '../delivery/index.ts';
import { audienceSql } from './audience.ts';
import { controlSql } from './control.ts';
import { PLAYBOOKS } from './playbooks.ts';
import type { Campaign, CampaignRun } from './store.ts';
import { findRun } from './store.ts';

/** Finds the approved template version for a playbook's stable template key (the content library). */
export interface TemplateResolver {
  resolve(tx: Tx, tenantId: string, templateKey: string): Promise<ContentRef | null>;
}

export interface LaunchContext {
  readonly clock: Clock;
  readonly templates: TemplateResolver;
  /** Where patients open booking and survey links. */
  readonly publicUrl: string;
}

export interface LaunchResult {
  readonly run: CampaignRun;
  /** False when this occurrence had already run: nothing new was enrolled or queued. */
  readonly created: boolean;
}

const BATCH = 10_000;

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token).digest();

/** The occurrence of a run: a once-campaign runs once; a recurring one once per clinic day. */
export const runOccurrence = (c: Campaign, now: Date, timeZone: string): string =>
  c.schedule === 'once' ? 'once' : localDay(now, timeZone);

interface MemberRow {
  patient_id: string;
  occurrence: string;
  ref_id: string | null;
  slot_ids: string[];
}

interface Detail {
  at: Date;
  tz: string;
  branch: string;
  doctor: string;
}

/** Date and time of a slot or appointment in its branch's zone, as the message shows them. */
const slotText = (d: Detail, lang: 'ru' | 'en' = 'ru'): NonNullable<RenderContext['slot']> => {
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  return {
    date: d.at.toLocaleDateString(locale, { timeZone: d.tz, day: 'numeric', month: 'long' }),
    time: d.at.toLocaleTimeString(locale, { timeZone: d.tz, hour: '2-digit', minute: '2-digit' }),
    branch: d.branch,
    doctor: d.doctor,
  };
};

async function details(
  tx: Tx,
  table: 'slots' | 'appointments',
  ids: readonly string[],
): Promise<Map<string, Detail>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom(`${table} as x` as 'slots as x')
    .innerJoin('doctors as d', (j) =>
      j.onRef('d.tenant_id', '=', 'x.tenant_id').onRef('d.id', '=', 'x.doctor_id'),
    )
    .innerJoin('branches as b', (j) =>
      j.onRef('b.tenant_id', '=', 'x.tenant_id').onRef('b.id', '=', 'x.branch_id'),
    )
    .select(['x.id', 'x.starts_at', 'd.full_name', 'b.name_ru', 'b.time_zone'])
    .where('x.id', 'in', [...ids])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { at: new Date(r.starts_at), tz: r.time_zone, branch: r.name_ru, doctor: r.full_name },
    ]),
  );
}

/**
 * Runs one occurrence of a campaign in the caller's transaction: the audience snapshot with
 * its control arm, the signed links of offers and surveys, and the outbox rows of the
 * treatment arm commit together or not at all (R50). A second run of the same occurrence
 * finds the first and adds nothing; a patient already enrolled under the same occurrence
 * key (a recall episode, a birthday year, a visit) is not enrolled again (R25).
 */
export async function launchRun(
  tx: Tx,
  scope: Scope,
  campaign: Campaign,
  timeZone: string,
  ctx: LaunchContext,
): Promise<LaunchResult> {
  const now = ctx.clock.now();
  const pb = PLAYBOOKS[campaign.playbook];
  const occurrence = runOccurrence(campaign, now, timeZone);
  const existing = await findRun(tx, campaign.id, occurrence);
  if (existing) return { run: existing, created: false };

  const content = await ctx.templates.resolve(tx, scope.tenantId, campaign.templateKey);
  if (!content) {
    throw new AppError('CONFLICT', `There is no approved template "${campaign.templateKey}" to send.`);
  }

  const runId = newId();
  await tx
    .insertInto('campaign_runs')
    .values({
      tenant_id: scope.tenantId,
      id: runId,
      campaign_id: campaign.id,
      occurrence,
      started_at: now,
      started_by: scope.actor.kind === 'staff' ? `staff:${scope.actor.userId}` : `system:${scope.actor.kind}`,
    })
    .execute();

  const audience = audienceSql({
    tenantId: scope.tenantId,
    playbook: campaign.playbook,
    params: campaign.params,
    purpose: pb.purpose,
    channel: campaign.channel,
    now,
    timeZone,
  });
  const control = controlSql(campaign.seed, sql`a.patient_id`, campaign.controlPct);
  const arms = await sql<{ arm: 'treatment' | 'control'; n: number }>`
    WITH ins AS (
      INSERT INTO campaign_members (tenant_id, campaign_id, patient_id, occurrence, run_id, arm, enrolled_at, ref_id, slot_ids)
      SELECT ${scope.tenantId}, ${campaign.id}, a.patient_id, a.occurrence, ${runId},
             CASE WHEN ${control} THEN 'control' ELSE 'treatment' END, ${now}, a.ref_id, coalesce(a.slot_ids, '{}')
      FROM (${audience}) a
      WHERE cardinality(coalesce(a.slot_ids, '{}')) > 0 OR ${campaign.playbook !== 'gap_fill'}
      ON CONFLICT (tenant_id, campaign_id, patient_id, occurrence) DO NOTHING
      RETURNING arm)
    SELECT arm, count(*)::int AS n FROM ins GROUP BY arm`.execute(tx);
  const treatment = arms.rows.find((r) => r.arm === 'treatment')?.n ?? 0;
  const controlN = arms.rows.find((r) => r.arm === 'control')?.n ?? 0;

  const msgScope: Scope = { ...scope, purpose: pb.purpose };
  const clinic = await clinicContext(tx, scope.tenantId, ctx.publicUrl);
  let queued = 0;
  let skipped = 0;
  let after = { patient: '00000000-0000-0000-0000-000000000000', occurrence: '' };
  for (;;) {
    const batch: MemberRow[] = await tx
      .selectFrom('campaign_members')
      .select(['patient_id', 'occurrence', 'ref_id', 'slot_ids'])
      .where('run_id', '=', runId)
      .where('arm', '=', 'treatment')
      .where((eb) =>
        eb.or([
          eb('patient_id', '>', after.patient),
          eb.and([eb('patient_id', '=', after.patient), eb('occurrence', '>', after.occurrence)]),
        ]),
      )
      .orderBy('patient_id')
      .orderBy('occurrence')
      .limit(BATCH)
      .execute();
    if (batch.length === 0) break;
    const last = batch[batch.length - 1]!;
    after = { patient: last.patient_id, occurrence: last.occurrence };
    const contexts = await messageContexts(tx, scope.tenantId, campaign, runId, batch, now, ctx, clinic);
    const items: OutboxItem[] = batch.map((m, i) => ({
      patientId: m.patient_id,
      purpose: pb.purpose,
      campaignId: campaign.id,
      channel: campaign.channel,
      content,
      occurrenceKey: m.occurrence,
      context: contexts[i]!,
    }));
    const r = await enqueueMessages(tx, msgScope, items, { clock: ctx.clock });
    queued += r.queued;
    skipped += r.skipped;
    if (batch.length < BATCH) break;
  }

  await tx
    .updateTable('campaign_runs')
    .set({ eligible: treatment + controlN, treatment, control: controlN, queued })
    .where('id', '=', runId)
    .execute();
  await appendAudit(tx, ctx.clock, auditContextOf(msgScope), [
    {
      action: 'campaign.run',
      outcome: 'done',
      subjectType: 'campaign',
      subjectId: campaign.id,
      details: { runId, occurrence, treatment, control: controlN, queued, skipped },
    },
  ]);
  return {
    run: {
      id: runId,
      campaignId: campaign.id,
      occurrence,
      startedAt: now,
      eligible: treatment + controlN,
      treatment,
      control: controlN,
      queued,
    },
    created: true,
  };
}

/**
 * The clinic's own details every template may use, from the tenant's settings
 * (`settings.clinic.{phone,postalAddress,bookingUrl}`), falling back to the first
 * branch's address and the public URL.
 */
async function clinicContext(tx: Tx, tenantId: string, publicUrl: string): Promise<RenderContext> {
  const t = await tx
    .selectFrom('tenants')
    .select(['name', 'settings'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const b = await tx
    .selectFrom('branches')
    .select('address')
    .where('address', 'is not', null)
    .orderBy('code')
    .executeTakeFirst();
  const c = ((t.settings as Record<string, unknown>).clinic ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
  const phone = str(c.phone);
  const postalAddress = str(c.postalAddress) ?? b?.address ?? undefined;
  return {
    clinic: { name: t.name, ...(phone ? { phone } : {}), ...(postalAddress ? { postalAddress } : {}) },
    links: { booking: str(c.bookingUrl) ?? publicUrl },
  };
}

/** Playbook context over the clinic's; delivery adds the preference and unsubscribe links as it sends. */
async function messageContexts(
  tx: Tx,
  tenantId: string,
  campaign: Campaign,
  runId: string,
  batch: readonly MemberRow[],
  now: Date,
  ctx: LaunchContext,
  clinic: RenderContext,
): Promise<RenderContext[]> {
  const own = await playbookContexts(tx, tenantId, campaign, runId, batch, now, ctx);
  return batch.map((_, i) => ({ ...clinic, ...own[i], links: { ...clinic.links, ...own[i]?.links } }));
}

/**
 * What each message needs besides the patient's own data: the booking link and first
 * offered slot of a gap-fill offer, the survey link, the appointment being reminded of.
 * Links are random tokens stored only as hashes (R38).
 */
async function playbookContexts(
  tx: Tx,
  tenantId: string,
  campaign: Campaign,
  runId: string,
  batch: readonly MemberRow[],
  now: Date,
  ctx: LaunchContext,
): Promise<(RenderContext | undefined)[]> {
  const base = ctx.publicUrl.replace(/\/$/, '');
  const links = async (kind: 'offer' | 'survey', hours: number): Promise<string[]> => {
    const tokens = batch.map(() => randomBytes(24).toString('base64url'));
    await sql`
      INSERT INTO campaign_links (tenant_id, token_hash, kind, campaign_id, run_id, patient_id, slot_ids, visit_id, created_at, expires_at)
      SELECT ${tenantId}, t.h, ${kind}, ${campaign.id}, ${runId}, t.p, coalesce((t.s)::uuid[], '{}'), t.v, ${now}, ${new Date(now.getTime() + hours * 3_600_000)}
      FROM unnest(${tokens.map(tokenHash)}::bytea[], ${batch.map((m) => m.patient_id)}::uuid[],
                  ${batch.map((m) => `{${m.slot_ids.join(',')}}`)}::text[],
                  ${batch.map((m) => (kind === 'survey' ? m.ref_id : null))}::uuid[]) AS t(h, p, s, v)`.execute(
      tx,
    );
    return tokens;
  };
  switch (campaign.playbook) {
    case 'gap_fill': {
      const p = campaign.params as { offerHours: number };
      const tokens = await links('offer', p.offerHours);
      const slots = await details(tx, 'slots', batch.map((m) => m.slot_ids[0]!).filter(Boolean));
      return batch.map((m, i) => {
        const first = slots.get(m.slot_ids[0] ?? '');
        return {
          links: { booking: `${base}/b/${tokens[i]}` },
          ...(first ? { slot: slotText(first) } : {}),
        };
      });
    }
    case 'nps': {
      const p = campaign.params as { surveyDays: number };
      const tokens = await links('survey', p.surveyDays * 24);
      return tokens.map((t) => ({ links: { survey: `${base}/s/${t}` } }));
    }
    case 'reminder': {
      const appts = await details(tx, 'appointments', batch.map((m) => m.ref_id!).filter(Boolean));
      return batch.map((m) => {
        const a = appts.get(m.ref_id ?? '');
        return a ? { slot: slotText(a) } : undefined;
      });
    }
    default:
      return batch.map(() => undefined);
  }
}
