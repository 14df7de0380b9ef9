import type { PatStore } from './pat-store.js';

/**
 * Collects when tokens were last used and writes them in one batched UPDATE every interval
 * and at shutdown: the hot path costs a Map.set, never a database write.
 */
export class SeenAtTracker {
  #pending = new Map<number, Date>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PatStore,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    /** After a batch is written: cached token lists show seenAt and must be re-read. */
    private readonly onFlushed: () => void = () => {},
  ) {}

  record(tokenId: number, at: Date): void {
    this.#pending.set(tokenId, at);
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.flush().catch(this.onError);
    }, this.intervalMs);
    this.#timer.unref();
  }

  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.store.recordSeen(batch);
      this.onFlushed();
    } catch (error) {
      // Put the batch back (newer uses win) so a database blip loses nothing.
      for (const [id, at] of batch) if (!this.#pending.has(id)) this.#pending.set(id, at);
      throw error;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
