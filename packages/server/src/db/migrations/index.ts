import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-23T1200_foundation.ts';

/** Every migration, by its frozen, date-based name. Append only. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T1200_foundation': foundation,
};
