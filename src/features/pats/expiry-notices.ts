// pat-expiring and pat-expired events (and so webhook deliveries), once per token and lead
// time however many instances run this: each event is recorded in the transaction that
// inserts its (token_id, lead_days) row, and a row that is already there records nothing.
//
// Lead times are PAT_EXPIRY_WARNING_DAYS (the same as the list's `expires-soon`). A token is
// told at the smallest lead time it is inside of, and only at lead times shorter than its
// whole life (a 7-day token is not "expiring within 14 days" the moment it is made). A token
// found already inside several lead times (a server that was down) is told once, at the
// shortest.

import type { Db, Queryable } from '../../db/db.js';
import type { AuditLog } from '../events/audit.js';

const DAY_MS = 86_400_000;
/** An expiry older than this when first seen is not announced (a first start on old data). */
const EXPIRED_LOOKBACK_DAYS = 7;
const BATCH = 500;
/** lead_days of the pat-expired notice. */
const EXPIRED = 0;
/** Who the events name as their author. */
export const EXPIRY_ACTOR = { createdBy: 'unlatch', ip: null } as const;

interface CandidateRow {
  id: number;
  user_id: number;
  description: string;
  expires_at: Date;
  created_at: Date;
  done: number[];
}

/** The notice a token is due, if any: a lead time in days, or 0 for pat-expired. */
export function dueNotice(
  token: { createdAt: Date; expiresAt: Date; done: readonly number[] },
  now: Date,
  leadDays: readonly number[],
): number | undefined {
  const remaining = token.expiresAt.getTime() - now.getTime();
  if (remaining <= 0) return token.done.includes(EXPIRED) ? undefined : EXPIRED;
  const lifetime = token.expiresAt.getTime() - token.createdAt.getTime();
  const lead = [...leadDays]
    .sort((x, y) => x - y)
    .find((days) => remaining <= days * DAY_MS && lifetime > days * DAY_MS);
  if (lead === undefined || token.done.some((days) => days !== EXPIRED && days <= lead)) {
    return undefined;
  }
  return lead;
}

export interface ExpiryNoticesDeps {
  db: Db;
  audit: AuditLog;
  leadDays: readonly number[];
  intervalMs: number;
  onError: (error: unknown) => void;
  clock?: () => Date;
}

export class ExpiryNotices {
  readonly #deps: ExpiryNoticesDeps;
  #timer: NodeJS.Timeout | undefined;
  #first: NodeJS.Timeout | undefined;

  constructor(deps: ExpiryNoticesDeps) {
    this.#deps = deps;
  }

  start(firstRunAfterMs = 30_000): void {
    if (this.#timer) return;
    const run = () => {
      this.runOnce().catch(this.#deps.onError);
    };
    this.#first = setTimeout(run, firstRunAfterMs);
    this.#timer = setInterval(run, this.#deps.intervalMs);
    this.#first.unref();
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#first);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Records the notices that are due; returns how many this run recorded. */
  async runOnce(): Promise<number> {
    const { db, leadDays } = this.#deps;
    const now = (this.#deps.clock ?? (() => new Date()))();
    const longest = Math.max(0, ...leadDays);
    // Read-only on personal_access_tokens: what is written is this file's own table.
    const rows = await db.query<CandidateRow>(
      `SELECT p.id, p.user_id, p.description, p.expires_at, p.created_at,
              coalesce(array(SELECT n.lead_days FROM pat_expiry_notices n WHERE n.token_id = p.id),
                       '{}') AS done
       FROM personal_access_tokens p
       WHERE p.expires_at <= $1::timestamptz + $2 * interval '1 day'
         AND p.expires_at > $1::timestamptz - $3 * interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM pat_expiry_notices n
                         WHERE n.token_id = p.id AND n.lead_days = ${EXPIRED})
       ORDER BY p.expires_at
       LIMIT ${BATCH}`,
      [now, longest, EXPIRED_LOOKBACK_DAYS],
    );
    let recorded = 0;
    for (const row of rows) {
      const due = dueNotice(
        { createdAt: row.created_at, expiresAt: row.expires_at, done: row.done },
        now,
        leadDays,
      );
      if (due === undefined) continue;
      if (await this.#record(row, due)) recorded++;
    }
    return recorded;
  }

  async #record(row: CandidateRow, leadDays: number): Promise<boolean> {
    const { db, audit } = this.#deps;
    return db.transaction(async (tx: Queryable) => {
      const claimed = await tx.query(
        `INSERT INTO pat_expiry_notices (token_id, lead_days) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [row.id, leadDays],
      );
      if (claimed.length === 0) return false; // another instance was first
      const data = {
        id: row.id,
        description: row.description,
        expiresAt: row.expires_at.toISOString(),
        userId: row.user_id,
      };
      if (leadDays === EXPIRED) {
        await audit.recordAnonymous('pat-expired', EXPIRY_ACTOR, data, tx);
      } else {
        await audit.recordAnonymous('pat-expiring', EXPIRY_ACTOR, { ...data, leadDays }, tx);
      }
      return true;
    });
  }
}
