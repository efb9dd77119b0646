import { createReadStream } from 'node:fs';
import { AppError } from '../../kernel/index.ts';

/** A file path, the whole file in memory, or a byte stream such as an upload. */
export type ImportSource = string | Uint8Array | AsyncIterable<Uint8Array>;

/** Bytes read ahead for sniffing; enough for dozens of rows, a zip directory entry or a JSON head. */
export const HEAD_BYTES = 64 * 1024;

/**
 * A one-pass byte stream whose first bytes were read ahead for sniffing and are replayed
 * at the start of `chunks()`, so an upload is never read twice nor held whole in memory.
 */
export interface ByteStream {
  readonly head: Buffer;
  /** True when `head` holds the whole input. */
  readonly complete: boolean;
  /** Bytes handed out by `chunks()` so far: with the file size, a progress bar. */
  readonly bytesRead: number;
  /** The head, then the rest of the input. Can be iterated once. */
  chunks(): AsyncIterable<Buffer>;
  /** Releases the underlying file or stream; safe to call more than once. */
  close(): Promise<void>;
}

interface Opened {
  readonly iterator: AsyncIterator<Uint8Array>;
  readonly destroy: () => void;
}

function open(source: ImportSource): Opened {
  if (typeof source === 'string') {
    const stream = createReadStream(source, { highWaterMark: HEAD_BYTES });
    return { iterator: stream[Symbol.asyncIterator](), destroy: () => stream.destroy() };
  }
  if (source instanceof Uint8Array) {
    const once = (async function* () {
      yield source;
    })();
    return { iterator: once, destroy: () => {} };
  }
  return { iterator: source[Symbol.asyncIterator](), destroy: () => {} };
}

function unreadable(cause: unknown): AppError {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new AppError(
      'NOT_FOUND',
      'The import file was not found.',
      [{ field: 'file', issue: 'not_found' }],
      {
        cause,
      },
    );
  }
  if (code === 'EISDIR') {
    return new AppError('BAD_REQUEST', 'The import path is a directory, not a file.', undefined, { cause });
  }
  return new AppError('BAD_REQUEST', 'The import file cannot be read.', undefined, { cause });
}

/**
 * Opens a source and reads at least `headBytes` ahead. When `untilNonAscii` is given and the
 * head is plain ASCII, it keeps reading up to that many bytes so the encoding sniffer sees
 * the first Cyrillic letters even behind a long Latin-only preamble.
 */
export async function openByteStream(
  source: ImportSource,
  headBytes = HEAD_BYTES,
  untilNonAscii = 0,
): Promise<ByteStream> {
  const { iterator, destroy } = open(source);
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  let sawNonAscii = false;
  try {
    while (!done) {
      const enough = size >= headBytes && (sawNonAscii || size >= untilNonAscii);
      if (enough) break;
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (!sawNonAscii && untilNonAscii > 0) sawNonAscii = chunk.some((b) => b >= 0x80);
      parts.push(chunk);
      size += chunk.length;
    }
  } catch (e) {
    destroy();
    throw unreadable(e);
  }
  const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  let used = false;
  let closed = false;
  let bytesRead = 0;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await iterator.return?.();
    } finally {
      destroy();
    }
  };
  return {
    head,
    complete: done,
    get bytesRead() {
      return bytesRead;
    },
    chunks: () => {
      if (used) throw new Error('ByteStream.chunks() can be iterated only once');
      used = true;
      return (async function* () {
        try {
          if (head.length > 0) {
            bytesRead = head.length;
            yield head;
          }
          if (done) return;
          while (true) {
            const next = await iterator.next();
            if (next.done) return;
            bytesRead += next.value.byteLength;
            yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
          }
        } finally {
          await close();
        }
      })();
    },
    close,
  };
}
