import { createServer } from 'node:net';
import type { Role } from '@careloop/contracts';
import type { Config } from '../../../server/src/config/index.ts';
import { buildApp } from '../../../server/src/interfaces/http/app.ts';
import type { App } from '../../../server/src/interfaces/http/types.ts';
import { ManualClock, newId } from '../../../server/src/kernel/index.ts';
import type { Careloop } from '../../../server/src/main/careloop.ts';
import { type DemoSummary, demoCredentials } from '../../../server/src/modules/demo/index.ts';
import { testCareloop } from '../../../server/test/support/careloop.ts';

/**
 * A real Careloop server for browser tests: the test database, a small demo clinic of
 * its own (unique slug, so test files never meet), listening on a free port.
 */
export interface TestDashboard {
  readonly url: string;
  readonly careloop: Careloop;
  readonly clock: ManualClock;
  readonly app: App;
  readonly demo: DemoSummary;
  readonly account: (role: Role) => { email: string; password: string };
  close(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startDashboard(
  opts: { patients?: number; config?: Partial<Config> } = {},
): Promise<TestDashboard> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clock = new ManualClock('2026-11-23T09:00:00Z');
  const careloop = await testCareloop({ clock, config: { ...opts.config, publicUrl: url, port } });
  const slug = `demo-${newId().slice(-10)}`;
  const demo = await careloop.demo.generate({ patients: opts.patients ?? 120, asOf: clock.now(), slug });
  const app = await buildApp(careloop, { logger: { level: process.env.DASH_LOG ?? 'silent' } });
  await app.listen({ port, host: '127.0.0.1' });
  const creds = demoCredentials(slug);
  return {
    url,
    careloop,
    clock,
    app,
    demo,
    account: (role) => {
      const c = creds.find((x) => x.role === role)!;
      return { email: c.email, password: c.password };
    },
    close: async () => {
      await app.close();
      await careloop.close();
    },
  };
}
