// A server's background job that runs every interval (housekeeping, expiry notices, the
// planner's statistics). Never two runs at once: a tick that finds one in progress skips,
// as a run can outlast the interval on a large database. stop() waits for the run in
// progress, so that the database is not closed under it at shutdown; it also aborts the
// run's signal, so a run of many statements (ANALYZE table after table, a batch of notices)
// stops at its next step instead of holding the shutdown for all of them.

export interface PeriodicJobOptions {
  intervalMs: number;
  onError: (error: unknown) => void;
}

export class PeriodicJob {
  #first: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopping = new AbortController();

  constructor(
    /** One run; it should return early once `signal` is aborted (the job is stopping). */
    private readonly run: (signal: AbortSignal) => Promise<unknown>,
    private readonly options: PeriodicJobOptions,
  ) {}

  /** Runs after `firstRunAfterMs` (when sooner than the interval), then every interval. */
  start(firstRunAfterMs = this.options.intervalMs): void {
    if (this.#timer) return;
    if (this.#stopping.signal.aborted) this.#stopping = new AbortController();
    if (firstRunAfterMs < this.options.intervalMs) {
      this.#first = setTimeout(() => this.#tick(), firstRunAfterMs);
      this.#first.unref();
    }
    this.#timer = setInterval(() => this.#tick(), this.options.intervalMs);
    this.#timer.unref();
  }

  /** Stops the ticks, tells a run in progress to stop, and resolves once it has ended. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    clearTimeout(this.#first);
    clearInterval(this.#timer);
    this.#first = undefined;
    this.#timer = undefined;
    await this.#running;
  }

  #tick(): void {
    if (this.#running) return;
    // Through an async function: a run that throws before its first await is reported too.
    const { signal } = this.#stopping;
    this.#running = (async () => this.run(signal))()
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }
}
