// Every PIGEON_* setting: its type, default and one line of documentation. The README's
// configuration table is generated from SETTINGS (`npm run docs:config -w server`).
import fs from 'node:fs';
import path from 'node:path';

type Kind = 'string' | 'int' | 'bool' | 'enum' | 'url';

interface Setting<T> {
  env: string;
  kind: Kind;
  doc: string;
  /** Default as written in docs; the parsed default comes from `parse(undefined, raw)`. */
  defaultText: string;
  parse: (value: string | undefined, raw: RawSettings) => T;
}

type RawSettings = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}

function str(env: string, def: string, doc: string): Setting<string> {
  return {
    env,
    kind: 'string',
    doc,
    defaultText: def,
    parse: (v) => (v === undefined || v === '' ? def : v),
  };
}

function int(env: string, def: number, min: number, max: number, doc: string): Setting<number> {
  return {
    env,
    kind: 'int',
    doc,
    defaultText: String(def),
    parse: (v) => {
      if (v === undefined || v === '') {
        return def;
      }
      if (!/^-?\d+$/.test(v.trim())) {
        throw new ConfigError(env, `must be a whole number, got "${v}"`);
      }
      const n = Number(v);
      if (n < min || n > max) {
        throw new ConfigError(env, `must be between ${min} and ${max}, got ${n}`);
      }
      return n;
    },
  };
}

function oneOf<T extends string>(env: string, values: readonly T[], def: T, doc: string): Setting<T> {
  return {
    env,
    kind: 'enum',
    doc: `${doc} One of: ${values.join(', ')}.`,
    defaultText: def,
    parse: (v) => {
      if (v === undefined || v === '') {
        return def;
      }
      if (!(values as readonly string[]).includes(v)) {
        throw new ConfigError(env, `must be one of ${values.join(', ')}, got "${v}"`);
      }
      return v as T;
    },
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const ROLES = ['all', 'api', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export const SETTINGS = {
  host: str('PIGEON_HOST', '0.0.0.0', 'Address the HTTP server listens on.'),
  port: int('PIGEON_PORT', 3000, 0, 65535, 'HTTP port for the console, the API and the WebSocket stream.'),
  dataDir: str(
    'PIGEON_DATA_DIR',
    './data',
    'Directory for the SQLite database, generated secrets and backups.',
  ),
  databaseUrl: {
    env: 'PIGEON_DATABASE_URL',
    kind: 'url',
    doc: 'Database: `postgres://user:pass@host:5432/db` for PostgreSQL, or `sqlite:<path>` for a SQLite file.',
    defaultText: 'sqlite:<PIGEON_DATA_DIR>/pigeon.db',
    parse: (v, raw) => {
      const dataDir = raw.PIGEON_DATA_DIR || './data';
      if (v === undefined || v === '') {
        return `sqlite:${path.join(dataDir, 'pigeon.db')}`;
      }
      if (/^postgres(ql)?:\/\//.test(v)) {
        try {
          new URL(v);
        } catch {
          throw new ConfigError('PIGEON_DATABASE_URL', 'is not a valid postgres:// URL');
        }
        return v;
      }
      if (v.startsWith('sqlite:')) {
        if (v.length <= 'sqlite:'.length) {
          throw new ConfigError(
            'PIGEON_DATABASE_URL',
            'sqlite: needs a file path, e.g. sqlite:./data/pigeon.db',
          );
        }
        return v;
      }
      throw new ConfigError(
        'PIGEON_DATABASE_URL',
        `must start with postgres://, postgresql:// or sqlite:, got "${v}"`,
      );
    },
  } satisfies Setting<string>,
  dbPoolSize: int('PIGEON_DB_POOL_SIZE', 10, 1, 500, 'PostgreSQL connection pool size.'),
  logLevel: oneOf('PIGEON_LOG_LEVEL', LOG_LEVELS, 'info', 'Log level.'),
  role: oneOf('PIGEON_ROLE', ROLES, 'all', 'Which roles this process runs.'),
  publicUrl: str(
    'PIGEON_PUBLIC_URL',
    '',
    'External URL of the console, used in links and printed at start-up.',
  ),
  demo: oneOf(
    'PIGEON_DEMO',
    ['auto', 'true', 'false'] as const,
    'auto',
    'Demo mode (built-in SMSC simulator and SMTP sink, a seeded demo tenant); `auto` = on for a new data directory and later starts of it.',
  ),
  url: str('PIGEON_URL', '', 'Base URL `pigeon send` talks to; empty = `http://127.0.0.1:<PIGEON_PORT>`.'),
  apiKey: str('PIGEON_API_KEY', '', 'API key `pigeon send` sends as `X-API-Key`.'),
  jwtSecret: str(
    'PIGEON_JWT_SECRET',
    '',
    'Secret for signing access tokens; generated once and kept in the database when empty.',
  ),
  accessTokenTtl: int('PIGEON_ACCESS_TOKEN_TTL', 900, 60, 86_400, 'Access token lifetime in seconds.'),
  refreshTokenTtl: int(
    'PIGEON_REFRESH_TOKEN_TTL',
    2_592_000,
    300,
    31_536_000,
    'Refresh token lifetime in seconds.',
  ),
  apiKeyRateLimit: int(
    'PIGEON_API_KEY_RATE_LIMIT',
    1000,
    0,
    1_000_000,
    'Requests per second an API key may make unless the key sets its own limit; 0 = unlimited.',
  ),
  webDist: str(
    'PIGEON_WEB_DIST',
    '',
    'Directory of the built console; defaults to web/dist of this checkout.',
  ),
  shutdownTimeoutMs: int(
    'PIGEON_SHUTDOWN_TIMEOUT_MS',
    10_000,
    0,
    600_000,
    'How long shutdown waits for in-flight work.',
  ),
  maxBacklog: int(
    'PIGEON_MAX_BACKLOG',
    2_000_000,
    1,
    100_000_000,
    'Queued messages (all providers) above which sends are refused with 503 and Retry-After.',
  ),
  maxPendingAccepts: int(
    'PIGEON_MAX_PENDING_ACCEPTS',
    50_000,
    1,
    10_000_000,
    'Messages waiting for the next group commit above which sends are refused with 503.',
  ),
  deliveryMaxAttempts: int(
    'PIGEON_DELIVERY_MAX_ATTEMPTS',
    6,
    1,
    100,
    'Submit attempts of a message (across providers) before it fails.',
  ),
  deliveryRetryBaseMs: int(
    'PIGEON_DELIVERY_RETRY_BASE_MS',
    2_000,
    1,
    3_600_000,
    'First retry delay; doubles per attempt with jitter, capped at 5 minutes.',
  ),
  receiptTimeout: int(
    'PIGEON_RECEIPT_TIMEOUT',
    172_800,
    60,
    30 * 86_400,
    'Seconds after which a sent message with no delivery receipt ends as `unknown` (or `expired` once its validity period has passed).',
  ),
  deliveryInflight: int(
    'PIGEON_DELIVERY_INFLIGHT',
    512,
    1,
    100_000,
    'Submits a worker keeps outstanding per provider (the connector still applies its own window).',
  ),
  bodyLimit: int(
    'PIGEON_BODY_LIMIT',
    16 * 1024 * 1024,
    1024,
    512 * 1024 * 1024,
    'Largest accepted request body in bytes.',
  ),
  callbackTimeoutMs: int(
    'PIGEON_CALLBACK_TIMEOUT_MS',
    10_000,
    100,
    120_000,
    "How long one callback delivery waits for the customer's URL to answer before it counts as failed.",
  ),
  inboundReplyDays: int(
    'PIGEON_INBOUND_REPLY_DAYS',
    7,
    1,
    365,
    'Days after an outbound SMS during which an inbound message from its recipient counts as a reply.',
  ),
  smppPort: int(
    'PIGEON_SMPP_PORT',
    2775,
    0,
    65535,
    'Port of the SMPP server for customers (roles `api` and `all`); 0 = any free port.',
  ),
  smppTlsKey: str(
    'PIGEON_SMPP_TLS_KEY',
    '',
    'PEM private key file; with `PIGEON_SMPP_TLS_CERT` the SMPP server speaks TLS only.',
  ),
  smppTlsCert: {
    env: 'PIGEON_SMPP_TLS_CERT',
    kind: 'string',
    doc: 'PEM certificate (chain) file for the SMPP server; set together with `PIGEON_SMPP_TLS_KEY`.',
    defaultText: '',
    parse: (v, raw) => {
      const cert = v ?? '';
      if ((cert === '') !== ((raw.PIGEON_SMPP_TLS_KEY ?? '') === '')) {
        throw new ConfigError('PIGEON_SMPP_TLS_CERT', 'must be set together with PIGEON_SMPP_TLS_KEY');
      }
      return cert;
    },
  } satisfies Setting<string>,
} as const;

export type Config = {
  -readonly [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]['parse']>;
} & { secretsLoaded?: boolean };

/** Parses settings from the environment (and an optional JSON file named by PIGEON_CONFIG_FILE). */
export function loadConfig(env: RawSettings = process.env): Config {
  const raw: RawSettings = { ...readConfigFile(env.PIGEON_CONFIG_FILE), ...pickPigeon(env) };
  const known = new Set(['PIGEON_CONFIG_FILE', ...Object.values(SETTINGS).map((s) => s.env)]);
  const testOnly = /^PIGEON_TEST_/;
  for (const key of Object.keys(raw)) {
    if (!known.has(key) && !testOnly.test(key)) {
      throw new ConfigError(key, 'is not a known setting (see the configuration table in the README)');
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS)) {
    out[name] = (setting as Setting<unknown>).parse(raw[setting.env], raw);
  }
  return out as Config;
}

function pickPigeon(env: RawSettings): RawSettings {
  const out: RawSettings = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('PIGEON_')) {
      out[k] = v;
    }
  }
  return out;
}

function readConfigFile(file: string | undefined): RawSettings {
  if (!file) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('PIGEON_CONFIG_FILE', `cannot read ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('PIGEON_CONFIG_FILE', 'must contain a JSON object of PIGEON_* keys');
  }
  const out: RawSettings = {};
  for (const [k, v] of Object.entries(parsed)) {
    out[k] = v === null || v === undefined ? undefined : String(v);
  }
  return out;
}

/** The rows of the README's configuration table. */
export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map(
    (s) => `| \`${s.env}\` | ${s.defaultText === '' ? '(empty)' : `\`${s.defaultText}\``} | ${s.doc} |`,
  );
  return ['| Setting | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
