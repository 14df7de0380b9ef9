import type { Queryable } from '../../db/db.js';
import type { Webhook } from './webhook.js';

interface WebhookRow {
  id: number;
  url: string;
  events: string[];
  description: string;
  created_at: Date;
  updated_at: Date;
}

// The secret is deliberately not in this list: it is read only by the sender's claim.
const COLUMNS = 'id, url, events, description, created_at, updated_at';

function rowToWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface WebhookFields {
  url: string;
  events: string[];
  description: string;
}

/** The webhooks table. */
export class WebhookStore {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<Webhook[]> {
    const rows = await this.db.query<WebhookRow>(`SELECT ${COLUMNS} FROM webhooks ORDER BY id`);
    return rows.map(rowToWebhook);
  }

  async find(id: number, db: Queryable = this.db): Promise<Webhook | undefined> {
    const [row] = await db.query<WebhookRow>(`SELECT ${COLUMNS} FROM webhooks WHERE id = $1`, [id]);
    return row && rowToWebhook(row);
  }

  async insert(tx: Queryable, fields: WebhookFields, secret: string): Promise<Webhook> {
    const [row] = await tx.query<WebhookRow>(
      `INSERT INTO webhooks (url, events, description, secret)
       VALUES ($1, string_to_array($2, ','), $3, $4) RETURNING ${COLUMNS}`,
      [fields.url, fields.events.join(','), fields.description, secret],
    );
    if (!row) throw new Error('INSERT ... RETURNING gave no row');
    return rowToWebhook(row);
  }

  /** Locks the row for the rest of the transaction; undefined when there is none. */
  async lock(tx: Queryable, id: number): Promise<Webhook | undefined> {
    const [row] = await tx.query<WebhookRow>(
      `SELECT ${COLUMNS} FROM webhooks WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row && rowToWebhook(row);
  }

  async update(tx: Queryable, id: number, fields: WebhookFields): Promise<Webhook | undefined> {
    const [row] = await tx.query<WebhookRow>(
      `UPDATE webhooks SET url = $2, events = string_to_array($3, ','), description = $4,
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, fields.url, fields.events.join(','), fields.description],
    );
    return row && rowToWebhook(row);
  }

  /** Its deliveries go with it (ON DELETE CASCADE). */
  async delete(tx: Queryable, id: number): Promise<Webhook | undefined> {
    const [row] = await tx.query<WebhookRow>(
      `DELETE FROM webhooks WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return row && rowToWebhook(row);
  }
}
