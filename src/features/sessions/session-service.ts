// Sessions: the cookie holds 256 random bits; the database holds only their SHA-256, so a
// leaked sessions table cannot be replayed.

import { createHash, randomBytes } from 'node:crypto';
import type { User } from '../users/user.js';
import type { SessionStore } from './session-store.js';

export const SESSION_COOKIE = 'unleash-session';

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

export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly ttlMs: number,
    private readonly maxPerUser: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A new session id at every login (no fixation); the oldest beyond the cap are ended. */
  async start(user: User): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock().getTime() + this.ttlMs);
    await this.store.insert(hashSessionId(id), user.id, expiresAt);
    await this.store.trimForUser(user.id, this.maxPerUser);
    return { id, expiresAt };
  }

  async resolve(id: string): Promise<ResolvedSession | undefined> {
    // Anything that is not the shape we issue cannot be a session: skip the database.
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const idHash = hashSessionId(id);
    const now = this.clock();
    const found = await this.store.findUser(idHash, now);
    if (!found) return undefined;
    const fullExpiry = now.getTime() + this.ttlMs;
    if (fullExpiry - found.expiresAt.getTime() < EXTEND_EVERY_MS)
      return { user: found.user, idHash };
    const extendedTo = new Date(fullExpiry);
    await this.store.extend(idHash, extendedTo);
    return { user: found.user, idHash, extendedTo };
  }

  async end(id: string): Promise<void> {
    await this.store.delete(hashSessionId(id));
  }
}
