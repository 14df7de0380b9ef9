// PAT_IDLE_REVOKE_DAYS: tokens nobody has used (by seenAt, or since creation when never used)
// for that many days are revoked, with a `pat-deleted` event whose reason is `idle`. Every
// instance runs the job; a transaction-scoped advisory lock lets one at a time do the work,
// and the others skip the round (the next round will find nothing left to do).

import type { Db } from '../../db/db.js';
import type { SystemActor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { RevocationBus } from '../revocation/revocation-bus.js';
import type { PatStore } from './pat-store.js';
import { revokeTokens } from './token-inventory.js';
import { type Clock, systemClock } from '../../core/clock.js';

const DAY_MS = 86_400_000;
// Any fixed number works; it only has to differ from the other jobs' and be the same for
// every instance (the migrations use 4242_0001).
export const IDLE_JOB_LOCK_KEY = 4242_0013;
const BATCH = 1000;

/** The job acts on its own: events say `idle-token-job` made the change. */
export const IDLE_JOB_ACTOR: SystemActor = Object.freeze({ system: 'idle-token-job' });

export interface IdleTokensDeps {
  db: Db;
  store: PatStore;
  audit: AuditLog;
  revocations: RevocationBus;
  idleDays: number;
  clock?: Clock;
}

export class IdleTokens {
  readonly #deps: IdleTokensDeps;

  constructor(deps: IdleTokensDeps) {
    this.#deps = deps;
  }

  /** Revokes idle tokens in batches; returns how many (0 when another instance holds the lock). */
  async revokeIdle(signal?: AbortSignal): Promise<number> {
    const { db, store, revocations, idleDays } = this.#deps;
    let total = 0;
    // Batch after batch; a stopping server ends after the batch in hand (the next run goes on).
    while (!signal?.aborted) {
      const now = (this.#deps.clock ?? systemClock)();
      const cutoff = new Date(now.getTime() - idleDays * DAY_MS);
      const deleted = await db.transaction(async (tx) => {
        if (!(await store.tryJobLock(tx, IDLE_JOB_LOCK_KEY))) return undefined;
        const found = await store.deleteIdle(tx, cutoff, now, BATCH);
        await revokeTokens(this.#deps, tx, IDLE_JOB_ACTOR, found, 'idle');
        return found;
      });
      if (deleted === undefined) return total;
      for (const { selector } of deleted) revocations.apply({ kind: 'pat', selector });
      total += deleted.length;
      if (deleted.length < BATCH) return total;
    }
    return total;
  }
}
