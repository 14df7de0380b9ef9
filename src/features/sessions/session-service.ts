// Sessions: the cookie holds 256 random bits; the database holds only their SHA-256, so a
// leaked sessions table cannot be replayed.

import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/db.js';
import { tooManyFailedAttempts } from '../../core/errors.js';
import type { FixedWindowLimiter } from '../../core/rate-limiter.js';
import type { RecentlyVerified } from '../../core/recently-verified.js';
import type { User } from '../../core/user.js';
import type { SessionStore } from './session-store.js';
import { type Clock, systemClock } from '../../core/clock.js';

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

// Sliding expiry writes at most once per this interval per session.
const EXTEND_EVERY_MS = 5 * 60_000;

export interface ResolvedSession {
  user: User;
  idHash: string;
  /** Set when the expiry slid forward: the cookie should be re-sent with it. */
  extendedTo?: Date;
}

export interface SessionRules {
  ttlMs: number;
  maxPerUser: number;
}

export interface SessionServiceDeps {
  store: SessionStore;
  rules: SessionRules;
  /** Cookie misses cost a database read each: they spend the failed-attempt budget. */
  failures: FixedWindowLimiter;
  recent: RecentlyVerified;
  clock?: Clock;
}

export class SessionService {
  private readonly store: SessionStore;
  private readonly rules: SessionRules;
  private readonly failures: FixedWindowLimiter;
  private readonly recent: RecentlyVerified;
  private readonly clock: Clock;

  constructor(deps: SessionServiceDeps) {
    this.store = deps.store;
    this.rules = deps.rules;
    this.failures = deps.failures;
    this.recent = deps.recent;
    this.clock = deps.clock ?? systemClock;
  }

  /**
   * A new session id at every login (no fixation); the oldest beyond the cap are ended. In
   * the caller's transaction, which has checked that the password is still the one verified.
   */
  async start(tx: Queryable, user: User): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock().getTime() + this.rules.ttlMs);
    await this.store.insert(tx, hashSessionId(id), user.id, expiresAt);
    await this.store.trimForUser(tx, user.id, this.rules.maxPerUser);
    return { id, expiresAt };
  }

  /**
   * clientKey: who to count a miss against (the client IP). tokenFollows: the request also
   * carries an Authorization header, which decides when the cookie is dead: a stale cookie
   * sent along with a valid token (a browser tool, a curl cookie jar) must not spend the
   * budget, and a spent budget only skips the cookie's lookup instead of refusing the request.
   */
  async resolve(
    id: string,
    clientKey: string,
    tokenFollows = false,
  ): Promise<ResolvedSession | undefined> {
    // Anything that is not the shape we issue cannot be a session: skip the database.
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const idHash = hashSessionId(id);
    // As for tokens: a session that was live a moment ago is looked up however often its
    // address has failed; any other lookup is counted first (so a concurrent flood cannot
    // outrun the budget) and refunded when it succeeds.
    const vouched = this.recent.recall(idHash) !== undefined;
    if (!vouched) {
      const gate = this.failures.take(clientKey);
      if (!gate.allowed) {
        if (tokenFollows) return undefined;
        throw tooManyFailedAttempts(gate.retryAfterSeconds);
      }
    }
    const found = await this.#lookup(idHash, clientKey, vouched);
    if (!found) {
      if (tokenFollows) {
        if (!vouched) this.failures.refund(clientKey);
      } else if (vouched) {
        this.failures.hit(clientKey);
      }
      this.recent.forget(idHash);
      return undefined;
    }
    if (!vouched) this.failures.refund(clientKey);
    this.recent.remember(idHash, '');
    return this.#slide(found, idHash);
  }

  async #lookup(idHash: string, clientKey: string, vouched: boolean) {
    try {
      return await this.store.findUser(idHash, this.clock());
    } catch (error) {
      if (!vouched) this.failures.refund(clientKey); // the database failed, not the client
      throw error;
    }
  }

  async #slide(found: { user: User; expiresAt: Date }, idHash: string): Promise<ResolvedSession> {
    const now = this.clock();
    const fullExpiry = now.getTime() + this.rules.ttlMs;
    if (fullExpiry - found.expiresAt.getTime() < EXTEND_EVERY_MS)
      return { user: found.user, idHash };
    const extendedTo = new Date(fullExpiry);
    await this.store.extend(idHash, extendedTo);
    return { user: found.user, idHash, extendedTo };
  }

  async end(id: string): Promise<void> {
    await this.store.delete(hashSessionId(id));
  }

  /** Expired sessions are dead weight: the periodic housekeeping removes them. */
  purgeExpired(): Promise<number> {
    return this.store.deleteExpired(this.clock());
  }
}
