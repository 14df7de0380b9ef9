import { PgCode } from '../../db/db.js';
import type { AccountType, RootRole, User } from '../../core/user.js';
import type { UserServiceStore } from './user-service.js';
import type { NewUser } from './user-store.js';

interface Row {
  user: User;
  passwordHash: string | null;
  deleted: boolean;
}

/**
 * UserStore in memory, for unit tests of UserService's rules. Usernames and emails are
 * unique among all rows, as the real unique indexes make them; locks are not modelled.
 */
export class FakeUserStore implements UserServiceStore {
  readonly rows: Row[] = [];

  async insert(user: NewUser): Promise<User> {
    const clash = this.rows.some(
      (row) =>
        (user.username !== null && row.user.username === user.username) ||
        (user.email !== null && row.user.email === user.email),
    );
    // As PostgreSQL reports it; the service translates it to NameExistsError.
    if (clash) throw Object.assign(new Error('duplicate key'), { code: PgCode.uniqueViolation });
    const created: User = {
      id: this.rows.length + 1,
      username: user.username,
      email: user.email,
      name: user.name,
      rootRole: user.rootRole,
      loginAttempts: 0,
      createdAt: new Date(),
      seenAt: null,
      accountType: user.accountType,
    };
    this.rows.push({ user: created, passwordHash: user.passwordHash, deleted: false });
    return { ...created };
  }

  async findLive(id: number, accountType: AccountType): Promise<User | undefined> {
    const row = this.#live(id, accountType);
    return row && { ...row.user };
  }

  async listLive(accountType: AccountType): Promise<User[]> {
    return this.rows
      .filter((row) => !row.deleted && row.user.accountType === accountType)
      .map((row) => ({ ...row.user }));
  }

  async lockLive(id: number, accountType: AccountType): Promise<User | undefined> {
    return this.findLive(id, accountType);
  }

  async lockAndCountAdmins(): Promise<number> {
    return this.rows.filter(
      (row) => !row.deleted && row.user.accountType === 'User' && row.user.rootRole === 'Admin',
    ).length;
  }

  async update(
    id: number,
    changes: { name?: string | null; email?: string | null; rootRole?: RootRole },
  ): Promise<User> {
    const row = this.rows.find((r) => r.user.id === id);
    if (!row) throw new Error(`no user ${id}`);
    row.user = { ...row.user, ...changes };
    return { ...row.user };
  }

  async softDelete(id: number): Promise<void> {
    const row = this.rows.find((r) => r.user.id === id);
    if (row) row.deleted = true;
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    const row = this.rows.find((r) => r.user.id === id);
    if (row) row.passwordHash = passwordHash;
  }

  #live(id: number, accountType: AccountType): Row | undefined {
    return this.rows.find(
      (row) => row.user.id === id && !row.deleted && row.user.accountType === accountType,
    );
  }
}
