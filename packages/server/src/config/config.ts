import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { AppError } from '../kernel/index.ts';

/**
 * Careloop's configuration: environment variables, optionally a JSON file
 * (CARELOOP_CONFIG, default ./careloop.config.json) whose keys are the same
 * names. The environment wins over the file. Every bad key is reported at once.
 */
const Settings = Type.Object(
  {
    PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000, description: 'HTTP port' }),
    HOST: Type.String({ minLength: 1, default: 'localhost', description: 'Interface to listen on' }),
    CARELOOP_DATA_DIR: Type.String({
      minLength: 1,
      default: './data',
      description: 'Embedded database and local key file',
    }),
    DATABASE_URL: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        description: 'PostgreSQL server instead of the embedded database',
      }),
    ),
    CARELOOP_PUBLIC_URL: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'Address patients and staff reach Careloop at' }),
    ),
    CARELOOP_MASTER_KEY: Type.Optional(
      Type.String({ minLength: 1, description: 'Master keys as version:base64 pairs, newest first' }),
    ),
    CARELOOP_KEY_FILE: Type.Optional(
      Type.String({ minLength: 1, description: 'File holding the master keys' }),
    ),
    CARELOOP_SESSION_IDLE_MINUTES: Type.Integer({
      minimum: 1,
      maximum: 720,
      default: 15,
      description: 'Idle sign-out for staff sessions (R39)',
    }),
    CARELOOP_SMTP_URL: Type.Optional(
      Type.String({
        pattern: '^smtps?://',
        description: 'Outgoing mail relay, smtp(s)://user:password@host:port',
      }),
    ),
    CARELOOP_SMTP_FROM: Type.Optional(
      Type.String({ minLength: 3, description: 'From address of e-mail messages' }),
    ),
    CARELOOP_SMTP_DKIM_SELECTOR: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$',
        description:
          'DKIM selector the relay signs the From domain with, checked before a campaign starts (R19)',
      }),
    ),
    CARELOOP_DNS_SERVERS: Type.Optional(
      Type.String({
        pattern: '^[^,\\s]+(,[^,\\s]+)*$',
        description:
          'DNS servers (host or host:port, comma-separated) for the sender checks; the system resolver otherwise',
      }),
    ),
    CARELOOP_SMS_URL: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'SMS gateway endpoint messages are POSTed to' }),
    ),
    CARELOOP_SMS_AUTH: Type.Optional(
      Type.String({ minLength: 1, description: 'Authorization header for the SMS gateway' }),
    ),
    CARELOOP_SMS_STATUS_URL: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'SMS gateway status lookup by reference (reconciliation)',
      }),
    ),
    CARELOOP_SMS_IDEMPOTENT: Type.Optional(
      Type.Enum(['true', 'false'], { description: 'The SMS gateway honours Idempotency-Key' }),
    ),
    CARELOOP_MESSENGER_URL: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'Messenger bot endpoint messages are POSTed to' }),
    ),
    CARELOOP_MESSENGER_AUTH: Type.Optional(
      Type.String({ minLength: 1, description: 'Authorization header for the messenger bot' }),
    ),
    CARELOOP_WEBHOOK_SECRET: Type.Optional(
      Type.String({ minLength: 24, description: 'Token providers send in x-careloop-webhook-token' }),
    ),
    LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      default: 'info',
      description: 'Log level',
    }),
  },
  { additionalProperties: false },
);
export type Settings = Static<typeof Settings>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly masterKey: string | undefined;
  readonly keyFile: string;
  readonly sessionIdleMinutes: number;
  readonly logLevel: Settings['LOG_LEVEL'];
  /** Channel providers; absent channels are simply not sent on. */
  readonly delivery?: DeliveryConfig;
}

export interface DeliveryConfig {
  readonly smtp?: {
    readonly host: string;
    readonly port: number;
    readonly secure: boolean;
    readonly user?: string;
    readonly password?: string;
    readonly from: string;
    /** The DKIM selector of the From domain (R19). */
    readonly dkimSelector?: string;
  };
  readonly sms?: {
    readonly url: string;
    readonly authorization?: string;
    readonly statusUrl?: string;
    readonly idempotent: boolean;
  };
  readonly messenger?: { readonly url: string; readonly authorization?: string };
  readonly webhookSecret?: string;
  /** DNS servers for the sender-authentication check (R19); the system's otherwise. */
  readonly dnsServers?: readonly string[];
}

const KNOWN = new Set(Object.keys(Settings.properties));
const NUMERIC = new Set(['PORT', 'CARELOOP_SESSION_IDLE_MINUTES']);

/** Documentation of every setting, for `--help` and the README. */
export const SETTINGS_HELP: readonly { key: string; description: string; default?: unknown }[] =
  Object.entries(Settings.properties).map(([key, schema]) => {
    const s = schema as { description?: string; default?: unknown };
    return {
      key,
      description: s.description ?? '',
      ...(s.default === undefined ? {} : { default: s.default }),
    };
  });

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const file = readConfigFile(env, cwd, problems);
  const raw: Record<string, unknown> = { ...file };
  for (const key of KNOWN) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  // A misspelt CARELOOP_* variable would silently fall back to a default.
  for (const key of Object.keys(env)) {
    if (key.startsWith('CARELOOP_') && !KNOWN.has(key) && key !== 'CARELOOP_CONFIG') {
      problems.push(
        `${key}: unknown setting (known: ${[...KNOWN].filter((k) => k.startsWith('CARELOOP_')).join(', ')})`,
      );
    }
  }
  for (const key of NUMERIC) {
    const v = raw[key];
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) raw[key] = Number(v);
  }
  const value = Value.Default(Settings, raw) as Record<string, unknown>;
  for (const e of Value.Errors(Settings, value)) {
    if (e.keyword === 'boolean') continue; // repeated by additionalProperties
    const key = e.instancePath.replace(/^\//, '');
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      for (const k of extra) problems.push(`${k}: unknown setting in the configuration file`);
      continue;
    }
    problems.push(`${key}: ${describe(key, e.message)} (got ${JSON.stringify(value[key])})`);
  }
  const delivery = deliveryConfig(value as Settings, problems);
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const s = value as Settings;
  const dataDir = resolve(cwd, s.CARELOOP_DATA_DIR);
  return {
    port: s.PORT,
    host: s.HOST,
    dataDir,
    databaseUrl: s.DATABASE_URL,
    publicUrl: (s.CARELOOP_PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/$/, ''),
    masterKey: s.CARELOOP_MASTER_KEY,
    keyFile: resolve(cwd, s.CARELOOP_KEY_FILE ?? resolve(dataDir, 'keys', 'master-keys.json')),
    sessionIdleMinutes: s.CARELOOP_SESSION_IDLE_MINUTES,
    logLevel: s.LOG_LEVEL,
    delivery,
  };
}

function deliveryConfig(s: Settings, problems: string[]): DeliveryConfig {
  let smtp: DeliveryConfig['smtp'];
  if (s.CARELOOP_SMTP_URL) {
    try {
      const u = new URL(s.CARELOOP_SMTP_URL);
      const secure = u.protocol === 'smtps:';
      if (!s.CARELOOP_SMTP_FROM) problems.push('CARELOOP_SMTP_FROM: required with CARELOOP_SMTP_URL');
      smtp = {
        host: u.hostname,
        port: u.port ? Number(u.port) : secure ? 465 : 587,
        secure,
        ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
        ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
        from: s.CARELOOP_SMTP_FROM ?? '',
        ...(s.CARELOOP_SMTP_DKIM_SELECTOR ? { dkimSelector: s.CARELOOP_SMTP_DKIM_SELECTOR } : {}),
      };
    } catch {
      problems.push('CARELOOP_SMTP_URL: not a valid URL');
    }
  }
  return {
    ...(smtp ? { smtp } : {}),
    ...(s.CARELOOP_SMS_URL
      ? {
          sms: {
            url: s.CARELOOP_SMS_URL,
            ...(s.CARELOOP_SMS_AUTH ? { authorization: s.CARELOOP_SMS_AUTH } : {}),
            ...(s.CARELOOP_SMS_STATUS_URL ? { statusUrl: s.CARELOOP_SMS_STATUS_URL } : {}),
            idempotent: s.CARELOOP_SMS_IDEMPOTENT === 'true',
          },
        }
      : {}),
    ...(s.CARELOOP_MESSENGER_URL
      ? {
          messenger: {
            url: s.CARELOOP_MESSENGER_URL,
            ...(s.CARELOOP_MESSENGER_AUTH ? { authorization: s.CARELOOP_MESSENGER_AUTH } : {}),
          },
        }
      : {}),
    ...(s.CARELOOP_WEBHOOK_SECRET ? { webhookSecret: s.CARELOOP_WEBHOOK_SECRET } : {}),
    ...(s.CARELOOP_DNS_SERVERS ? { dnsServers: s.CARELOOP_DNS_SERVERS.split(',') } : {}),
  };
}

function describe(key: string, message: string): string {
  const schema = (Settings.properties as Record<string, { enum?: unknown[] }>)[key];
  return schema?.enum ? `must be one of ${schema.enum.join(', ')}` : message;
}

function readConfigFile(env: NodeJS.ProcessEnv, cwd: string, problems: string[]): Record<string, unknown> {
  const explicit = env.CARELOOP_CONFIG;
  const path = resolve(cwd, explicit ?? 'careloop.config.json');
  if (!existsSync(path)) {
    if (explicit) problems.push(`CARELOOP_CONFIG: file ${path} does not exist`);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problems.push(`${path}: must hold a JSON object of settings`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (e) {
    problems.push(`${path}: ${(e as Error).message}`);
    return {};
  }
}
