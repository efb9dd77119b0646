import { ERRORS, type ErrorCode } from '@careloop/contracts/errors';
import type { Language } from '@careloop/contracts/vocab';

/**
 * The one fetch wrapper every screen uses. Same origin, cookie session; every write
 * carries the session's CSRF token in x-csrf-token. The token lives in memory only:
 * nothing from the API is ever written to localStorage or sessionStorage (R38).
 */

export interface ErrorDetail {
  readonly field?: string;
  readonly issue: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode | 'NETWORK';
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: readonly ErrorDetail[];
  constructor(
    code: ErrorCode | 'NETWORK',
    status: number,
    message: string,
    requestId?: string,
    details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.requestId = requestId;
    this.details = details;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Set by the session provider after sign-in (and cleared at sign-out). */
export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};

/** Called when the server says the session is gone (idle expiry, sign-out elsewhere). */
export const onSessionLost = (fn: (() => void) | null): void => {
  onUnauthenticated = fn;
};

export interface RequestOptions {
  /** JSON body; sent as application/json. */
  readonly json?: unknown;
  /** A file or other raw body, sent with its own content type. */
  readonly raw?: Blob;
  readonly headers?: Record<string, string>;
  /** Query parameters: never personal data (R38) — only ids, enums and paging. */
  readonly query?: Record<string, string | number | boolean | undefined>;
  /** Expect a text body (HTML export) instead of JSON. */
  readonly text?: boolean;
  readonly signal?: AbortSignal;
}

const SAFE = new Set(['GET', 'HEAD']);

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.raw) {
    headers['content-type'] ??= opts.raw.type || 'application/octet-stream';
    body = opts.raw;
  }
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError('NETWORK', 0, 'network');
  }
  if (!res.ok) {
    const err = await res.json().catch(() => null);
    const e = (
      err as { error?: { code?: string; message?: string; requestId?: string; details?: ErrorDetail[] } }
    )?.error;
    const code = e?.code && e.code in ERRORS ? (e.code as ErrorCode) : 'INTERNAL';
    if (res.status === 401 && code === 'UNAUTHENTICATED') onUnauthenticated?.();
    throw new ApiError(code, res.status, e?.message ?? res.statusText, e?.requestId, e?.details ?? []);
  }
  if (opts.text) return (await res.text()) as T;
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const http = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, json?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, { ...opts, json: json ?? {} }),
  patch: <T>(path: string, json: unknown, opts?: RequestOptions) =>
    request<T>('PATCH', path, { ...opts, json }),
  delete: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  put: <T>(path: string, json: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, json }),
  upload: <T>(path: string, file: Blob, opts?: RequestOptions) =>
    request<T>('POST', path, { ...opts, raw: file }),
};

const NETWORK_MESSAGE: Record<Language, string> = {
  ru: 'Нет связи с сервером. Проверьте подключение и повторите.',
  en: 'Cannot reach the server. Check the connection and try again.',
};

/** The message a person reads for an error: from the shared catalogue, in their language. */
export function errorMessage(e: unknown, lang: Language): string {
  if (e instanceof ApiError) {
    if (e.code === 'NETWORK') return NETWORK_MESSAGE[lang];
    return ERRORS[e.code][lang];
  }
  return ERRORS.INTERNAL[lang];
}
