import type { Queryable } from '../../db/db.js';
import type { User } from '../users/user.js';
import { rowToUser, USER_COLUMNS, type UserRow } from '../users/user-store.js';

const USER_COLUMNS_OF_U = USER_COLUMNS.split(', ')
  .map((column) => `u.${column}`)
  .join(', ');

export class SessionStore {
  constructor(private readonly db: Queryable) {}

  async insert(idHash: string, userId: number, expiresAt: Date): Promise<void> {
    await this.db.query('INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
      idHash,
      userId,
      expiresAt,
    ]);
  }

  /** The live user behind an unexpired session. */
  async findUser(idHash: string, now: Date): Promise<User | undefined> {
    const [row] = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS_OF_U} FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.deleted_at IS NULL`,
      [idHash, now],
    );
    return row && rowToUser(row);
  }

  async delete(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  }
}
