export { BATCH_ROWS, chunks, valuesList } from './batches.ts';
export { type CopyValue, CopyWriter, LineSelection } from './copy.ts';
export { BinaryTuples, type BinaryType } from './copy-binary.ts';
export type {
  BulkLoad,
  BulkOptions,
  CopyInto,
  CopyRows,
  CopyText,
  Database,
  HeldLock,
  Tx,
} from './database.ts';
export { deferred, prepared } from './driver.ts';
export { EmbeddedDatabase } from './embedded.ts';
export { migrations } from './migrations/index.ts';
export { openDatabase, type StorageOptions } from './open.ts';
export type * from './schema.ts';
export { ServerDatabase } from './server.ts';
