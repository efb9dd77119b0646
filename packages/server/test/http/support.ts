import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, LOG_REDACT } from '../../src/interfaces/http/app.ts';
import type { App } from '../../src/interfaces/http/types.ts';
import type { Careloop } from '../../src/main/careloop.ts';

/** The app with its log captured in memory, so tests can scan what would be written (R46). */
export async function appWithLog(careloop: Careloop): Promise<{ app: App; log: string[] }> {
  const log: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      log.push(String(chunk));
      done();
    },
  });
  const app = await buildApp(careloop, {
    loggerInstance: pino({ level: 'info', redact: LOG_REDACT }, stream),
  });
  return { app, log };
}

/** Signs in through the API; returns the cookie and CSRF token to send back. */
export async function signIn(
  app: App,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name === 'careloop_session');
  if (!set) throw new Error('no session cookie');
  return { cookie: `careloop_session=${set.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
}
