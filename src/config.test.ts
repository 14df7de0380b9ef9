import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

test('defaults', () => {
  const config = loadConfig({});
  assert.equal(config.port, 4242);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, './data');
  assert.equal(config.adminUsername, 'admin');
  assert.equal(config.adminPassword, undefined);
  assert.equal(config.patLimit, 10);
  assert.equal(config.patKillSwitch, false);
  assert.deepEqual(config.expiryWarningDays, [14, 3]);
  assert.equal(config.loginRateLimitPerMinute, 10);
  assert.equal(config.authFailureLimitPerMinute, 300);
  assert.ok(config.authCacheTtlMs < 1000, 'revocation bound under a second');
  assert.equal(config.trustProxy, false);
  assert.equal(config.requestTimeoutMs, 15_000);
  assert.equal(config.headersTimeoutMs, 10_000);
  assert.ok(Object.isFrozen(config));
});

test('values from the environment', () => {
  const config = loadConfig({
    PORT: '8080',
    DATABASE_URL: 'postgres://u:p@db:5432/x',
    PAT_LIMIT: '25',
    UNLEASH_PAT_KILL_SWITCH: 'TRUE',
    PAT_EXPIRY_WARNING_DAYS: '3, 30',
    UNLEASH_DEFAULT_ADMIN_USERNAME: 'root',
    UNLEASH_DEFAULT_ADMIN_PASSWORD: 'long enough',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.patLimit, 25);
  assert.equal(config.patKillSwitch, true);
  assert.deepEqual(config.expiryWarningDays, [30, 3]);
  assert.equal(config.adminUsername, 'root');
  assert.equal(config.adminPassword, 'long enough');
  const timeouts = loadConfig({ REQUEST_TIMEOUT_MS: '2000', HEADERS_TIMEOUT_MS: '500' });
  assert.equal(timeouts.requestTimeoutMs, 2000);
  assert.equal(timeouts.headersTimeoutMs, 500);
});

test('invalid values stop the start with a message naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PAT_LIMIT: '0' }, /PAT_LIMIT/],
    [{ PAT_LIMIT: '-3' }, /PAT_LIMIT/],
    [{ UNLEASH_PAT_KILL_SWITCH: 'maybe' }, /UNLEASH_PAT_KILL_SWITCH/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ PAT_EXPIRY_WARNING_DAYS: '14,x' }, /PAT_EXPIRY_WARNING_DAYS/],
    [{ SEEN_AT_FLUSH_INTERVAL_MS: '5' }, /SEEN_AT_FLUSH_INTERVAL_MS/],
    [{ UNLEASH_DEFAULT_ADMIN_PASSWORD: 'short' }, /UNLEASH_DEFAULT_ADMIN_PASSWORD/],
    [{ REQUEST_TIMEOUT_MS: '50' }, /REQUEST_TIMEOUT_MS/],
    [{ REQUEST_TIMEOUT_MS: '1e4' }, /REQUEST_TIMEOUT_MS/],
    [{ HEADERS_TIMEOUT_MS: '0' }, /HEADERS_TIMEOUT_MS/],
    [{ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '2000' }, /HEADERS_TIMEOUT_MS/],
  ];
  for (const [env, pattern] of cases) {
    assert.throws(
      () => loadConfig(env),
      (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
      JSON.stringify(env),
    );
  }
});

test('a bad DATABASE_URL message does not echo a password', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }),
    (error: unknown) => error instanceof Error && !error.message.includes('hunter2'),
  );
});

test('metrics: on by default, METRICS_ENABLED validated like the other switches, METRICS_TOKEN', () => {
  assert.equal(loadConfig({}).metricsEnabled, true);
  assert.equal(loadConfig({}).metricsToken, undefined);
  assert.equal(loadConfig({ METRICS_ENABLED: 'false' }).metricsEnabled, false);
  assert.equal(loadConfig({ METRICS_ENABLED: '0' }).metricsEnabled, false);
  assert.throws(
    () => loadConfig({ METRICS_ENABLED: 'off' }),
    /METRICS_ENABLED must be true or false/,
  );
  assert.equal(
    loadConfig({ METRICS_TOKEN: 'a-scraper-secret-1234' }).metricsToken,
    'a-scraper-secret-1234',
  );
  assert.throws(
    () => loadConfig({ METRICS_TOKEN: 'short' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /METRICS_TOKEN/.test(error.message) &&
      !/short/.test(error.message),
  );
});

test('token policies: unset by default, whole days when set, named when wrong', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.patMaxLifetimeDays, undefined);
  assert.equal(defaults.patIdleRevokeDays, undefined);
  assert.equal(defaults.patUsageTracking, true);
  const set = loadConfig({
    PAT_MAX_LIFETIME_DAYS: '90',
    PAT_IDLE_REVOKE_DAYS: '30',
    PAT_USAGE_TRACKING: 'false',
  });
  assert.equal(set.patMaxLifetimeDays, 90);
  assert.equal(set.patIdleRevokeDays, 30);
  assert.equal(set.patUsageTracking, false);
  for (const [name, value] of [
    ['PAT_MAX_LIFETIME_DAYS', '0'],
    ['PAT_MAX_LIFETIME_DAYS', '1.5'],
    ['PAT_MAX_LIFETIME_DAYS', 'forever'],
    ['PAT_IDLE_REVOKE_DAYS', '-1'],
    ['PAT_IDLE_REVOKE_DAYS', '99999'],
    ['PAT_USAGE_TRACKING', 'sometimes'],
  ] as const) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: unknown) => error instanceof ConfigError && error.message.includes(name),
      `${name}=${value}`,
    );
  }
});

test('webhooks: defaults, and each WEBHOOK_ variable refused by name when invalid', () => {
  const config = loadConfig({});
  assert.equal(config.webhookAllowPrivate, true);
  assert.equal(config.webhookRetryBaseMs, 10_000);
  assert.equal(config.webhookRetryForSeconds, 86_400);
  assert.equal(config.webhookTimeoutMs, 5000);
  assert.equal(config.webhookPollIntervalMs, 2000);
  assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'false' }).webhookAllowPrivate, false);
  for (const [name, value] of [
    ['WEBHOOK_ALLOW_PRIVATE', 'no'],
    ['WEBHOOK_RETRY_BASE_MS', '0'],
    ['WEBHOOK_RETRY_FOR_SECONDS', '-1'],
    ['WEBHOOK_TIMEOUT_MS', '99'],
    ['WEBHOOK_TIMEOUT_MS', '5s'],
    ['WEBHOOK_POLL_INTERVAL_MS', '1'],
  ] as const) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: Error) => error instanceof ConfigError && error.message.startsWith(name),
      `${name}=${value}`,
    );
  }
});
