// Configuration comes only from the environment, is validated once at start and then frozen.
// An invalid value stops the start with a message that names the variable and the value.

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL connection string; undefined means the embedded PGlite database in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  readonly adminUsername: string;
  /** undefined: generate a strong password on first start and print it once. */
  readonly adminPassword: string | undefined;
  readonly patLimit: number;
  readonly patKillSwitch: boolean;
  /** Lead times in days before expiry at which a token is flagged `expires-soon`. */
  readonly expiryWarningDays: readonly number[];
  readonly seenAtFlushIntervalMs: number;
  /** Longest lifetime a token may be created or rotated with; undefined: no limit. */
  readonly patMaxLifetimeDays: number | undefined;
  /** Tokens unused for this many days are revoked by a background job; undefined: never. */
  readonly patIdleRevokeDays: number | undefined;
  /** Keep usage (requests per day, last address and user agent); off only to measure its cost. */
  readonly patUsageTracking: boolean;
  readonly sessionTtlHours: number;
  readonly sessionMaxPerUser: number;
  /** Login attempts per client IP per minute. */
  readonly loginRateLimitPerMinute: number;
  /** Failed token attempts per client IP per minute before 429. */
  readonly authFailureLimitPerMinute: number;
  /** How long a valid token's credential may be served from memory. */
  readonly authCacheTtlMs: number;
  readonly authCacheMaxEntries: number;
  /** Fastify's trustProxy: false, true, or a list of proxy addresses/CIDRs. */
  readonly trustProxy: boolean | string;
  /** Password hashes (scrypt) that may run at once, and how many more may wait for a turn. */
  readonly passwordHashConcurrency: number;
  readonly passwordHashQueueMax: number;
  /** Password changes one user may make per minute (their own or, as Admin, others'). */
  readonly passwordChangeRateLimitPerMinute: number;
  /** Leak reports (POST /api/public/tokens/revoke) per client address per minute. */
  readonly leakReportRateLimitPerMinute: number;
  /** Audit events older than this many days are deleted; 0 keeps them forever. */
  readonly eventsRetentionDays: number;
  /** Slow clients: the whole request must arrive within this, ... */
  readonly requestTimeoutMs: number;
  /** ... and its headers within this (at most requestTimeoutMs). */
  readonly headersTimeoutMs: number;
  /** Serve Prometheus metrics at /internal-backstage/prometheus. */
  readonly metricsEnabled: boolean;
  /** When set, the metrics need `Authorization: Bearer <this>`; unset, they are open. */
  readonly metricsToken: string | undefined;
  /** Webhooks may target loopback, private and link-local addresses (self-hosting default). */
  readonly webhookAllowPrivate: boolean;
  /** The first retry of a failed delivery waits up to this long; each further one doubles it. */
  readonly webhookRetryBaseMs: number;
  /** A delivery is retried for this long after its event, then marked failed. */
  readonly webhookRetryForSeconds: number;
  /** A delivery attempt that has no answer within this is a failure. */
  readonly webhookTimeoutMs: number;
  /** How often each instance looks for due deliveries besides being woken by a commit. */
  readonly webhookPollIntervalMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return Number(raw);
}

/** Unset (or empty) means undefined: the policy is off. */
function optionalInteger(env: Env, name: string, min: number, max: number): number | undefined {
  return present(env, name) === undefined ? undefined : integer(env, name, 0, min, max);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = present(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}").`);
}

function dayList(env: Env, name: string, fallback: readonly number[]): readonly number[] {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part) || Number(part) < 1 || Number(part) > 3650)) {
    throw new ConfigError(
      `${name} must be a comma-separated list of days from 1 to 3650 (got "${raw}").`,
    );
  }
  return Object.freeze(parts.map(Number).sort((a, b) => b - a));
}

function databaseUrl(env: Env): string | undefined {
  const raw = present(env, 'DATABASE_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    // The URL may hold a password: name only its scheme.
    throw new ConfigError(
      `DATABASE_URL must use postgres:// or postgresql:// (got ${url.protocol}//).`,
    );
  }
  return raw;
}

function metricsToken(env: Env): string | undefined {
  const raw = present(env, 'METRICS_TOKEN');
  if (raw === undefined) return undefined;
  // A guard that can be guessed guards nothing; the value itself is never repeated.
  if (raw.length < 16 || /\s/.test(raw)) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters, without spaces.');
  }
  return raw;
}

function trustProxy(env: Env): boolean | string {
  const raw = present(env, 'TRUST_PROXY');
  if (raw === undefined || raw.toLowerCase() === 'false') return false;
  if (raw.toLowerCase() === 'true') return true;
  if (!/^[0-9a-fA-F:./,\s]+$/.test(raw)) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false or a comma-separated list of addresses or CIDRs (got "${raw}").`,
    );
  }
  return raw;
}

export function loadConfig(env: Env): Config {
  const logLevel = (present(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}").`);
  }
  const adminPassword = env.UNLEASH_DEFAULT_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword !== '' && adminPassword.length < 8) {
    throw new ConfigError('UNLEASH_DEFAULT_ADMIN_PASSWORD must be at least 8 characters long.');
  }
  const requestTimeoutMs = integer(env, 'REQUEST_TIMEOUT_MS', 15_000, 100, 600_000);
  const headersTimeoutMs = integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    // Node refuses a headers timeout longer than the request timeout; say so by name.
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be longer than REQUEST_TIMEOUT_MS (${requestTimeoutMs}).`,
    );
  }
  return Object.freeze({
    port: integer(env, 'PORT', 4242, 0, 65535),
    host: present(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: databaseUrl(env),
    dataDir: present(env, 'DATA_DIR') ?? './data',
    logLevel: logLevel as LogLevel,
    adminUsername: present(env, 'UNLEASH_DEFAULT_ADMIN_USERNAME') ?? 'admin',
    adminPassword: adminPassword === '' ? undefined : adminPassword,
    patLimit: integer(env, 'PAT_LIMIT', 10, 1, 10_000),
    patKillSwitch: boolean(env, 'UNLEASH_PAT_KILL_SWITCH', false),
    expiryWarningDays: dayList(env, 'PAT_EXPIRY_WARNING_DAYS', [14, 3]),
    seenAtFlushIntervalMs: integer(env, 'SEEN_AT_FLUSH_INTERVAL_MS', 2000, 100, 600_000),
    patMaxLifetimeDays: optionalInteger(env, 'PAT_MAX_LIFETIME_DAYS', 1, 36_500),
    patIdleRevokeDays: optionalInteger(env, 'PAT_IDLE_REVOKE_DAYS', 1, 36_500),
    patUsageTracking: boolean(env, 'PAT_USAGE_TRACKING', true),
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 48, 1, 24 * 365),
    sessionMaxPerUser: integer(env, 'SESSION_MAX_PER_USER', 10, 1, 1000),
    loginRateLimitPerMinute: integer(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 10, 1, 1_000_000),
    authFailureLimitPerMinute: integer(env, 'AUTH_FAILURE_LIMIT_PER_MINUTE', 300, 1, 1_000_000),
    // The default keeps revocation under a second even if a notification were lost.
    authCacheTtlMs: integer(env, 'AUTH_CACHE_TTL_MS', 900, 0, 60_000),
    authCacheMaxEntries: integer(env, 'AUTH_CACHE_MAX_ENTRIES', 100_000, 0, 10_000_000),
    trustProxy: trustProxy(env),
    passwordHashConcurrency: integer(env, 'PASSWORD_HASH_CONCURRENCY', 2, 1, 64),
    passwordHashQueueMax: integer(env, 'PASSWORD_HASH_QUEUE_MAX', 16, 0, 10_000),
    passwordChangeRateLimitPerMinute: integer(
      env,
      'PASSWORD_CHANGE_RATE_LIMIT_PER_MINUTE',
      5,
      1,
      1_000_000,
    ),
    leakReportRateLimitPerMinute: integer(
      env,
      'LEAK_REPORT_RATE_LIMIT_PER_MINUTE',
      30,
      1,
      1_000_000,
    ),
    eventsRetentionDays: integer(env, 'EVENTS_RETENTION_DAYS', 0, 0, 36_500),
    requestTimeoutMs,
    headersTimeoutMs,
    metricsEnabled: boolean(env, 'METRICS_ENABLED', true),
    metricsToken: metricsToken(env),
    webhookAllowPrivate: boolean(env, 'WEBHOOK_ALLOW_PRIVATE', true),
    webhookRetryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 10_000, 1, 3_600_000),
    webhookRetryForSeconds: integer(env, 'WEBHOOK_RETRY_FOR_SECONDS', 86_400, 1, 30 * 86_400),
    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
    webhookPollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', 2000, 10, 600_000),
  });
}
