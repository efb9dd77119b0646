import type { Config } from '../config/index.ts';
import { type Database, openDatabase as open } from '../db/index.ts';

/** Opens the configured database without starting services (migrate). */
export const openDatabase = (config: Config): Promise<Database> =>
  open({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
