// A server's background job that runs every interval (housekeeping, expiry notices, the
// planner's statistics). Never two runs at once: a tick that finds one in progress skips,
// as a run can outlast the interval on a large database. stop() waits for the run in
// progress, so that the database is not closed under it at shutdown.

export interface PeriodicJobOptions {
  intervalMs: number;
  onError: (error: unknown) => void;
}

export class PeriodicJob {
  #first: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly options: PeriodicJobOptions,
  ) {}

  /** Runs after `firstRunAfterMs` (when sooner than the interval), then every interval. */
  start(firstRunAfterMs = this.options.intervalMs): void {
    if (this.#timer) return;
    if (firstRunAfterMs < this.options.intervalMs) {
      this.#first = setTimeout(() => this.#tick(), firstRunAfterMs);
      this.#first.unref();
    }
    this.#timer = setInterval(() => this.#tick(), this.options.intervalMs);
    this.#timer.unref();
  }

  /** Stops the ticks and resolves once a run in progress has ended. */
  async stop(): Promise<void> {
    clearTimeout(this.#first);
    clearInterval(this.#timer);
    this.#first = undefined;
    this.#timer = undefined;
    await this.#running;
  }

  #tick(): void {
    if (this.#running) return;
    // Through an async function: a run that throws before its first await is reported too.
    this.#running = (async () => this.run())()
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }
}
