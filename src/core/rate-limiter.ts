// A fixed-window counter per key (client IP), bounded in memory. @fastify/rate-limit counts
// every request to a route; the failed-token limit must count only failures, so both limits
// use this one small mechanism instead. Counts are per instance: N instances allow N times
// the limit, which still bounds what one client can make the database do.

export interface LimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  #window(key: string): { start: number; count: number } {
    const now = this.clock();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      this.#windows.delete(key);
      // Bounded: drop the oldest key (Map keeps insertion order) when full.
      if (this.#windows.size >= this.maxKeys) {
        const oldest = this.#windows.keys().next();
        if (!oldest.done) this.#windows.delete(oldest.value);
      }
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    return window;
  }

  /** Whether key is already over the limit, without counting. */
  check(key: string): LimitDecision {
    const window = this.#window(key);
    return {
      allowed: window.count < this.limit,
      retryAfterSeconds: Math.ceil((window.start + this.windowMs - this.clock()) / 1000),
    };
  }

  /** Counts one event for key. */
  hit(key: string): void {
    this.#window(key).count++;
  }

  /** Takes back one event counted by take(), if its window is still the current one. */
  refund(key: string): void {
    const window = this.#windows.get(key);
    if (window && this.clock() - window.start < this.windowMs && window.count > 0) window.count--;
  }

  /** Counts one event and says whether it was within the limit. */
  take(key: string): LimitDecision {
    const decision = this.check(key);
    if (decision.allowed) this.hit(key);
    return decision;
  }
}
