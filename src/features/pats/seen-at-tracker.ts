import type { PatStore, SeenUse } from './pat-store.js';
import type { DayCount, PatUsageStore } from './pat-usage-store.js';

const DAY_MS = 86_400_000;

/** One token's uses since the last flush. */
interface Pending extends SeenUse {
  /** The UTC day (days since the epoch) `count` belongs to. */
  day: number;
  count: number;
  /** Counts of earlier days, when a batch spans midnight. */
  earlier: Map<number, number> | undefined;
}

export interface SeenAtTrackerOptions {
  intervalMs: number;
  onError: (error: unknown) => void;
  /** After a batch is written: cached token lists show seenAt and must be re-read. */
  onFlushed?: () => void;
  /**
   * With it (PAT_USAGE_TRACKING, the default), requests per day, the last address and user
   * agent are kept too; without it, only seenAt, as before usage existed (the benchmark's
   * comparison).
   */
  usage?: PatUsageStore | undefined;
}

function utcDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Collects when, from where and how often tokens are used, and writes it in one batched
 * UPDATE (and one INSERT of day counts) every interval and at shutdown: the hot path costs a
 * Map lookup and a few assignments, never a database write.
 */
export class SeenAtTracker {
  #pending = new Map<number, Pending>();
  /** Without usage tracking: only the time of each token's latest use. */
  #seenOnly = new Map<number, Date>();
  #timer: NodeJS.Timeout | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #onFlushed: () => void;
  readonly #intervalMs: number;
  readonly #usage: PatUsageStore | undefined;

  constructor(
    private readonly store: PatStore,
    options: SeenAtTrackerOptions,
  ) {
    this.#intervalMs = options.intervalMs;
    this.#onError = options.onError;
    this.#onFlushed = options.onFlushed ?? (() => {});
    this.#usage = options.usage;
  }

  record(
    tokenId: number,
    at: Date,
    ip: string | null = null,
    userAgent: string | null = null,
  ): void {
    if (this.#usage === undefined) {
      this.#seenOnly.set(tokenId, at);
      return;
    }
    const day = Math.floor(at.getTime() / DAY_MS);
    const entry = this.#pending.get(tokenId);
    if (entry === undefined) {
      this.#pending.set(tokenId, { at, ip, userAgent, day, count: 1, earlier: undefined });
      return;
    }
    entry.at = at;
    entry.ip = ip;
    entry.userAgent = userAgent;
    if (entry.day === day) {
      entry.count++;
      return;
    }
    (entry.earlier ??= new Map()).set(entry.day, (entry.earlier.get(entry.day) ?? 0) + entry.count);
    entry.day = day;
    entry.count = 1;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.flush().catch(this.#onError);
    }, this.#intervalMs);
    this.#timer.unref();
  }

  async flush(): Promise<void> {
    if (this.#seenOnly.size > 0) {
      const seen = this.#seenOnly;
      this.#seenOnly = new Map();
      for (const [id, at] of seen)
        this.#pending.set(id, {
          at,
          ip: null,
          userAgent: null,
          day: 0,
          count: 0,
          earlier: undefined,
        });
    }
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.store.recordSeen(batch);
      if (this.#usage) await this.#usage.add(dayCounts(batch));
      this.#onFlushed();
    } catch (error) {
      // Put the batch back so a database blip loses nothing: newer uses keep their time and
      // place, counts add up (seen_at is idempotent; counts were not written).
      for (const [id, old] of batch) this.#restore(id, old);
      throw error;
    }
  }

  #restore(id: number, old: Pending): void {
    const now = this.#pending.get(id);
    if (now === undefined) {
      this.#pending.set(id, old);
      return;
    }
    const earlier = (now.earlier ??= new Map());
    for (const [day, count] of old.earlier ?? []) earlier.set(day, (earlier.get(day) ?? 0) + count);
    if (old.day === now.day) now.count += old.count;
    else earlier.set(old.day, (earlier.get(old.day) ?? 0) + old.count);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

function dayCounts(batch: ReadonlyMap<number, Pending>): DayCount[] {
  const counts: DayCount[] = [];
  for (const [patId, entry] of batch) {
    counts.push({ patId, day: utcDate(entry.day), requests: entry.count });
    for (const [day, requests] of entry.earlier ?? [])
      counts.push({ patId, day: utcDate(day), requests });
  }
  return counts;
}
