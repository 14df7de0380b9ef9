// The background sender, one per instance. Woken by the NOTIFY a commit with new deliveries
// sends (every instance hears it; SKIP LOCKED decides who sends), and by a poll for retries
// that fall due and for notifications missed while the listening connection was down.
//
// At least once: a delivery is claimed with a lease (locked_until) before the POST and settled
// after it. An instance that dies between the two leaves a lease that runs out, and the
// delivery is sent again by whichever instance claims it next; the receiver sees the same
// X-Unlatch-Delivery id twice and should ignore the second.

import { randomInt } from 'node:crypto';
import type { Db } from '../../db/db.js';
import {
  type ClaimedDelivery,
  type DeliveryStore,
  type Settlement,
  WEBHOOK_CHANNEL,
} from './delivery-store.js';
import { type PostResult, postDelivery } from './webhook-post.js';

const BATCH = 10;
/** No single wait between attempts is longer than this, whatever the attempt number. */
const MAX_RETRY_DELAY_MS = 3_600_000;
const RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** How often the pending count (a metric) is refreshed, at most. */
const COUNT_EVERY_MS = 10_000;

export type SendOutcome = 'delivered' | 'retry' | 'failed';

export interface SenderOptions {
  timeoutMs: number;
  retryBaseMs: number;
  retryForMs: number;
  pollIntervalMs: number;
  allowPrivate: boolean;
  onError: (error: unknown) => void;
  onOutcome?: (outcome: SendOutcome) => void;
  /** Unit tests fix the jitter. */
  random?: (maxExclusive: number) => number;
}

/**
 * Exponential backoff with full jitter: the n-th retry (n from 1) waits a uniformly random
 * time below min(max, base * 2^(n-1)). Jitter spreads the retries of many deliveries that
 * failed together (a receiver that was down) instead of sending them all at once again.
 */
export function retryDelayMs(
  failures: number,
  baseMs: number,
  random: (maxExclusive: number) => number = randomBelow,
): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(30, failures - 1));
  return random(Math.max(1, Math.floor(ceiling)));
}

function randomBelow(maxExclusive: number): number {
  return maxExclusive <= 1 ? 0 : randomInt(Math.min(maxExclusive, 2 ** 48 - 1));
}

/** How long a claim is good for: the attempt's deadline plus time to record it. */
export function leaseMsFor(timeoutMs: number): number {
  return timeoutMs * 2 + 5000;
}

export class WebhookSender {
  readonly #store: DeliveryStore;
  readonly #db: Db;
  readonly #options: SenderOptions;
  readonly #inFlight = new Set<AbortController>();
  #timer: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #lastPrune = 0;
  #lastCount = 0;
  #pending: number | undefined;

  constructor(db: Db, store: DeliveryStore, options: SenderOptions) {
    this.#db = db;
    this.#store = store;
    this.#options = options;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unlisten = await this.#db.listen(WEBHOOK_CHANNEL, () => this.wake());
    this.#timer = setInterval(() => this.wake(), this.#options.pollIntervalMs);
    this.#timer.unref();
    this.wake();
  }

  /** Sends what is due now; a wake while sending makes the loop look again when done. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch(this.#options.onError)
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Deliveries pending in the outbox (all instances'), as last counted; for the metrics. */
  get pending(): number | undefined {
    return this.#pending;
  }

  /** Resolves once nothing is being sent (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /**
   * Stops polling and listening, cancels the attempts in flight (each gives its delivery back,
   * to be sent again at once by another instance or at the next start) and waits for that.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const controller of this.#inFlight) controller.abort();
    await this.idle();
    await this.#unlisten?.().catch(this.#options.onError);
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      for (;;) {
        if (this.#stopped) return;
        const claimed = await this.#store.claim(BATCH, leaseMsFor(this.#options.timeoutMs));
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((delivery) => this.#send(delivery)));
      }
    } while (this.#again && !this.#stopped);
    await this.#prune();
    if (Date.now() - this.#lastCount >= COUNT_EVERY_MS) {
      this.#lastCount = Date.now();
      this.#pending = await this.#store.pendingCount();
    }
  }

  async #send(delivery: ClaimedDelivery): Promise<void> {
    if (this.#stopped) {
      // Claimed while stopping: not tried, so given back at once.
      await this.#store.release(delivery.id, delivery.lease).catch(this.#options.onError);
      return;
    }
    const controller = new AbortController();
    this.#inFlight.add(controller);
    let result: PostResult;
    try {
      const { payload } = delivery;
      // The payload's keys in the documented order (jsonb does not keep them).
      const body = JSON.stringify({
        id: payload.id,
        type: payload.type,
        createdAt: payload.createdAt,
        data: payload.data,
      });
      result = await postDelivery(
        delivery.url,
        {
          deliveryId: delivery.id,
          eventType: delivery.eventType,
          body,
          secret: delivery.secret,
          timestamp: String(Math.floor(Date.now() / 1000)),
        },
        {
          timeoutMs: this.#options.timeoutMs,
          allowPrivate: this.#options.allowPrivate,
          signal: controller.signal,
        },
      );
    } finally {
      this.#inFlight.delete(controller);
    }
    if (result.aborted) {
      // Shutdown: whether the receiver got it is unknown, so it goes out again.
      await this.#store.release(delivery.id, delivery.lease).catch(this.#options.onError);
      return;
    }
    const settlement = this.#settlement(delivery, result);
    await this.#store.settle(delivery.id, delivery.lease, settlement);
    this.#options.onOutcome?.(settlement.outcome);
  }

  #settlement(delivery: ClaimedDelivery, result: PostResult): Settlement {
    const attempt = {
      at: new Date().toISOString(),
      status: result.status,
      error: result.error,
      ms: result.ms,
    };
    if (result.error === null) return { outcome: 'delivered', attempt };
    const failures = delivery.attempts + 1;
    const next = new Date(
      Date.now() + retryDelayMs(failures, this.#options.retryBaseMs, this.#options.random),
    );
    const giveUpAt = delivery.createdAt.getTime() + this.#options.retryForMs;
    if (next.getTime() > giveUpAt) return { outcome: 'failed', attempt };
    return { outcome: 'retry', attempt, nextAttemptAt: next };
  }

  async #prune(): Promise<void> {
    if (Date.now() - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = Date.now();
    await this.#store.deleteSettledBefore(new Date(Date.now() - RETENTION_MS));
  }
}
