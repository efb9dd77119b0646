import type { Purpose } from '@careloop/contracts';
import type { Tx } from '../../db/index.ts';
import { AppError } from '../../kernel/index.ts';
import type { CampaignChannel, PlaybookKey, PlaybookParams } from './playbooks.ts';

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'finished';

export interface Campaign<K extends PlaybookKey = PlaybookKey> {
  readonly id: string;
  readonly playbook: K;
  readonly name: string;
  readonly purpose: Purpose;
  readonly channel: CampaignChannel;
  readonly templateKey: string;
  readonly params: PlaybookParams[K];
  readonly schedule: 'once' | 'daily';
  readonly controlPct: number;
  readonly seed: number;
  readonly attributionDays: number;
  readonly status: CampaignStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface CampaignRun {
  readonly id: string;
  readonly campaignId: string;
  readonly occurrence: string;
  readonly startedAt: Date;
  readonly eligible: number;
  readonly treatment: number;
  readonly control: number;
  readonly queued: number;
}

type CampaignRow = Awaited<ReturnType<typeof selectCampaigns>>[number];

const selectCampaigns = (tx: Tx) => tx.selectFrom('campaigns').selectAll().execute();

export const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  playbook: r.playbook as PlaybookKey,
  name: r.name,
  purpose: r.purpose as Purpose,
  channel: r.channel,
  templateKey: r.template_key,
  params: r.params as unknown as PlaybookParams[PlaybookKey],
  schedule: r.schedule,
  controlPct: Number(r.control_pct),
  seed: r.seed,
  attributionDays: Number(r.attribution_days),
  status: r.status,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export async function findCampaign(tx: Tx, id: string, lock = false): Promise<Campaign> {
  let q = tx.selectFrom('campaigns').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such campaign.');
  return toCampaign(row);
}

export async function listCampaigns(tx: Tx): Promise<Campaign[]> {
  const rows = await tx.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').execute();
  return rows.map(toCampaign);
}

export async function insertCampaign(
  tx: Tx,
  tenantId: string,
  c: Omit<Campaign, 'createdAt' | 'updatedAt'>,
  createdBy: string,
  now: Date,
): Promise<void> {
  await tx
    .insertInto('campaigns')
    .values({
      tenant_id: tenantId,
      id: c.id,
      playbook: c.playbook,
      name: c.name,
      purpose: c.purpose,
      channel: c.channel,
      template_key: c.templateKey,
      params: JSON.stringify(c.params),
      schedule: c.schedule,
      control_pct: c.controlPct,
      seed: c.seed,
      attribution_days: c.attributionDays,
      status: c.status,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateCampaign(tx: Tx, c: Campaign, now: Date): Promise<void> {
  await tx
    .updateTable('campaigns')
    .set({
      name: c.name,
      channel: c.channel,
      params: JSON.stringify(c.params),
      schedule: c.schedule,
      control_pct: c.controlPct,
      attribution_days: c.attributionDays,
      status: c.status,
      updated_at: now,
    })
    .where('id', '=', c.id)
    .execute();
}

const toRun = (r: {
  id: string;
  campaign_id: string;
  occurrence: string;
  started_at: Date;
  eligible: number;
  treatment: number;
  control: number;
  queued: number;
}): CampaignRun => ({
  id: r.id,
  campaignId: r.campaign_id,
  occurrence: r.occurrence,
  startedAt: new Date(r.started_at),
  eligible: r.eligible,
  treatment: r.treatment,
  control: r.control,
  queued: r.queued,
});

export async function findRun(tx: Tx, campaignId: string, occurrence: string): Promise<CampaignRun | null> {
  const r = await tx
    .selectFrom('campaign_runs')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('occurrence', '=', occurrence)
    .executeTakeFirst();
  return r ? toRun(r) : null;
}

export async function listRuns(tx: Tx, campaignId: string): Promise<CampaignRun[]> {
  const rows = await tx
    .selectFrom('campaign_runs')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .orderBy('started_at', 'desc')
    .execute();
  return rows.map(toRun);
}
