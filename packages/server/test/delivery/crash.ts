import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { startSmtp } from './support.ts';

/** An HTTP face on the test SMTP server's log, so a child worker can ask "did you accept it?". */
export async function lookupService(smtp: Awaited<ReturnType<typeof startSmtp>>) {
  const server = createServer(async (req, res) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: await smtp.lookup(id) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lookup`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));

export interface CrashRun {
  readonly kills: number;
  readonly restarts: number;
  readonly ms: number;
}

/**
 * Starts the worker process, SIGKILLs it at a random point after it is up, `kills` times,
 * then lets a last one run to the end. Node 24 (this process's binary) runs the TypeScript.
 */
export async function runWithKills(
  env: Record<string, string>,
  kills: number,
  opts: { maxDelayMs?: number; random?: () => number } = {},
): Promise<CrashRun> {
  const random = opts.random ?? Math.random;
  const started = performance.now();
  let restarts = 0;
  const start = (): { child: ChildProcess; ready: Promise<void>; exit: Promise<number | null> } => {
    restarts++;
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ready = new Promise<void>((resolve) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, ready, exit };
  };
  for (let i = 0; i < kills; i++) {
    const w = start();
    const finished = await Promise.race([w.ready.then(() => false), w.exit.then(() => true)]);
    if (finished) break; // nothing left to do
    await new Promise((r) => setTimeout(r, Math.floor(random() * (opts.maxDelayMs ?? 400))));
    w.child.kill('SIGKILL');
    await w.exit;
  }
  const last = start();
  const code = await last.exit;
  if (code !== 0) throw new Error(`the last worker exited with ${code}`);
  return { kills, restarts, ms: performance.now() - started };
}
