import { tooManyFailedAttempts } from '../../core/errors.js';
import type { AuthOutcome } from '../../http/metrics.js';
import type { FixedWindowLimiter } from '../../core/rate-limiter.js';
import type { RecentlyVerified } from '../../core/recently-verified.js';
import type { TokenGrant } from '../../core/scopes.js';
import type { User } from '../../core/user.js';
import type { CredentialCache } from './credential-cache.js';
import type { PatCredential, PatStore } from './pat-store.js';
import type { SeenAtTracker } from './seen-at-tracker.js';
import { selectorOf, verifierMatches } from './token.js';
import { type Clock, systemClock } from '../../core/clock.js';

const MAX_USER_AGENT = 256;

export interface PatIdentity {
  tokenId: number;
  user: User;
  /** As given at creation: Unlatch's own routes check these. */
  scopes: readonly string[];
  /** Narrowed by the owner's role: what gateways and introspection see. */
  grant: TokenGrant;
}

/**
 * Resolves a presented token to its owner, or undefined for anything that is not live.
 * A known token costs a regex, a SHA-256, a Map lookup and a constant-time compare: no
 * database. Only verified credentials are cached, so garbage always misses; the failed-attempt
 * limit bounds what misses can make the database do, and only failures spend it.
 */
export interface PatAuthenticatorDeps {
  store: PatStore;
  cache: CredentialCache;
  seenAt: SeenAtTracker;
  /** The failed-attempt budget per address (shared with session cookies). */
  failures: FixedWindowLimiter;
  recent: RecentlyVerified;
  /** Hears each attempt's outcome (metrics). */
  onOutcome?: (outcome: AuthOutcome) => void;
  clock?: Clock;
}

export class PatAuthenticator {
  private readonly store: PatStore;
  private readonly cache: CredentialCache;
  private readonly seenAt: SeenAtTracker;
  private readonly failures: FixedWindowLimiter;
  private readonly recent: RecentlyVerified;
  private readonly onOutcome: (outcome: AuthOutcome) => void;
  private readonly clock: Clock;

  constructor(deps: PatAuthenticatorDeps) {
    this.store = deps.store;
    this.cache = deps.cache;
    this.seenAt = deps.seenAt;
    this.failures = deps.failures;
    this.recent = deps.recent;
    this.onOutcome = deps.onOutcome ?? (() => {});
    this.clock = deps.clock ?? systemClock;
  }

  /**
   * clientKey: who to count failures against (the client IP), also recorded as the token's
   * last address; userAgent: recorded as its last user agent.
   */
  async authenticate(
    token: string,
    clientKey: string,
    userAgent?: string,
  ): Promise<PatIdentity | undefined> {
    const selector = selectorOf(token);
    const cached = selector === undefined ? undefined : this.cache.get(selector);
    if (cached) {
      const now = this.clock();
      if (this.#isLive(token, cached, now)) {
        this.onOutcome('cache_hit');
        this.#record(cached, clientKey, userAgent, now);
        return identityOf(cached);
      }
      this.failures.hit(clientKey);
      this.#refused(token, cached);
      return undefined;
    }
    if (selector === undefined) {
      // Not even token-shaped: refused without a lookup, but still a failure, and refused
      // with 429 once the address has failed too often.
      this.#admit(clientKey);
      this.onOutcome('unknown');
      return undefined;
    }
    // A miss costs a database read. A token that verified recently is let through however
    // often its address has failed, so a flood of garbage from a shared address locks out
    // no honest client behind it; every other miss is gated by the address's failures.
    const proof = this.recent.recall(selector);
    const vouched = proof !== undefined && verifierMatches(token, proof);
    // Counted before the lookup, not after: a flood sent all at once would otherwise pass
    // the check together and reach the database every one. Refunded on success.
    if (!vouched) this.#admit(clientKey);
    const generation = this.cache.generation;
    let credential: PatCredential | undefined;
    try {
      credential = await this.store.findCredential(selector);
    } catch (error) {
      if (!vouched) this.failures.refund(clientKey); // the database failed, not the client
      throw error;
    }
    const now = this.clock();
    if (!credential || !this.#isLive(token, credential, now)) {
      if (vouched) this.failures.hit(clientKey);
      this.recent.forget(selector);
      this.#refused(token, credential);
      return undefined;
    }
    this.onOutcome('db_hit');
    if (!vouched) this.failures.refund(clientKey);
    // Cached only once its secret verified: the cache must never hold what garbage found.
    this.cache.set(selector, credential, generation);
    this.recent.remember(selector, credential.verifier);
    this.#record(credential, clientKey, userAgent, now);
    return identityOf(credential);
  }

  /**
   * The hot path from the cache alone: the owner of a cached, live token, or undefined when
   * anything else must decide (a miss, a wrong secret, an expired token). The caller then
   * takes authenticate(), which reads the database and counts failures; nothing is counted
   * here but the hit itself.
   *
   * admits: a caller that answers only some requests itself (a fast lane) says which; when
   * it declines, nothing is counted or recorded, so the route that then takes the request
   * counts the hit once.
   */
  authenticateCached(
    token: string,
    ip: string,
    userAgent: string | undefined,
    admits?: (identity: PatIdentity) => boolean,
  ): PatIdentity | undefined {
    const selector = selectorOf(token);
    const cached = selector === undefined ? undefined : this.cache.get(selector);
    if (cached === undefined) return undefined;
    const now = this.clock();
    if (!this.#isLive(token, cached, now)) return undefined;
    const identity = identityOf(cached);
    if (admits !== undefined && !admits(identity)) return undefined;
    this.onOutcome('cache_hit');
    this.#record(cached, ip, userAgent, now);
    return identity;
  }

  #admit(clientKey: string): void {
    const gate = this.failures.take(clientKey);
    if (!gate.allowed) {
      this.onOutcome('rate_limited');
      throw tooManyFailedAttempts(gate.retryAfterSeconds);
    }
  }

  /** Metrics only: a right secret past its expiry is `expired`, anything else `unknown`. */
  #refused(token: string, credential: PatCredential | undefined): void {
    this.onOutcome(
      credential && verifierMatches(token, credential.verifier) ? 'expired' : 'unknown',
    );
  }

  /** now: one reading of the clock for the whole check (#record records the same instant). */
  #isLive(token: string, credential: PatCredential, now: Date): boolean {
    return (
      verifierMatches(token, credential.verifier) && credential.expiresAt.getTime() > now.getTime()
    );
  }

  /** The token's use: when, from where and with what client (its usage, spec/lifecycle.md). */
  #record(credential: PatCredential, ip: string, userAgent: string | undefined, now: Date): void {
    // A user agent is whatever the client sends: keep a bounded prefix.
    const agent =
      userAgent === undefined
        ? null
        : userAgent.length > MAX_USER_AGENT
          ? userAgent.slice(0, MAX_USER_AGENT)
          : userAgent;
    this.seenAt.record(credential.tokenId, now, ip, agent);
  }
}

function identityOf(credential: PatCredential): PatIdentity {
  return {
    tokenId: credential.tokenId,
    user: credential.user,
    scopes: credential.scopes,
    grant: credential.grant,
  };
}
