// Sessions: the cookie holds 256 random bits; the database holds only their SHA-256, so a
// leaked sessions table cannot be replayed.

import { createHash, randomBytes } from 'node:crypto';
import type { User } from '../users/user.js';
import type { SessionStore } from './session-store.js';

export const SESSION_COOKIE = 'unleash-session';

function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url');
}

export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly ttlMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A new session id at every login (no fixation). */
  async start(user: User): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock().getTime() + this.ttlMs);
    await this.store.insert(hashSessionId(id), user.id, expiresAt);
    return { id, expiresAt };
  }

  async resolve(id: string): Promise<User | undefined> {
    // Anything that is not the shape we issue cannot be a session: skip the database.
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    return this.store.findUser(hashSessionId(id), this.clock());
  }

  async end(id: string): Promise<void> {
    await this.store.delete(hashSessionId(id));
  }
}
