import { parentPort, workerData } from 'node:worker_threads';
import type { ImportRow } from '../rows.ts';
import { type PrepareContext, prepareRows } from './prepare.ts';

/** An import thread: receives chunks of rows, answers with them prepared. */
const ctx = workerData as PrepareContext;
parentPort?.on('message', (msg: { id: number; rows: ImportRow[] }) => {
  const prepared = prepareRows(ctx, msg.rows);
  const { patients, facts, lookups, sources } = prepared.copy;
  // The rendered COPY text and its ranges move to the writer without a copy.
  parentPort?.postMessage({ id: msg.id, prepared }, [
    patients.buffer,
    facts.buffer,
    lookups.buffer,
    sources.buffer,
    prepared.ranges.buffer,
  ]);
});
