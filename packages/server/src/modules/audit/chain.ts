import { createHash } from 'node:crypto';

/**
 * The hashed content of one audit entry. Never holds a name, phone, e-mail or
 * diagnosis. The sequence number is bound by the chain hash, not the leaf.
 */
export interface AuditEntryContent {
  readonly tenantId: string;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly purpose: string | null;
  readonly subjectType: string | null;
  readonly subjectId: string | null;
  readonly outcome: 'allowed' | 'denied' | 'done' | 'failed';
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestId: string | null;
}

export const GENESIS = Buffer.alloc(32);

const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
};

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ entry). */
export function leafHash(e: AuditEntryContent): Buffer {
  const body = JSON.stringify([
    e.tenantId,
    e.at.toISOString(),
    e.actor,
    e.action,
    e.purpose,
    e.subjectType,
    e.subjectId,
    e.outcome,
    canonical(e.details),
    e.requestId,
  ]);
  return createHash('sha256').update(Buffer.of(0)).update(body).digest();
}

/** Chain link, an RFC 6962 interior node over the previous chain hash, this leaf and its place. */
export function chainHash(previous: Buffer, leaf: Buffer, seq: number): Buffer {
  const place = Buffer.alloc(8);
  place.writeBigInt64BE(BigInt(seq));
  return createHash('sha256').update(Buffer.of(1)).update(previous).update(leaf).update(place).digest();
}
