import { PasswordMismatch } from '../../http/errors.js';
import { decoyPasswordHash, verifyPassword } from '../users/password.js';
import type { User } from '../users/user.js';
import type { UserStore } from '../users/user-store.js';
import type { SessionService } from './session-service.js';

export class LoginService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionService,
  ) {}

  /**
   * Unknown user and wrong password give the same error after the same work: the password
   * is always checked, against a decoy hash when there is no such user.
   */
  async login(
    login: string,
    password: string,
  ): Promise<{ user: User; session: { id: string; expiresAt: Date } }> {
    const found = await this.users.findForLogin(login.trim());
    const hash = found?.passwordHash ?? (await decoyPasswordHash());
    const matches = await verifyPassword(password, hash);
    if (!found || found.passwordHash === null || !matches) {
      if (found) await this.users.recordLogin(found.user.id, false);
      throw new PasswordMismatch();
    }
    await this.users.recordLogin(found.user.id, true);
    const user = { ...found.user, loginAttempts: 0, seenAt: new Date() };
    return { user, session: await this.sessions.start(user) };
  }
}
