import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../kernel/index.ts';
import { newKey } from './aead.ts';

/**
 * Master keys wrap each tenant's keys. They come from CARELOOP_MASTER_KEY or a key
 * file, never from the database, so a database dump alone decrypts nothing.
 */
export interface MasterKeys {
  readonly current: number;
  get(version: number): Buffer;
  versions(): number[];
}

interface KeyFile {
  keys: { version: number; key: string; createdAt: string }[];
}

class KeyRing implements MasterKeys {
  readonly current: number;
  readonly #keys: Map<number, Buffer>;
  constructor(keys: Map<number, Buffer>) {
    if (keys.size === 0) throw new AppError('CONFIG_INVALID', 'No master key is configured.');
    this.#keys = keys;
    this.current = Math.max(...keys.keys());
  }
  get(version: number): Buffer {
    const k = this.#keys.get(version);
    if (!k) throw new AppError('CONFIG_INVALID', `Master key version ${version} is not available.`);
    return k;
  }
  versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => b - a);
  }
}

const decodeKey = (b64: string, where: string): Buffer => {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32)
    throw new AppError('CONFIG_INVALID', `${where}: a master key must be 32 bytes in base64.`);
  return key;
};

/** Parses "2:base64,1:base64" (the environment form). */
export function parseMasterKeys(spec: string): MasterKeys {
  const keys = new Map<number, Buffer>();
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+):(\S+)\s*$/.exec(part);
    if (!m)
      throw new AppError(
        'CONFIG_INVALID',
        'CARELOOP_MASTER_KEY: expected version:base64 pairs, e.g. 1:AAAA…',
      );
    keys.set(Number(m[1]), decodeKey(m[2]!, `CARELOOP_MASTER_KEY version ${m[1]}`));
  }
  return new KeyRing(keys);
}

export function readKeyFile(path: string): MasterKeys {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `Cannot read the key file ${path}: ${(e as Error).message}`);
  }
  const keys = new Map<number, Buffer>();
  for (const k of parsed.keys ?? []) keys.set(k.version, decodeKey(k.key, `${path} version ${k.version}`));
  return new KeyRing(keys);
}

function writeKeyFile(path: string, file: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/**
 * Loads the master keys: from the environment when given, else from the key file,
 * which is created with a fresh key when `create` is set (first start of a local install).
 */
export function loadMasterKeys(opts: {
  spec?: string | undefined;
  keyFile: string;
  create: boolean;
}): MasterKeys {
  if (opts.spec) return parseMasterKeys(opts.spec);
  if (!existsSync(opts.keyFile)) {
    if (!opts.create) {
      throw new AppError(
        'CONFIG_INVALID',
        `No master key: set CARELOOP_MASTER_KEY or provide the key file ${opts.keyFile}.`,
      );
    }
    writeKeyFile(opts.keyFile, {
      keys: [{ version: 1, key: newKey().toString('base64'), createdAt: new Date().toISOString() }],
    });
  }
  return readKeyFile(opts.keyFile);
}

/** Adds a new master key version to the key file; older versions stay until everything is re-wrapped. */
export function addMasterKeyVersion(keyFile: string): number {
  const file = JSON.parse(readFileSync(keyFile, 'utf8')) as KeyFile;
  const version = Math.max(0, ...file.keys.map((k) => k.version)) + 1;
  file.keys.unshift({ version, key: newKey().toString('base64'), createdAt: new Date().toISOString() });
  writeKeyFile(keyFile, file);
  return version;
}
