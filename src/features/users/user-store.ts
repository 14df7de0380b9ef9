import type { Queryable } from '../../db/db.js';
import type { AccountType, RootRole, User } from '../../core/user.js';

export interface UserRow {
  id: number;
  username: string | null;
  email: string | null;
  name: string | null;
  root_role: RootRole;
  login_attempts: number;
  created_at: Date;
  seen_at: Date | null;
  is_service: boolean;
}

const USER_COLUMN_NAMES = [
  'id',
  'username',
  'email',
  'name',
  'root_role',
  'login_attempts',
  'created_at',
  'seen_at',
  'is_service',
];
export const USER_COLUMNS = USER_COLUMN_NAMES.join(', ');
/** The same columns qualified by `u.`, for stores that join users as `u`. */
export const USER_COLUMNS_OF_U = USER_COLUMN_NAMES.map((column) => `u.${column}`).join(', ');

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    name: row.name,
    rootRole: row.root_role,
    loginAttempts: row.login_attempts,
    createdAt: row.created_at,
    seenAt: row.seen_at,
    accountType: row.is_service ? 'Service' : 'User',
  };
}

/** `users` holds people and service accounts; most questions are about one kind. */
const IS_SERVICE: Readonly<Record<AccountType, boolean>> = { User: false, Service: true };

export interface NewUser {
  username: string | null;
  email: string | null;
  name: string | null;
  passwordHash: string | null;
  rootRole: RootRole;
  accountType: AccountType;
}

export class UserStore {
  constructor(private readonly db: Queryable) {}

  async insert(user: NewUser): Promise<User> {
    const [row] = await this.db.query<UserRow>(
      `INSERT INTO users (username, email, name, password_hash, root_role, is_service)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
      [
        user.username,
        user.email,
        user.name,
        user.passwordHash,
        user.rootRole,
        IS_SERVICE[user.accountType],
      ],
    );
    if (!row) throw new Error('INSERT ... RETURNING gave no row');
    return rowToUser(row);
  }

  async findLive(id: number, accountType: AccountType): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL AND is_service = $2`,
      [id, IS_SERVICE[accountType]],
    );
    return row && rowToUser(row);
  }

  /**
   * By username or email, without regard to case; with the hash, for the login check.
   * People only: a service account's name answers as an unknown one.
   */
  async findForLogin(
    login: string,
  ): Promise<{ user: User; passwordHash: string | null } | undefined> {
    const [row] = await this.db.query<UserRow & { password_hash: string | null }>(
      `SELECT ${USER_COLUMNS}, password_hash FROM users
       WHERE deleted_at IS NULL AND NOT is_service
         AND (lower(username) = lower($1) OR lower(email) = lower($1))
       ORDER BY id LIMIT 1`,
      [login],
    );
    return row && { user: rowToUser(row), passwordHash: row.password_hash };
  }

  async recordFailedLogin(id: number): Promise<void> {
    await this.db.query('UPDATE users SET login_attempts = login_attempts + 1 WHERE id = $1', [id]);
  }

  /**
   * Records a login whose password verified against `verifiedHash`, only if that is still the
   * user's hash and the user is live; the row stays locked until the transaction ends.
   */
  async recordSuccessfulLogin(tx: Queryable, id: number, verifiedHash: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE users SET login_attempts = 0, seen_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND password_hash = $2 RETURNING id`,
      [id, verifiedHash],
    );
    return rows.length === 1;
  }

  async listLive(accountType: AccountType): Promise<User[]> {
    const rows = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE deleted_at IS NULL AND is_service = $1 ORDER BY id`,
      [IS_SERVICE[accountType]],
    );
    return rows.map(rowToUser);
  }

  /** Locks the row for the rest of the transaction. */
  async lockLive(id: number, accountType: AccountType): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users
       WHERE id = $1 AND deleted_at IS NULL AND is_service = $2 FOR UPDATE`,
      [id, IS_SERVICE[accountType]],
    );
    return row && rowToUser(row);
  }

  /**
   * Locks every live Admin and counts them. Two transactions demoting or deleting the last two
   * Admins at once queue on these row locks, and the second one sees the first one's change.
   * In id order, and before any other user row: two transactions that took them in different
   * orders deadlocked on PostgreSQL (one got a 500). Service accounts do not count: they
   * cannot sign in to administer anything.
   */
  async lockAndCountAdmins(): Promise<number> {
    const rows = await this.db.query(
      `SELECT id FROM users WHERE root_role = 'Admin' AND deleted_at IS NULL AND NOT is_service
       ORDER BY id FOR UPDATE`,
    );
    return rows.length;
  }

  async update(
    id: number,
    changes: { name?: string | null; email?: string | null; rootRole?: RootRole },
  ): Promise<User> {
    const [row] = await this.db.query<UserRow>(
      `UPDATE users SET
         name = CASE WHEN $2 THEN $3 ELSE name END,
         email = CASE WHEN $4 THEN $5 ELSE email END,
         root_role = COALESCE($6, root_role)
       WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [
        id,
        changes.name !== undefined,
        changes.name ?? null,
        changes.email !== undefined,
        changes.email ?? null,
        changes.rootRole ?? null,
      ],
    );
    if (!row) throw new Error(`user ${id} vanished inside its own transaction`);
    return rowToUser(row);
  }

  /** Soft delete: the row stays for the audit trail (its tokens and sessions go with their stores). */
  async softDelete(id: number): Promise<void> {
    await this.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [id]);
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE users SET password_hash = $2, login_attempts = 0 WHERE id = $1', [
      id,
      passwordHash,
    ]);
  }
}
