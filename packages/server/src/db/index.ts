export { type CopyValue, CopyWriter, LineBuffer, LineSelection } from './copy.ts';
export {
  type BulkLoad,
  type BulkOptions,
  type CopyInto,
  type CopyRows,
  type CopyText,
  type Database,
  EmbeddedDatabase,
  type HeldLock,
  ServerDatabase,
  type Tx,
} from './database.ts';
export { deferred, prepared } from './driver.ts';
export { migrations } from './migrations/index.ts';
export { openDatabase, type StorageOptions } from './open.ts';
export type * from './schema.ts';
