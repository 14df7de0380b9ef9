import { TooManyRequestsError } from '../../http/errors.js';
import type { AuthOutcome } from '../../http/metrics.js';
import type { FixedWindowLimiter } from '../../http/rate-limiter.js';
import type { User } from '../users/user.js';
import type { CredentialCache } from './credential-cache.js';
import type { PatStore } from './pat-store.js';
import type { SeenAtTracker } from './seen-at-tracker.js';
import { selectorOf, verifierMatches } from './token.js';

export interface PatIdentity {
  tokenId: number;
  user: User;
}

/**
 * Resolves a presented token to its owner, or undefined for anything that is not live.
 * A known token costs a regex, a SHA-256, a Map lookup and a constant-time compare: no
 * database. Only valid credentials are cached, so garbage always misses; the failed-attempt
 * limit bounds what misses can make the database do.
 */
export class PatAuthenticator {
  /** Hears each attempt's outcome (metrics); set once by the composition root. */
  onOutcome: (outcome: AuthOutcome) => void = () => {};

  constructor(
    private readonly store: PatStore,
    private readonly cache: CredentialCache,
    private readonly seenAt: SeenAtTracker,
    private readonly failures: FixedWindowLimiter,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** clientKey: who to count failures against (the client IP). */
  async authenticate(token: string, clientKey: string): Promise<PatIdentity | undefined> {
    const selector = selectorOf(token);
    let credential = selector === undefined ? undefined : this.cache.get(selector);
    const fromCache = credential !== undefined;
    // Whether this attempt was counted against the address in advance (see below).
    let counted = false;
    if (!credential) {
      // Only a cache miss can cost the database anything, so only a miss is refused to a
      // client that has failed too often; a valid cached token from the same address works.
      // The attempt counts as a failure before the lookup, not after: a flood sent all at
      // once would otherwise pass the check together and reach the database every one.
      const gate = this.failures.take(clientKey);
      if (!gate.allowed) {
        this.onOutcome('rate_limited');
        throw new TooManyRequestsError(
          'Too many failed authentication attempts from your address. Wait before trying again.',
          gate.retryAfterSeconds,
        );
      }
      counted = true;
      if (selector !== undefined) {
        const generation = this.cache.generation;
        try {
          credential = await this.store.findCredential(selector);
        } catch (error) {
          // The database failed, not the client.
          this.failures.refund(clientKey);
          throw error;
        }
        if (credential) this.cache.set(selector, credential, generation);
      }
    }
    const now = this.clock();
    if (
      !credential ||
      !verifierMatches(token, credential.verifier) ||
      credential.expiresAt.getTime() <= now.getTime()
    ) {
      if (!counted) this.failures.hit(clientKey);
      // Telling the two apart costs a second compare, on failures only.
      this.onOutcome(
        credential && verifierMatches(token, credential.verifier) ? 'expired' : 'unknown',
      );
      return undefined;
    }
    this.onOutcome(fromCache ? 'cache_hit' : 'db_hit');
    if (counted) this.failures.refund(clientKey);
    this.seenAt.record(credential.tokenId, now);
    return { tokenId: credential.tokenId, user: credential.user };
  }
}
