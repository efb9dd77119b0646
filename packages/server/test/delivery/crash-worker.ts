/**
 * The delivery worker as a separate process, for the crash test and bench/delivery-crash.ts:
 * the parent SIGKILLs it at random points and starts it again. Configuration comes from the
 * environment; it exits 0 once its tenant has nothing queued or in `sending`.
 */
import { sql } from 'kysely';
import { type Database, EmbeddedDatabase, ServerDatabase } from '../../src/db/index.ts';
import { systemClock } from '../../src/kernel/index.ts';
import { loadMasterKeys, Vault } from '../../src/modules/crypto/index.ts';
import {
  catalogueRenderer,
  DeliveryWorker,
  type LookupResult,
  smtpChannel,
} from '../../src/modules/delivery/index.ts';
import { TEMPLATES } from './support.ts';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const spec = env('CRASH_DB');
const tenantId = env('CRASH_TENANT');
const lookupUrl = env('CRASH_LOOKUP_URL');
const db: Database = spec.startsWith('postgres')
  ? new ServerDatabase(spec, 3)
  : await EmbeddedDatabase.open({ dataDir: spec.replace(/^embedded:/, '') });
const vault = new Vault(
  loadMasterKeys({ spec: env('CRASH_MASTER_KEY'), keyFile: '/nonexistent', create: false }),
);
const worker = new DeliveryWorker(
  { db, vault, clock: systemClock },
  {
    adapters: [
      smtpChannel({
        host: '127.0.0.1',
        port: Number(env('CRASH_SMTP_PORT')),
        secure: false,
        from: 'news@clinic.test',
        maxConnections: 8,
        lookup: async (messageId): Promise<LookupResult> => {
          const res = await fetch(`${lookupUrl}?id=${encodeURIComponent(messageId)}`);
          return ((await res.json()) as { status: LookupResult }).status;
        },
      }),
    ],
    renderer: catalogueRenderer(Object.values(TEMPLATES)),
    publicUrl: 'https://care.clinic.test',
    tenantIds: [tenantId],
    batchSize: Number(process.env.CRASH_BATCH ?? 100),
    concurrency: 8,
    leaseMs: 1_000,
    sendTimeoutMs: 800,
  },
);
process.stdout.write('ready\n');
for (;;) {
  const r = await worker.drain();
  if (r.claimed > 0 || r.reconciled > 0) continue;
  const left = await db.tenant(tenantId, (tx) =>
    sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM outbox_messages WHERE state IN ('queued', 'sending')`.execute(tx),
  );
  if ((left.rows[0]?.n ?? 0) === 0) break;
  await new Promise((r) => setTimeout(r, 200));
}
await worker.stop();
await db.close();
process.stdout.write('done\n');
