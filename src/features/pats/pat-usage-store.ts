import type { Queryable } from '../../db/db.js';

/** Requests one token made on one UTC day (`YYYY-MM-DD`). */
export interface DayCount {
  patId: number;
  day: string;
  requests: number;
}

/** The table pat_usage_days: requests per token per UTC day. */
export class PatUsageStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Adds a batch of counts in one statement. Tokens deleted since their use are skipped:
   * their rows would only be removed again by the cascade.
   */
  async add(counts: readonly DayCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.db.query(
      `INSERT INTO pat_usage_days (pat_id, day, requests)
       SELECT b.id, b.day, b.n FROM jsonb_to_recordset($1::jsonb) AS b(id integer, day date, n integer)
       WHERE EXISTS (SELECT 1 FROM personal_access_tokens p WHERE p.id = b.id)
       ON CONFLICT (pat_id, day) DO UPDATE SET requests = pat_usage_days.requests + excluded.requests`,
      [JSON.stringify(counts.map((c) => ({ id: c.patId, day: c.day, n: c.requests })))],
    );
  }

  /** The token's days with requests from `since` (a UTC date) on, oldest first. */
  async days(patId: number, since: string): Promise<{ day: string; requests: number }[]> {
    return this.db.query<{ day: string; requests: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, requests FROM pat_usage_days
       WHERE pat_id = $1 AND day >= $2::date ORDER BY day`,
      [patId, since],
    );
  }

  /** Deletes the days before `before` (a UTC date); returns how many rows went. */
  async deleteBefore(before: string): Promise<number> {
    const rows = await this.db.query(
      'DELETE FROM pat_usage_days WHERE day < $1::date RETURNING 1',
      [before],
    );
    return rows.length;
  }
}
