import { parentPort, workerData } from 'node:worker_threads';
import { type BatchContext, type BatchJob, generateBatch } from './batch.ts';

/** A generator thread: receives batch jobs, answers with their COPY text. */
const ctx = workerData as BatchContext;
parentPort?.on('message', (job: BatchJob) => {
  const b = generateBatch(ctx, job);
  // Hand the COPY buffers over without copying them.
  const buffers = [b.patients, b.lookup, b.visits, b.services, b.events, b.state].flatMap((t) =>
    t.chunks.map((c) => c.buffer as ArrayBuffer),
  );
  parentPort?.postMessage(b, [...new Set(buffers)]);
});
