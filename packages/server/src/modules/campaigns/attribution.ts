import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { compareArms, csat, nps } from './stats.ts';

export interface ArmResult {
  readonly members: number;
  /** Booked an appointment or made a visit within the window. */
  readonly converted: number;
  readonly booked: number;
  readonly visited: number;
  readonly rate: number;
}

export interface CampaignResults {
  readonly campaignId: string;
  readonly windowDays: number;
  readonly treatment: ArmResult;
  readonly control: ArmResult;
  readonly uplift: number;
  readonly relativeUplift: number | null;
  readonly z: number | null;
  readonly pValue: number | null;
  readonly significant: boolean;
  /** Eligible (both arms) → messaged (sent by delivery) → booked → visited, for the treatment arm. */
  readonly funnel: { eligible: number; messaged: number; booked: number; visited: number };
  readonly survey: { responses: number; nps: number | null; csat: number | null } | null;
}

/**
 * Attribution, set-based: a member converts when they book an appointment (not cancelled)
 * or make a visit within `windowDays` after their enrolment: the send for the treatment
 * arm, the would-be send for the control arm, so both arms are measured from the same
 * instant. One pass over the members with index probes per member (appointments by
 * patient and creation time, visits by patient and time).
 */
export async function campaignResults(
  tx: Tx,
  tenantId: string,
  campaignId: string,
  windowDays: number,
  withSurvey: boolean,
): Promise<CampaignResults> {
  const window = sql`make_interval(days => ${windowDays})`;
  const rows = await sql<{
    arm: 'treatment' | 'control';
    members: number;
    converted: number;
    booked: number;
    visited: number;
    messaged: number;
    messaged_booked: number;
    messaged_visited: number;
  }>`
    SELECT m.arm, count(*)::int AS members,
           count(*) FILTER (WHERE b.hit OR v.hit)::int AS converted,
           count(*) FILTER (WHERE b.hit)::int AS booked,
           count(*) FILTER (WHERE v.hit)::int AS visited,
           count(*) FILTER (WHERE o.hit)::int AS messaged,
           count(*) FILTER (WHERE o.hit AND b.hit)::int AS messaged_booked,
           count(*) FILTER (WHERE o.hit AND v.hit)::int AS messaged_visited
    FROM campaign_members m
    LEFT JOIN LATERAL (
      SELECT true AS hit FROM appointments a
      WHERE a.tenant_id = m.tenant_id AND a.patient_id = m.patient_id AND a.status <> 'cancelled'
        AND a.created_at > m.enrolled_at AND a.created_at <= m.enrolled_at + ${window}
      LIMIT 1) b ON true
    LEFT JOIN LATERAL (
      SELECT true AS hit FROM visits x
      WHERE x.tenant_id = m.tenant_id AND x.patient_id = m.patient_id
        AND x.visited_at > m.enrolled_at AND x.visited_at <= m.enrolled_at + ${window}
      LIMIT 1) v ON true
    LEFT JOIN LATERAL (
      SELECT true AS hit FROM outbox_messages om
      WHERE om.tenant_id = m.tenant_id AND om.campaign_id = m.campaign_id AND om.patient_id = m.patient_id
        AND om.occurrence_key = m.occurrence AND om.state IN ('sent', 'delivered')
      LIMIT 1) o ON m.arm = 'treatment'
    WHERE m.tenant_id = ${tenantId} AND m.campaign_id = ${campaignId}
    GROUP BY m.arm`.execute(tx);
  const arm = (name: 'treatment' | 'control'): ArmResult & { messaged: number; mb: number; mv: number } => {
    const r = rows.rows.find((x) => x.arm === name);
    const members = r?.members ?? 0;
    const converted = r?.converted ?? 0;
    return {
      members,
      converted,
      booked: r?.booked ?? 0,
      visited: r?.visited ?? 0,
      rate: members > 0 ? converted / members : 0,
      messaged: r?.messaged ?? 0,
      mb: r?.messaged_booked ?? 0,
      mv: r?.messaged_visited ?? 0,
    };
  };
  const t = arm('treatment');
  const c = arm('control');
  const cmp = compareArms(t, c);
  let survey: CampaignResults['survey'] = null;
  if (withSurvey) {
    const answers = await tx
      .selectFrom('survey_responses')
      .select(['nps', 'csat'])
      .where('campaign_id', '=', campaignId)
      .execute();
    survey = {
      responses: answers.length,
      nps: nps(answers.flatMap((a) => (a.nps === null ? [] : [a.nps]))),
      csat: csat(answers.flatMap((a) => (a.csat === null ? [] : [a.csat]))),
    };
  }
  const strip = ({ members, converted, booked, visited, rate }: ArmResult): ArmResult => ({
    members,
    converted,
    booked,
    visited,
    rate,
  });
  return {
    campaignId,
    windowDays,
    treatment: strip(t),
    control: strip(c),
    uplift: cmp.uplift,
    relativeUplift: cmp.relativeUplift,
    z: cmp.z,
    pValue: cmp.pValue,
    significant: cmp.significant,
    funnel: { eligible: t.members + c.members, messaged: t.messaged, booked: t.mb, visited: t.mv },
    survey,
  };
}
