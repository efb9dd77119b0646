import type { Database, Tx } from '../../db/index.ts';
import { AppError, type Clock, type Scope } from '../../kernel/index.ts';
import { appendAudit, auditContextOf } from '../audit/index.ts';
import { takeSlot } from '../schedule/index.ts';
import { tokenHash } from './launch.ts';

/**
 * The patient's side of a campaign, behind the signed links in its messages: a slot
 * offer to book with one tap (first come, first served) and a post-visit survey. No
 * sign-in; the link is the credential and names nothing personal (R38).
 */
export interface CampaignLink {
  readonly tenantId: string;
  readonly tokenHash: Buffer;
  readonly kind: 'offer' | 'survey';
  readonly campaignId: string;
  readonly patientId: string;
  readonly slotIds: readonly string[];
  readonly visitId: string | null;
  readonly expired: boolean;
  readonly usedAt: Date | null;
}

const TOKEN = /^[A-Za-z0-9_-]{20,64}$/;

export async function resolveCampaignLink(
  db: Database,
  clock: Clock,
  token: string,
  kind: 'offer' | 'survey',
): Promise<CampaignLink> {
  const notFound = new AppError('NOT_FOUND', 'This link is not valid.');
  if (!TOKEN.test(token)) throw notFound;
  const row = await db.system((tx) =>
    tx
      .selectFrom('campaign_links as l')
      .innerJoin('patients as p', (j) =>
        j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.patient_id'),
      )
      .select([
        'l.tenant_id',
        'l.token_hash',
        'l.kind',
        'l.campaign_id',
        'l.patient_id',
        'l.slot_ids',
        'l.visit_id',
      ])
      .select(['l.expires_at', 'l.used_at', 'p.status'])
      .where('l.token_hash', '=', tokenHash(token))
      .executeTakeFirst(),
  );
  if (!row || row.kind !== kind || row.status !== 'active') throw notFound;
  return {
    tenantId: row.tenant_id,
    tokenHash: row.token_hash,
    kind: row.kind,
    campaignId: row.campaign_id,
    patientId: row.patient_id,
    slotIds: row.slot_ids,
    visitId: row.visit_id,
    expired: new Date(row.expires_at) <= clock.now(),
    usedAt: row.used_at ? new Date(row.used_at) : null,
  };
}

/** The patient acting on their own record through a link. */
const selfScope = (link: CampaignLink): Scope => ({
  tenantId: link.tenantId,
  actor: { kind: 'patient', patientId: link.patientId },
  purpose: link.kind === 'offer' ? 'care.appointment' : 'service.feedback',
});

export interface OfferedSlot {
  readonly id: string;
  readonly startsAt: Date;
  readonly timeZone: string;
  readonly doctor: string;
  readonly branch: string;
  readonly free: boolean;
}

export interface OfferView {
  readonly lang: 'ru' | 'en';
  readonly clinic: string;
  readonly expired: boolean;
  readonly booked: OfferedSlot | null;
  readonly slots: readonly OfferedSlot[];
}

async function offeredSlots(tx: Tx, ids: readonly string[], now: Date): Promise<OfferedSlot[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('slots as s')
    .innerJoin('doctors as d', (j) =>
      j.onRef('d.tenant_id', '=', 's.tenant_id').onRef('d.id', '=', 's.doctor_id'),
    )
    .innerJoin('branches as b', (j) =>
      j.onRef('b.tenant_id', '=', 's.tenant_id').onRef('b.id', '=', 's.branch_id'),
    )
    .select(['s.id', 's.starts_at', 's.status', 'd.full_name', 'b.name_ru', 'b.time_zone'])
    .where('s.id', 'in', [...ids])
    .orderBy('s.starts_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    startsAt: new Date(r.starts_at),
    timeZone: r.time_zone,
    doctor: r.full_name,
    branch: r.name_ru,
    free: r.status === 'free' && new Date(r.starts_at) > now,
  }));
}

const clinicAndLang = async (tx: Tx, link: CampaignLink) => {
  const t = await tx
    .selectFrom('tenants')
    .select('name')
    .where('tenant_id', '=', link.tenantId)
    .executeTakeFirstOrThrow();
  const p = await tx
    .selectFrom('patients')
    .select('language')
    .where('id', '=', link.patientId)
    .executeTakeFirstOrThrow();
  return { clinic: t.name, lang: p.language };
};

export async function viewOffer(db: Database, clock: Clock, token: string): Promise<OfferView> {
  const link = await resolveCampaignLink(db, clock, token, 'offer');
  return db.tenant(link.tenantId, async (tx) => {
    const { clinic, lang } = await clinicAndLang(tx, link);
    const slots = await offeredSlots(tx, link.slotIds, clock.now());
    let booked: OfferedSlot | null = null;
    if (link.usedAt) {
      const a = await tx
        .selectFrom('appointments')
        .select('slot_id')
        .where('patient_id', '=', link.patientId)
        .where('slot_id', 'in', [...link.slotIds])
        .where('status', '=', 'booked')
        .executeTakeFirst();
      booked = slots.find((s) => s.id === a?.slot_id) ?? null;
    }
    return { lang, clinic, expired: link.expired, booked, slots };
  });
}

export type BookingOutcome =
  | { readonly status: 'booked'; readonly slot: OfferedSlot; readonly appointmentId: string }
  | { readonly status: 'taken' }
  | { readonly status: 'expired' }
  | { readonly status: 'already_booked' };

/**
 * Books an offered slot for the patient of the link (schedule's takeSlot: of several
 * patients offered the same slot exactly one wins and the others are told it is taken).
 */
export async function bookOffer(
  db: Database,
  clock: Clock,
  token: string,
  slotId: string,
): Promise<BookingOutcome> {
  const link = await resolveCampaignLink(db, clock, token, 'offer');
  if (!link.slotIds.includes(slotId)) throw new AppError('NOT_FOUND', 'This slot was not offered.');
  return db.tenant(link.tenantId, async (tx) => {
    const now = clock.now();
    const current = await tx
      .selectFrom('campaign_links')
      .select(['used_at', 'expires_at'])
      .where('token_hash', '=', link.tokenHash)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (current.used_at) return { status: 'already_booked' } as const;
    if (new Date(current.expires_at) <= now) return { status: 'expired' } as const;
    const slot = await takeSlot(tx, {
      tenantId: link.tenantId,
      patientId: link.patientId,
      slotId,
      now,
      via: 'campaign',
    });
    const scope = selfScope(link);
    if (!slot) {
      await appendAudit(tx, clock, auditContextOf(scope), [
        {
          action: 'campaign.offer_taken',
          outcome: 'denied',
          subjectType: 'campaign',
          subjectId: link.campaignId,
          details: { slotId },
        },
      ]);
      return { status: 'taken' } as const;
    }
    const { appointmentId } = slot;
    await tx
      .updateTable('campaign_links')
      .set({ used_at: now })
      .where('token_hash', '=', link.tokenHash)
      .execute();
    await appendAudit(tx, clock, auditContextOf(scope), [
      {
        action: 'campaign.offer_booked',
        outcome: 'done',
        subjectType: 'appointment',
        subjectId: appointmentId,
        details: { campaignId: link.campaignId, slotId },
      },
    ]);
    const [view] = await offeredSlots(tx, [slotId], now);
    return { status: 'booked', slot: view!, appointmentId } as const;
  });
}

export interface SurveyView {
  readonly lang: 'ru' | 'en';
  readonly clinic: string;
  readonly expired: boolean;
  readonly answer: { nps: number | null; csat: number | null } | null;
}

export async function viewSurvey(db: Database, clock: Clock, token: string): Promise<SurveyView> {
  const link = await resolveCampaignLink(db, clock, token, 'survey');
  return db.tenant(link.tenantId, async (tx) => {
    const { clinic, lang } = await clinicAndLang(tx, link);
    const a = await tx
      .selectFrom('survey_responses')
      .select(['nps', 'csat'])
      .where('token_hash', '=', link.tokenHash)
      .executeTakeFirst();
    return { lang, clinic, expired: link.expired, answer: a ?? null };
  });
}

/** Stores (or replaces) the answer of one survey link: scores only. */
export async function answerSurvey(
  db: Database,
  clock: Clock,
  token: string,
  answer: { nps?: number; csat?: number },
): Promise<void> {
  const link = await resolveCampaignLink(db, clock, token, 'survey');
  if (link.expired) throw new AppError('CONFLICT', 'This survey has closed.');
  const nps = answer.nps ?? null;
  const csat = answer.csat ?? null;
  if (nps === null && csat === null) throw new AppError('VALIDATION_FAILED', 'Choose a score.');
  if (nps !== null && !(Number.isInteger(nps) && nps >= 0 && nps <= 10))
    throw new AppError('VALIDATION_FAILED', 'The score is 0 to 10.', [{ field: 'nps', issue: 'range' }]);
  if (csat !== null && !(Number.isInteger(csat) && csat >= 1 && csat <= 5))
    throw new AppError('VALIDATION_FAILED', 'The rating is 1 to 5.', [{ field: 'csat', issue: 'range' }]);
  await db.tenant(link.tenantId, async (tx) => {
    const now = clock.now();
    await tx
      .insertInto('survey_responses')
      .values({
        tenant_id: link.tenantId,
        token_hash: link.tokenHash,
        campaign_id: link.campaignId,
        patient_id: link.patientId,
        visit_id: link.visitId,
        nps,
        csat,
        answered_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'token_hash']).doUpdateSet({ nps, csat, answered_at: now }),
      )
      .execute();
    await tx
      .updateTable('campaign_links')
      .set({ used_at: now })
      .where('token_hash', '=', link.tokenHash)
      .execute();
    await appendAudit(tx, clock, auditContextOf(selfScope(link)), [
      { action: 'survey.answered', outcome: 'done', subjectType: 'campaign', subjectId: link.campaignId },
    ]);
  });
}
