import type { Db } from '../../db/db.js';
import { PasswordMismatch } from '../../core/errors.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import type { User } from '../../core/user.js';
import type { UserStore } from '../users/user-store.js';
import type { SessionService } from './session-service.js';

export interface LoginServiceDeps {
  db: Db;
  users: UserStore;
  sessions: SessionService;
  hasher: PasswordHasher;
}

export class LoginService {
  private readonly db: Db;
  private readonly users: UserStore;
  private readonly sessions: SessionService;
  private readonly hasher: PasswordHasher;

  constructor(deps: LoginServiceDeps) {
    this.db = deps.db;
    this.users = deps.users;
    this.sessions = deps.sessions;
    this.hasher = deps.hasher;
  }

  /**
   * Unknown user and wrong password give the same error after the same work: the password
   * is always checked, against a decoy hash when there is no such user. Rejects with
   * ClientGone when `signal` (the client left) is aborted before the check began.
   */
  async login(
    login: string,
    password: string,
    signal?: AbortSignal,
  ): Promise<{ user: User; session: { id: string; expiresAt: Date } }> {
    const found = await this.users.findForLogin(login.trim());
    const matches = await this.hasher.verifyOrDecoy(password, found?.passwordHash, signal);
    if (!found || found.passwordHash === null || !matches) {
      if (found) await this.users.recordFailedLogin(found.user.id);
      throw new PasswordMismatch();
    }
    const verifiedHash = found.passwordHash;
    // The check took a while: the password may have been changed, or the user deleted, since
    // it was read. The session is started only if the hash verified is still the current one,
    // under the user's row lock, so a password change either sees this session and ends it
    // or runs before and makes this login fail.
    const session = await this.db.transaction(async (tx) => {
      if (!(await this.users.recordSuccessfulLogin(tx, found.user.id, verifiedHash))) {
        throw new PasswordMismatch();
      }
      return this.sessions.start(tx, found.user);
    });
    return { user: { ...found.user, loginAttempts: 0, seenAt: new Date() }, session };
  }
}
