import type { User } from '../users/user.js';
import type { PatStore } from './pat-store.js';
import type { SeenAtTracker } from './seen-at-tracker.js';
import { selectorOf, verifierMatches } from './token.js';

export interface PatIdentity {
  tokenId: number;
  user: User;
}

/** Resolves a presented token to its owner, or undefined for anything that is not live. */
export class PatAuthenticator {
  constructor(
    private readonly store: PatStore,
    private readonly seenAt: SeenAtTracker,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(token: string): Promise<PatIdentity | undefined> {
    // Garbage never reaches the database: only a well-formed token has a selector.
    const selector = selectorOf(token);
    if (selector === undefined) return undefined;
    const credential = await this.store.findCredential(selector);
    if (!credential || !verifierMatches(token, credential.verifier)) return undefined;
    const now = this.clock();
    if (credential.expiresAt.getTime() <= now.getTime()) return undefined;
    this.seenAt.record(credential.tokenId, now);
    return { tokenId: credential.tokenId, user: credential.user };
  }
}
