// The composition root: every store and service is built here, once.

import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { AuditLog } from './features/events/audit.js';
import { EventStore } from './features/events/event-store.js';
import { PatAuthenticator } from './features/pats/pat-authenticator.js';
import { PatService } from './features/pats/pat-service.js';
import { PatStore } from './features/pats/pat-store.js';
import { SeenAtTracker } from './features/pats/seen-at-tracker.js';
import { LoginService } from './features/sessions/login-service.js';
import { SessionService } from './features/sessions/session-service.js';
import { SessionStore } from './features/sessions/session-store.js';
import { UserStore } from './features/users/user-store.js';

export type Services = ReturnType<typeof createServices>;

export function createServices(config: Config, db: Db, log: FastifyBaseLogger) {
  const userStore = new UserStore(db);
  const patStore = new PatStore(db);
  const sessionStore = new SessionStore(db);
  const eventStore = new EventStore(db);

  const audit = new AuditLog(eventStore);
  const seenAt = new SeenAtTracker(patStore, config.seenAtFlushIntervalMs, (error) =>
    log.warn({ err: error }, 'could not write token seenAt; will retry'),
  );
  const patAuthenticator = new PatAuthenticator(patStore, seenAt);
  const patService = new PatService(
    db,
    patStore,
    audit,
    {
      limit: config.patLimit,
      killSwitch: config.patKillSwitch,
      expiryWarningDays: config.expiryWarningDays,
    },
    () => {},
  );
  const sessions = new SessionService(sessionStore, config.sessionTtlHours * 3600_000);
  const login = new LoginService(userStore, sessions);

  return { userStore, eventStore, audit, seenAt, patAuthenticator, patService, sessions, login };
}
