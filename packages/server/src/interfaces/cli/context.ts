import { type Config, loadConfig } from '../../config/index.ts';
import { type Careloop, type StartOptions, startCareloop } from '../../main/careloop.ts';
import { warn } from './output.ts';

/** Loads and validates the configuration, then starts the services a command needs. */
export async function withCareloop<T>(
  opts: Omit<StartOptions, 'notice'>,
  fn: (careloop: Careloop, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const careloop = await startCareloop(config, { ...opts, notice: warn });
  try {
    return await fn(careloop, config);
  } finally {
    await careloop.close();
  }
}
