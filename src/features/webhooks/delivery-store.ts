// The outbox: webhook_deliveries. Rows are written by the statement that records an event
// (fanOutSql, run by EventStore in the same statement), claimed under a lease by the senders
// of every instance, and settled by the one that holds the lease.

import type { Queryable } from '../../db/db.js';
import { WEBHOOK_TEST_EVENT } from './webhook.js';

/** Every instance listens here; a commit that created deliveries notifies it. */
export const WEBHOOK_CHANNEL = 'unlatch_webhooks';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface AttemptRecord {
  at: string;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface Delivery {
  id: string;
  webhookId: number;
  eventId: number;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: AttemptRecord[];
}

/** The body a receiver gets: the event as /api/admin/events serves it, in this key order. */
export interface DeliveryPayload {
  id: number;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** A delivery this instance holds the lease of, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  lease: string;
  attempts: number;
  eventType: string;
  payload: DeliveryPayload;
  createdAt: Date;
  url: string;
  secret: string;
}

export type Settlement =
  | { outcome: 'delivered'; attempt: AttemptRecord }
  | { outcome: 'retry'; attempt: AttemptRecord; nextAttemptAt: Date }
  | { outcome: 'failed'; attempt: AttemptRecord };

interface DeliveryRow {
  id: string;
  webhook_id: number;
  event_id: number;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  attempt_log: AttemptRecord[];
}

interface ClaimRow {
  id: string;
  lease: string;
  attempts: number;
  event_type: string;
  payload: DeliveryPayload;
  created_at: Date;
  url: string;
  secret: string;
}

function rowToDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    attemptLog: row.attempt_log,
  };
}

/**
 * Continues the `WITH event AS (...)` in which EventStore inserts an event (returning id, type,
 * data, created_at): one delivery per subscribed webhook, and a NOTIFY (delivered at commit)
 * when there was any.
 * With no webhooks it costs a scan of an empty table in the same round trip.
 * A `webhook-test` event goes to the one webhook its data names, and to no other.
 */
export function fanOutSql(): string {
  return `, delivery AS (
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
    SELECT w.id, e.id, e.type, jsonb_build_object(
        'id', e.id,
        'type', e.type,
        'createdAt', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'data', e.data)
    FROM event e JOIN webhooks w ON CASE
      WHEN e.type = '${WEBHOOK_TEST_EVENT}' THEN w.id::text = e.data ->> 'webhookId'
      ELSE e.type = ANY (w.events) OR '*' = ANY (w.events) END
    RETURNING 1)
  SELECT pg_notify('${WEBHOOK_CHANNEL}', '') FROM (SELECT 1 FROM delivery LIMIT 1) AS created`;
}

export class DeliveryStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Takes up to `limit` due deliveries for `leaseMs`. One statement: SKIP LOCKED keeps two
   * instances from taking the same row, and a row whose lease ran out (its sender died) is
   * due again.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.db.query<ClaimRow>(
      `UPDATE webhook_deliveries d
       SET locked_until = now() + $2::double precision * interval '1 millisecond',
           lease = gen_random_uuid()
       FROM webhooks w
       WHERE w.id = d.webhook_id AND d.id IN (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= now()
           AND (locked_until IS NULL OR locked_until <= now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING d.id, d.lease, d.attempts, d.event_type, d.payload, d.created_at, w.url, w.secret`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      lease: row.lease,
      attempts: row.attempts,
      eventType: row.event_type,
      payload: row.payload,
      createdAt: row.created_at,
      url: row.url,
      secret: row.secret,
    }));
  }

  /** Records an attempt's outcome, if the lease is still ours; false when it is not. */
  async settle(id: string, lease: string, settlement: Settlement): Promise<boolean> {
    const { attempt } = settlement;
    const rows = await this.db.query(
      `UPDATE webhook_deliveries
       SET status = $3, attempts = attempts + 1,
           next_attempt_at = coalesce($4, next_attempt_at),
           delivered_at = CASE WHEN $3 = 'delivered' THEN now() END,
           last_status = $5, last_error = $6,
           attempt_log = attempt_log || jsonb_build_array($7::jsonb),
           locked_until = NULL, lease = NULL
       WHERE id = $1 AND lease = $2
       RETURNING 1`,
      [
        id,
        lease,
        settlement.outcome === 'retry' ? 'pending' : settlement.outcome,
        settlement.outcome === 'retry' ? settlement.nextAttemptAt : null,
        attempt.status,
        attempt.error,
        JSON.stringify(attempt),
      ],
    );
    return rows.length === 1;
  }

  /** Gives a claimed delivery back untried (shutdown): it is due again at once. */
  async release(id: string, lease: string): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET locked_until = NULL, lease = NULL
       WHERE id = $1 AND lease = $2`,
      [id, lease],
    );
  }

  /** Newest first. */
  async recent(webhookId: number, limit: number): Promise<Delivery[]> {
    const rows = await this.db.query<DeliveryRow>(
      `SELECT id, webhook_id, event_id, event_type, status, attempts, next_attempt_at,
              last_status, last_error, created_at, delivered_at, attempt_log
       FROM webhook_deliveries WHERE webhook_id = $1
       ORDER BY created_at DESC, id LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map(rowToDelivery);
  }

  /** The newest delivery of an event type to a webhook (the test just sent). */
  async latestId(tx: Queryable, webhookId: number, eventType: string): Promise<string | undefined> {
    const [row] = await tx.query<{ id: string }>(
      `SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND event_type = $2
       ORDER BY created_at DESC LIMIT 1`,
      [webhookId, eventType],
    );
    return row?.id;
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'",
    );
    return row?.n ?? 0;
  }

  /** Retention: settled deliveries older than `cutoff`. */
  async deleteSettledBefore(cutoff: Date): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1 RETURNING 1`,
      [cutoff],
    );
    return rows.length;
  }
}
