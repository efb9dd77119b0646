import { parentPort, workerData } from 'node:worker_threads';
import type { ImportRow } from '../rows.ts';
import { type PrepareContext, prepareRows } from './prepare.ts';

/** An import thread: receives chunks of rows, answers with them prepared. */
const ctx = workerData as PrepareContext;
parentPort?.on('message', (msg: { id: number; rows: ImportRow[] }) => {
  parentPort?.postMessage({ id: msg.id, prepared: prepareRows(ctx, msg.rows) });
});
