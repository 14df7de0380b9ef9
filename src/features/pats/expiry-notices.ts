// pat-expiring and pat-expired events (and so webhook deliveries), once per token and lead
// time however many instances run this: each event is recorded in the transaction that
// inserts its (token_id, lead_days) row, and a row that is already there records nothing.
//
// Lead times are PAT_EXPIRY_WARNING_DAYS (the same as the list's `expires-soon`). A token is
// told at the smallest lead time it is inside of, and only at lead times shorter than its
// whole life (a 7-day token is not "expiring within 14 days" the moment it is made). A token
// found already inside several lead times (a server that was down) is told once, at the
// shortest.

import { PeriodicJob } from '../../core/periodic-job.js';
import type { Db, Queryable } from '../../db/db.js';
import type { AuditLog } from '../events/audit.js';
import type { ExpiryNoticeStore } from './expiry-notice-store.js';
import { EXPIRED_NOTICE as EXPIRED, type ExpiringPat, type PatStore } from './pat-store.js';
import { type Clock, systemClock } from '../../core/clock.js';

const DAY_MS = 86_400_000;
/** An expiry older than this when first seen is not announced (a first start on old data). */
const EXPIRED_LOOKBACK_DAYS = 7;
const BATCH = 500;
/** Who the events name as their author. */
export const EXPIRY_ACTOR = { createdBy: 'unlatch', ip: null } as const;

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
  pats: PatStore;
  notices: ExpiryNoticeStore;
  audit: AuditLog;
  leadDays: readonly number[];
  intervalMs: number;
  onError: (error: unknown) => void;
  clock?: Clock;
}

export class ExpiryNotices {
  readonly #deps: ExpiryNoticesDeps;
  readonly #job: PeriodicJob;

  constructor(deps: ExpiryNoticesDeps) {
    this.#deps = deps;
    this.#job = new PeriodicJob((signal) => this.runOnce(signal), deps);
  }

  start(firstRunAfterMs = 30_000): void {
    this.#job.start(firstRunAfterMs);
  }

  /** Stops the runs and resolves once a run in progress has ended. */
  stop(): Promise<void> {
    return this.#job.stop();
  }

  /**
   * Records the notices that are due; returns how many this run recorded. Once `signal` is
   * aborted (the server is stopping) it records no further notice: the next run finds them.
   */
  async runOnce(signal?: AbortSignal): Promise<number> {
    const { pats, leadDays } = this.#deps;
    const now = (this.#deps.clock ?? systemClock)();
    const longest = Math.max(0, ...leadDays);
    const tokens = await pats.findExpiring(now, longest, EXPIRED_LOOKBACK_DAYS, BATCH);
    let recorded = 0;
    for (const token of tokens) {
      if (signal?.aborted) break;
      const due = dueNotice(token, now, leadDays);
      if (due === undefined) continue;
      if (await this.#record(token, due)) recorded++;
    }
    return recorded;
  }

  async #record(token: ExpiringPat, leadDays: number): Promise<boolean> {
    const { db, notices, audit } = this.#deps;
    return db.transaction(async (tx: Queryable) => {
      if (!(await notices.claim(tx, token.id, leadDays))) return false; // another instance was first
      const data = {
        id: token.id,
        description: token.description,
        expiresAt: token.expiresAt.toISOString(),
        userId: token.userId,
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
