import type { Queryable } from '../../db/db.js';

/** Event data is JSON built by a per-type whitelist (patEventData, userEventData); never a raw object. */
export type EventData = Readonly<
  Record<string, string | number | boolean | null | readonly string[]>
>;

export interface NewEvent {
  type: string;
  createdBy: string;
  createdByUserId: number | null;
  ip: string | null;
  data: EventData;
}

export interface StoredEvent {
  id: number;
  type: string;
  createdBy: string;
  createdByUserId: number | null;
  createdAt: string;
  ip: string | null;
  data: EventData;
}

interface EventRow {
  id: number;
  type: string;
  created_by: string;
  created_by_user_id: number | null;
  created_at: Date;
  ip: string | null;
  data: EventData;
}

function rowToEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    createdBy: row.created_by,
    createdByUserId: row.created_by_user_id,
    createdAt: row.created_at.toISOString(),
    ip: row.ip,
    data: row.data,
  };
}

export class EventStore {
  constructor(private readonly db: Queryable) {}

  /** Pass the transaction of the change the event records, so both commit or neither. */
  async insert(event: NewEvent, db: Queryable = this.db): Promise<void> {
    await db.query(
      `INSERT INTO events (type, created_by, created_by_user_id, ip, data)
       VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [event.type, event.createdBy, event.createdByUserId, event.ip, JSON.stringify(event.data)],
    );
  }

  /** Retention: removes events created before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const rows = await this.db.query('DELETE FROM events WHERE created_at < $1 RETURNING 1', [
      cutoff,
    ]);
    return rows.length;
  }

  /** Newest first. */
  async page(limit: number, offset: number): Promise<{ events: StoredEvent[]; total: number }> {
    const rows = await this.db.query<EventRow>(
      `SELECT id, type, created_by, created_by_user_id, created_at, ip, data
       FROM events ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    const [count] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    return { events: rows.map(rowToEvent), total: count?.n ?? 0 };
  }
}
