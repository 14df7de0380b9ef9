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

const INSERT_EVENT = `INSERT INTO events (type, created_by, created_by_user_id, ip, data)
  VALUES ($1, $2, $3, $4, $5::jsonb)`;

export class EventStore {
  /**
   * fanOut: SQL that continues `WITH event AS (<the insert> RETURNING id, type, data,
   * created_at)` in the same statement: the webhooks' outbox (features/webhooks). One
   * statement, so the event and its deliveries commit together even outside a transaction,
   * in one round trip.
   */
  constructor(
    private readonly db: Queryable,
    private readonly fanOut?: string,
  ) {}

  /** Pass the transaction of the change the event records, so both commit or neither. */
  async insert(event: NewEvent, db: Queryable = this.db): Promise<void> {
    const params = [
      event.type,
      event.createdBy,
      event.createdByUserId,
      event.ip,
      JSON.stringify(event.data),
    ];
    await db.query(
      this.fanOut === undefined
        ? INSERT_EVENT
        : `WITH event AS (${INSERT_EVENT} RETURNING id, type, data, created_at) ${this.fanOut}`,
      params,
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
