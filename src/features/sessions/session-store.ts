import type { Queryable } from '../../db/db.js';
import type { User } from '../../core/user.js';
import { rowToUser, USER_COLUMNS_OF_U, type UserRow } from '../users/user-store.js';

export class SessionStore {
  constructor(private readonly db: Queryable) {}

  async insert(tx: Queryable, idHash: string, userId: number, expiresAt: Date): Promise<void> {
    await tx.query('INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
      idHash,
      userId,
      expiresAt,
    ]);
  }

  /** Whether the session is still live, and keeps it so until the transaction ends. */
  async holdLive(tx: Queryable, idHash: string, userId: number): Promise<boolean> {
    const rows = await tx.query(
      'SELECT 1 FROM sessions WHERE id_hash = $1 AND user_id = $2 AND expires_at > now() FOR SHARE',
      [idHash, userId],
    );
    return rows.length === 1;
  }

  /** Removes sessions that expired before `now`; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const rows = await this.db.query('DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1', [
      now,
    ]);
    return rows.length;
  }

  /** The live user behind an unexpired session, and when it expires. */
  async findUser(idHash: string, now: Date): Promise<{ user: User; expiresAt: Date } | undefined> {
    const [row] = await this.db.query<UserRow & { session_expires_at: Date }>(
      `SELECT ${USER_COLUMNS_OF_U}, s.expires_at AS session_expires_at
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.deleted_at IS NULL`,
      [idHash, now],
    );
    return row && { user: rowToUser(row), expiresAt: row.session_expires_at };
  }

  async extend(idHash: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      'UPDATE sessions SET expires_at = $2, last_seen_at = now() WHERE id_hash = $1',
      [idHash, expiresAt],
    );
  }

  /** Keeps a user's newest `keep` sessions and ends the rest. */
  async trimForUser(tx: Queryable, userId: number, keep: number): Promise<void> {
    await tx.query(
      `DELETE FROM sessions WHERE user_id = $1 AND id_hash NOT IN (
         SELECT id_hash FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id_hash LIMIT $2)`,
      [userId, keep],
    );
  }

  async delete(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  /** Ends all of a user's sessions, except the one given (the caller's own). */
  async deleteForUser(userId: number, exceptIdHash?: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2', [
      userId,
      exceptIdHash ?? null,
    ]);
  }
}
