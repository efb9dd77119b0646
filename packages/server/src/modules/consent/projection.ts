import type { ConsentEventKind } from '../../db/index.ts';

export interface LedgerEvent {
  readonly id: string;
  readonly kind: string;
  readonly event: ConsentEventKind;
  readonly occurredAt: Date;
  readonly expiresAt: Date | null;
  readonly documentId: string | null;
}

export interface ProjectedState {
  readonly kind: string;
  readonly status: 'granted' | 'withdrawn' | 'expired' | 'superseded';
  readonly since: Date;
  readonly expiresAt: Date | null;
  readonly eventId: string;
  readonly documentId: string | null;
}

/**
 * The current state is a fold of the ledger: per kind, the latest event by the time
 * it happened wins (ties keep ledger order). A grant past its term reads as expired
 * at `at`, whether or not the expiry job has written its event yet (R10).
 */
export function project(events: readonly LedgerEvent[], at: Date): Map<string, ProjectedState> {
  const out = new Map<string, ProjectedState>();
  for (const e of events) {
    const prev = out.get(e.kind);
    if (prev && prev.since > e.occurredAt) continue;
    out.set(e.kind, {
      kind: e.kind,
      status:
        e.event === 'granted'
          ? 'granted'
          : e.event === 'withdrawn'
            ? 'withdrawn'
            : e.event === 'expired'
              ? 'expired'
              : 'superseded',
      since: e.occurredAt,
      expiresAt: e.event === 'granted' ? e.expiresAt : null,
      eventId: e.id,
      documentId: e.documentId ?? prev?.documentId ?? null,
    });
  }
  for (const [kind, s] of out) {
    if (s.status === 'granted' && s.expiresAt && s.expiresAt <= at)
      out.set(kind, { ...s, status: 'expired' });
  }
  return out;
}
