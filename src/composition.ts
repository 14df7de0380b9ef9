// The composition root: every store and service is built here, once.

import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { Introspection } from './features/authz/introspection.js';
import { AuditLog } from './features/events/audit.js';
import { EventStore } from './features/events/event-store.js';
import { CredentialCache } from './features/pats/credential-cache.js';
import { PatAuthenticator } from './features/pats/pat-authenticator.js';
import { PatService } from './features/pats/pat-service.js';
import { PatStore } from './features/pats/pat-store.js';
import { SeenAtTracker } from './features/pats/seen-at-tracker.js';
import { UnacknowledgedPats } from './features/pats/unacknowledged-pats.js';
import { RevocationBus } from './features/revocation/revocation-bus.js';
import { LoginService } from './features/sessions/login-service.js';
import { SessionService } from './features/sessions/session-service.js';
import { SessionStore } from './features/sessions/session-store.js';
import { UserService } from './features/users/user-service.js';
import { UserStore } from './features/users/user-store.js';
import { FixedWindowLimiter } from './http/rate-limiter.js';

export type Services = ReturnType<typeof createServices>;

const MINUTE_MS = 60_000;

export function createServices(config: Config, db: Db, log: FastifyBaseLogger) {
  const userStore = new UserStore(db);
  const patStore = new PatStore(db);
  const sessionStore = new SessionStore(db);
  const eventStore = new EventStore(db);

  const audit = new AuditLog(eventStore);
  const revocations = new RevocationBus();
  const credentialCache = new CredentialCache(config.authCacheMaxEntries, config.authCacheTtlMs);
  revocations.subscribe((revocation) => {
    if (revocation.kind === 'pat') credentialCache.evictSelector(revocation.selector);
    else credentialCache.evictUser(revocation.userId);
  });

  const seenAt = new SeenAtTracker(patStore, config.seenAtFlushIntervalMs, (error) =>
    log.warn({ err: error }, 'could not write token seenAt; will retry'),
  );
  const authFailures = new FixedWindowLimiter(config.authFailureLimitPerMinute, MINUTE_MS);
  const loginAttempts = new FixedWindowLimiter(config.loginRateLimitPerMinute, MINUTE_MS);
  const patAuthenticator = new PatAuthenticator(patStore, credentialCache, seenAt, authFailures);
  const introspection = new Introspection(patAuthenticator, credentialCache, patStore);
  const unacknowledgedPats = new UnacknowledgedPats(db, patStore, audit, (error) =>
    log.warn({ err: error }, 'could not yet remove a token whose creation was not acknowledged'),
  );
  const patService = new PatService(
    db,
    patStore,
    audit,
    {
      limit: config.patLimit,
      killSwitch: config.patKillSwitch,
      expiryWarningDays: config.expiryWarningDays,
    },
    revocations,
    unacknowledgedPats,
  );
  const sessions = new SessionService(
    sessionStore,
    config.sessionTtlHours * 3600_000,
    config.sessionMaxPerUser,
  );
  const login = new LoginService(userStore, sessions);
  const userService = new UserService(db, userStore, sessionStore, audit, revocations);

  return {
    userStore,
    eventStore,
    audit,
    revocations,
    credentialCache,
    seenAt,
    unacknowledgedPats,
    patAuthenticator,
    introspection,
    patService,
    sessions,
    login,
    loginAttempts,
    userService,
  };
}
