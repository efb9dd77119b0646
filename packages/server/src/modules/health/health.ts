import type { Database } from '../../db/index.ts';

export interface Readiness {
  readonly ready: boolean;
  readonly database: 'ok' | 'unreachable';
  readonly pendingMigrations: readonly string[];
}

/** Whether this instance can serve: the database answers and its schema is current. */
export async function readiness(db: Database): Promise<Readiness> {
  try {
    await db.ping();
    const pending = await db.pendingMigrations();
    return { ready: pending.length === 0, database: 'ok', pendingMigrations: pending };
  } catch {
    return { ready: false, database: 'unreachable', pendingMigrations: [] };
  }
}
