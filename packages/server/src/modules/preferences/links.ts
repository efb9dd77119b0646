import { createHash, randomBytes } from 'node:crypto';
import type { Channel } from '@careloop/contracts';
import { sql } from 'kysely';
import type { Database, Tx } from '../../db/index.ts';
import type { Clock } from '../../kernel/index.ts';

export type LinkPurpose = 'preferences' | 'unsubscribe';

export interface PatientLink {
  readonly tenantId: string;
  readonly patientId: string;
  readonly purpose: LinkPurpose;
  readonly channel: Channel | null;
  readonly messageId: string | null;
}

const hash = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Issues an opaque link token for a patient: the preference page or a one-click
 * unsubscribe. Only its hash is stored; the URL carries no personal data (R38), and
 * unsubscribe links do not expire (R18 recommends none).
 */
export async function issueLink(
  tx: Tx,
  clock: Clock,
  link: Omit<PatientLink, 'channel' | 'messageId'> & {
    channel?: Channel;
    messageId?: string;
    ttlDays?: number;
  },
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const now = clock.now();
  await tx
    .insertInto('patient_links')
    .values({
      tenant_id: link.tenantId,
      token_hash: hash(token),
      patient_id: link.patientId,
      purpose: link.purpose,
      channel: link.channel ?? null,
      message_id: link.messageId ?? null,
      created_at: now,
      expires_at: link.ttlDays ? new Date(now.getTime() + link.ttlDays * 86_400_000) : null,
    })
    .execute();
  return token;
}

/** Finds the link behind a token; unknown, expired or erased-patient links resolve to nothing. */
export async function resolveLink(db: Database, clock: Clock, token: string): Promise<PatientLink | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const row = await db.system((tx) =>
    tx
      .selectFrom('patient_links as l')
      .innerJoin('patients as p', (j) =>
        j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.patient_id'),
      )
      .select([
        'l.tenant_id',
        'l.patient_id',
        'l.purpose',
        'l.channel',
        'l.message_id',
        'l.expires_at',
        'p.status',
      ])
      .where('l.token_hash', '=', hash(token))
      .executeTakeFirst(),
  );
  if (!row || row.status === 'erased') return null;
  if (row.expires_at && new Date(row.expires_at) <= clock.now()) return null;
  return {
    tenantId: row.tenant_id,
    patientId: row.patient_id,
    purpose: row.purpose,
    channel: row.channel,
    messageId: row.message_id,
  };
}

/**
 * Issues one link per item in a single statement (a worker batch's unsubscribe links, a
 * campaign's preference links); returns the tokens in the order of `links`.
 */
export async function issueLinks(
  tx: Tx,
  clock: Clock,
  links: readonly (Omit<PatientLink, 'channel' | 'messageId'> & {
    channel?: Channel;
    messageId?: string;
    ttlDays?: number;
  })[],
): Promise<string[]> {
  if (links.length === 0) return [];
  const now = clock.now();
  const tokens = links.map(() => randomBytes(24).toString('base64url'));
  const expiry = (days?: number) => (days ? new Date(now.getTime() + days * 86_400_000).toISOString() : null);
  // unnest keeps it one statement with five parameters however many links there are.
  await sql`
    INSERT INTO patient_links
      (tenant_id, token_hash, patient_id, purpose, channel, message_id, created_at, expires_at)
    SELECT t.tenant_id, t.h, t.p, t.purpose, t.channel, t.message_id, ${now}, t.expires_at
    FROM unnest(
      ${links.map((l) => l.tenantId)}::uuid[], ${tokens.map(hash)}::bytea[], ${links.map((l) => l.patientId)}::uuid[],
      ${links.map((l) => l.purpose)}::text[], ${links.map((l) => l.channel ?? null)}::text[],
      ${links.map((l) => l.messageId ?? null)}::uuid[], ${links.map((l) => expiry(l.ttlDays))}::timestamptz[]
    ) AS t(tenant_id, h, p, purpose, channel, message_id, expires_at)`.execute(tx);
  return tokens;
}
