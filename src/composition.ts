// The composition root: every store and service is built here, once.

import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { AuditActor } from './core/actor.js';
import type { Db, Queryable } from './db/db.js';
import { transactional } from './db/transactional.js';
import { Introspection } from './features/authz/introspection.js';
import { AuditLog } from './features/events/audit.js';
import { EventStore } from './features/events/event-store.js';
import { Housekeeping } from './features/housekeeping/housekeeping.js';
import { PlannerStatistics } from './db/planner-statistics.js';
import { CredentialCache } from './features/pats/credential-cache.js';
import { IdleTokens } from './features/pats/idle-tokens.js';
import { ExpiryNoticeStore } from './features/pats/expiry-notice-store.js';
import { ExpiryNotices } from './features/pats/expiry-notices.js';
import { LeakedTokens } from './features/pats/leaked-tokens.js';
import { PatInventoryStore } from './features/pats/pat-inventory-store.js';
import { PatUsageStore } from './features/pats/pat-usage-store.js';
import { TokenInventory, USAGE_DAYS } from './features/pats/token-inventory.js';
import { PatListCache } from './features/pats/pat-list-cache.js';
import { PatAuthenticator } from './features/pats/pat-authenticator.js';
import { PatService } from './features/pats/pat-service.js';
import { PatStore } from './features/pats/pat-store.js';
import { SeenAtTracker } from './features/pats/seen-at-tracker.js';
import { UnacknowledgedPats } from './features/pats/unacknowledged-pats.js';
import { type Revocation, RevocationBus } from './features/revocation/revocation-bus.js';
import { ServiceAccountService } from './features/service-accounts/service-account-service.js';
import { LoginService } from './features/sessions/login-service.js';
import { SessionService } from './features/sessions/session-service.js';
import { SessionStore } from './features/sessions/session-store.js';
import { CredentialCheck } from './features/users/credential-check.js';
import { PasswordHasher } from './features/users/password-hasher.js';
import { UserService } from './features/users/user-service.js';
import { UserStore } from './features/users/user-store.js';
import { DeliveryStore, fanOutSql } from './features/webhooks/delivery-store.js';
import { WebhookSender } from './features/webhooks/webhook-sender.js';
import { WebhookService } from './features/webhooks/webhook-service.js';
import { WebhookStore } from './features/webhooks/webhook-store.js';
import { createMetrics, NO_METRICS } from './http/metrics.js';
import { FixedWindowLimiter } from './core/rate-limiter.js';
import { RecentlyVerified } from './core/recently-verified.js';

export type Services = ReturnType<typeof createServices>;

const MINUTE_MS = 60_000;
// How long a credential that verified vouches for itself past the failed-attempt limit.
const VOUCH_MS = 15 * MINUTE_MS;
const VOUCH_MAX_ENTRIES = 100_000;
const HOUSEKEEPING_INTERVAL_MS = 60 * MINUTE_MS;
/** As autovacuum's naptime: how often PGlite's tables are checked for a needed ANALYZE. */
const PLANNER_STATISTICS_INTERVAL_MS = MINUTE_MS;
// pat-expiring is announced within this of a lead time being reached.
const EXPIRY_NOTICE_INTERVAL_MS = 10 * MINUTE_MS;

export function createServices(config: Config, db: Db, log: FastifyBaseLogger) {
  const userStore = new UserStore(db);
  const patStore = new PatStore(db);
  const sessionStore = new SessionStore(db);
  // Every event is fanned out to the webhooks' outbox in the statement that records it.
  const fanOut = fanOutSql();
  const eventStore = new EventStore(db, fanOut);
  const patUsageStore = new PatUsageStore(db);
  const webhookStore = new WebhookStore(db);
  const deliveryStore = new DeliveryStore(db);

  const audit = new AuditLog(eventStore);
  const revocations = new RevocationBus();
  const credentialCache = new CredentialCache(config.authCacheMaxEntries, config.authCacheTtlMs);
  const patLists = new PatListCache(config.authCacheMaxEntries, config.authCacheTtlMs);
  revocations.subscribe((revocation) => {
    if (revocation.kind === 'pat') {
      credentialCache.evictSelector(revocation.selector);
      patLists.clear();
    } else if (revocation.kind === 'user') {
      credentialCache.evictUser(revocation.userId);
      patLists.evictUser(revocation.userId);
    } else {
      patLists.evictUser(revocation.userId);
    }
  });

  // Other instances' lists show a flushed seenAt within their TTL: seenAt is approximate by
  // design (batched every few seconds), so that is not worth a notification.
  const seenAt = new SeenAtTracker(patStore, {
    intervalMs: config.seenAtFlushIntervalMs,
    onError: (error) => log.warn({ err: error }, 'could not write token seenAt; will retry'),
    onFlushed: () => patLists.clear(),
    usage: config.patUsageTracking ? patUsageStore : undefined,
  });
  // One failed-attempt budget per address for tokens and session cookies alike: both are
  // credentials whose misses cost a database read.
  const authFailures = new FixedWindowLimiter(config.authFailureLimitPerMinute, MINUTE_MS);
  const loginAttempts = new FixedWindowLimiter(config.loginRateLimitPerMinute, MINUTE_MS);
  const passwordChanges = new FixedWindowLimiter(
    config.passwordChangeRateLimitPerMinute,
    MINUTE_MS,
  );
  const hasher = new PasswordHasher(config.passwordHashConcurrency, config.passwordHashQueueMax);
  const metrics = config.metricsEnabled
    ? createMetrics({ credentialCacheEntries: () => credentialCache.size, db })
    : NO_METRICS;
  const patAuthenticator = new PatAuthenticator({
    store: patStore,
    cache: credentialCache,
    seenAt,
    failures: authFailures,
    recent: new RecentlyVerified(VOUCH_MS, VOUCH_MAX_ENTRIES),
    ...(metrics.enabled && { onOutcome: (outcome) => metrics.authOutcome(outcome) }),
  });
  const credentials = new CredentialCheck(patStore, sessionStore);
  if (metrics.enabled) {
    metrics.setHashingSource(() => ({
      inFlight: hasher.state.running,
      queued: hasher.state.waiting,
    }));
  }
  const introspection = new Introspection(patAuthenticator, credentialCache, patStore);
  const unacknowledgedPats = new UnacknowledgedPats(db, patStore, audit, (error) =>
    log.warn({ err: error }, 'could not yet remove a token whose creation was not acknowledged'),
  );
  const patService = new PatService({
    db,
    store: patStore,
    audit,
    rules: {
      limit: config.patLimit,
      killSwitch: config.patKillSwitch,
      expiryWarningDays: config.expiryWarningDays,
      maxLifetimeDays: config.patMaxLifetimeDays,
    },
    revocations,
    unacknowledged: unacknowledgedPats,
    credentials,
    lists: patLists,
  });
  const tokenInventory = new TokenInventory({
    db,
    store: patStore,
    inventory: new PatInventoryStore(db),
    usage: patUsageStore,
    audit,
    revocations,
  });
  const idleTokens =
    config.patIdleRevokeDays === undefined
      ? undefined
      : new IdleTokens({
          db,
          store: patStore,
          audit,
          revocations,
          idleDays: config.patIdleRevokeDays,
        });
  const leakedTokens = new LeakedTokens({ db, store: patStore, audit, revocations });
  const leakReports = new FixedWindowLimiter(config.leakReportRateLimitPerMinute, MINUTE_MS);
  const sessions = new SessionService({
    store: sessionStore,
    rules: { ttlMs: config.sessionTtlHours * 3600_000, maxPerUser: config.sessionMaxPerUser },
    failures: authFailures,
    recent: new RecentlyVerified(VOUCH_MS, VOUCH_MAX_ENTRIES),
  });
  const login = new LoginService({ db, users: userStore, sessions, hasher });
  // The unit of work: each call gets every store bound to one new transaction. Audit, the
  // credential re-check and revocation notices are bound to it too, so that nothing a change
  // writes can miss its transaction.
  const unitOfWork = transactional(db, (tx: Queryable) => {
    const pats = new PatStore(tx);
    const sessions = new SessionStore(tx);
    return {
      users: new UserStore(tx),
      pats,
      sessions,
      audit: new AuditLog(new EventStore(tx, fanOut)),
      credentials: { assertLive: (actor: AuditActor) => credentials.assertLive(tx, actor) },
      revocations: { announce: (revocation: Revocation) => revocations.announce(tx, revocation) },
    };
  });
  const userService = new UserService({
    transactional: unitOfWork,
    users: userStore,
    revocations,
    hasher,
  });
  const serviceAccounts = new ServiceAccountService({
    transactional: unitOfWork,
    users: userStore,
    revocations,
  });
  const webhookSender = new WebhookSender(db, deliveryStore, {
    timeoutMs: config.webhookTimeoutMs,
    retryBaseMs: config.webhookRetryBaseMs,
    retryForMs: config.webhookRetryForSeconds * 1000,
    pollIntervalMs: config.webhookPollIntervalMs,
    allowPrivate: config.webhookAllowPrivate,
    onError: (error) => log.warn({ err: error }, 'webhook sender failed; will retry'),
    onOutcome: (outcome) => metrics.webhookOutcome(outcome),
  });
  metrics.setWebhookPendingSource(() => webhookSender.pending);
  const webhookService = new WebhookService({
    db,
    webhooks: webhookStore,
    deliveries: deliveryStore,
    audit,
    credentials,
    allowPrivate: config.webhookAllowPrivate,
    wake: () => webhookSender.wake(),
  });
  const expiryNotices = new ExpiryNotices({
    db,
    pats: patStore,
    notices: new ExpiryNoticeStore(),
    audit,
    leadDays: config.expiryWarningDays,
    intervalMs: EXPIRY_NOTICE_INTERVAL_MS,
    onError: (error) => log.warn({ err: error }, 'token expiry notices failed; will retry'),
  });
  const housekeeping = new Housekeeping({
    sessions,
    events: eventStore,
    eventsRetentionDays: config.eventsRetentionDays,
    usage: { store: patUsageStore, keepDays: USAGE_DAYS },
    idleTokens,
    intervalMs: HOUSEKEEPING_INTERVAL_MS,
    onError: (error) => log.warn({ err: error }, 'housekeeping failed; will retry'),
  });

  // PostgreSQL's autovacuum keeps the planner's statistics; PGlite has no autovacuum.
  const plannerStatistics =
    db.kind === 'pglite'
      ? new PlannerStatistics(db, {
          intervalMs: PLANNER_STATISTICS_INTERVAL_MS,
          onError: (error) => log.warn({ err: error }, 'ANALYZE failed; will retry'),
        })
      : undefined;

  return {
    userStore,
    patStore,
    eventStore,
    audit,
    revocations,
    credentialCache,
    patLists,
    seenAt,
    unacknowledgedPats,
    patAuthenticator,
    introspection,
    patService,
    tokenInventory,
    idleTokens,
    leakedTokens,
    leakReports,
    sessions,
    login,
    loginAttempts,
    passwordChanges,
    hasher,
    userService,
    serviceAccounts,
    housekeeping,
    plannerStatistics,
    metrics,
    webhookStore,
    deliveryStore,
    webhookService,
    webhookSender,
    expiryNotices,
  };
}
