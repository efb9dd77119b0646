import type { Database } from '../db/index.ts';
import type { Clock } from '../kernel/index.ts';
import type { Vault } from './crypto/index.ts';

/** What every module service is built with, once, by the composition root. */
export interface ModuleDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly vault: Vault;
}
