// Periodic clean-up: expired sessions (a user's are otherwise only trimmed at their next
// login), token usage days older than 90 days and, when EVENTS_RETENTION_DAYS is set, audit
// events past it. Those are idempotent deletes, so every instance may run them; they are
// cheap when there is nothing to remove. With PAT_IDLE_REVOKE_DAYS set, idle tokens are
// revoked too, by one instance at a time (see pats/idle-tokens.ts).

import { PeriodicJob } from '../../core/periodic-job.js';
import type { EventStore } from '../events/event-store.js';
import type { IdleTokens } from '../pats/idle-tokens.js';
import type { PatUsageStore } from '../pats/pat-usage-store.js';
import type { SessionService } from '../sessions/session-service.js';
import { type Clock, systemClock } from '../../core/clock.js';

const DAY_MS = 86_400_000;

export interface HousekeepingDeps {
  sessions: SessionService;
  events: EventStore;
  /** 0 keeps events forever. */
  eventsRetentionDays: number;
  /** Requests per day are kept this many days. */
  usage?: { store: PatUsageStore; keepDays: number };
  /** Set when PAT_IDLE_REVOKE_DAYS is. */
  idleTokens?: IdleTokens | undefined;
  intervalMs: number;
  onError: (error: unknown) => void;
  clock?: Clock;
}

export class Housekeeping {
  readonly #deps: HousekeepingDeps;
  readonly #job: PeriodicJob;

  constructor(deps: HousekeepingDeps) {
    this.#deps = deps;
    this.#job = new PeriodicJob((signal) => this.runOnce(signal), deps);
  }

  /** A first run soon after start (servers that restart often still clean up), then every interval. */
  start(firstRunAfterMs = 60_000): void {
    this.#job.start(firstRunAfterMs);
  }

  /** Stops the runs and resolves once a run in progress has ended. */
  stop(): Promise<void> {
    return this.#job.stop();
  }

  /** One clean-up; once `signal` is aborted (the server is stopping) it begins no further step. */
  async runOnce(signal?: AbortSignal): Promise<{
    sessions: number;
    events: number;
    usageDays: number;
    idleTokens: number;
  }> {
    const { sessions, events, eventsRetentionDays, usage, idleTokens } = this.#deps;
    const now = (this.#deps.clock ?? systemClock)();
    const unlessStopping = async (step: () => Promise<number>) => (signal?.aborted ? 0 : step());
    const expiredSessions = await unlessStopping(() => sessions.purgeExpired());
    const oldEvents =
      eventsRetentionDays === 0
        ? 0
        : await unlessStopping(() =>
            events.deleteOlderThan(new Date(now.getTime() - eventsRetentionDays * DAY_MS)),
          );
    const firstKept = new Date(
      (Math.floor(now.getTime() / DAY_MS) - (usage?.keepDays ?? 0) + 1) * DAY_MS,
    );
    const usageDays = usage
      ? await unlessStopping(() => usage.store.deleteBefore(firstKept.toISOString().slice(0, 10)))
      : 0;
    const idle = idleTokens ? await unlessStopping(() => idleTokens.revokeIdle(signal)) : 0;
    return { sessions: expiredSessions, events: oldEvents, usageDays, idleTokens: idle };
  }
}
