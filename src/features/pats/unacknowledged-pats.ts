import type { Db } from '../../db/db.js';
import type { Actor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import { patEventData } from './pat.js';
import type { PatStore } from './pat-store.js';

/**
 * Tokens whose creation may have committed although the client was told it failed: the
 * connection to the database died during the transaction (perhaps during COMMIT), so the
 * server cannot know whether the row exists. The secret of such a token reached no one, so
 * it can never authenticate anything; it is removed as soon as the database answers again,
 * so that the database holds exactly the tokens whose 201 was sent. The removal is audited
 * as a `pat-deleted`, so the event log stays consistent with a `pat-created` that did commit.
 */
export class UnacknowledgedPats {
  readonly #pending = new Map<string, Actor>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly store: PatStore,
    private readonly audit: AuditLog,
    private readonly onError: (error: unknown) => void,
    private readonly retryMs = 250,
    // Bounded: a long outage under load must not grow memory without limit. A token dropped
    // from here stays unusable (nobody has its secret); it only counts towards its owner's limit.
    private readonly maxPending = 10_000,
  ) {}

  get size(): number {
    return this.#pending.size;
  }

  /** selector: of the token whose creation failed; actor: who asked for it. */
  add(selector: string, actor: Actor): void {
    if (this.#pending.size >= this.maxPending) {
      const oldest = this.#pending.keys().next();
      if (!oldest.done) this.#pending.delete(oldest.value);
      this.onError(new Error('too many unacknowledged tokens pending removal; dropped the oldest'));
    }
    this.#pending.set(selector, actor);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.sweep().catch((error: unknown) => {
        this.onError(error);
        this.#schedule();
      });
    }, this.retryMs);
    this.#timer.unref();
  }

  /** Removes every pending token that exists; throws (keeping the rest) if the database fails. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepAll().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweepAll(): Promise<void> {
    for (const [selector, actor] of [...this.#pending]) {
      await this.db.transaction(async (tx) => {
        const removed = await this.store.deleteBySelector(tx, selector);
        if (removed) await this.audit.record('pat-deleted', actor, patEventData(removed), tx);
      });
      this.#pending.delete(selector);
    }
  }

  /** At shutdown: one last try. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size > 0) await this.sweep();
  }
}
