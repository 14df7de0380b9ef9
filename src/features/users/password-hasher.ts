// scrypt runs on libuv's thread pool and takes ~100 ms of a core per call: without a cap,
// one user's burst of password changes queues every other login behind it (60 parallel
// changes by one Viewer made an Admin's login take 12 s). All password work goes through
// one bounded queue: at most `concurrency` hashes run at once, at most `maxWaiting` wait,
// and beyond that the caller gets 503 with Retry-After at once instead of a long wait. A
// caller whose client leaves (`signal`) gives up its place in the queue at once, so the
// bound counts only callers someone still waits for, and it never hashes.

import { ClientGone, ServiceUnavailableError } from '../../core/errors.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.js';

export interface HashingQueueState {
  running: number;
  waiting: number;
}

export class PasswordHasher {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  get state(): HashingQueueState {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  hash(password: string): Promise<string> {
    return this.#run(() => hashPassword(password));
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.#run(() => verifyPassword(password, stored));
  }

  /**
   * Checks against a decoy when there is no stored hash, so both cost the same. Rejects with
   * ClientGone, without checking, once `signal` is aborted before the check begins (a caller
   * waiting in the queue leaves it then).
   */
  verifyOrDecoy(
    password: string,
    stored: string | null | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    return this.#run(
      async () => verifyPassword(password, stored ?? (await decoyPasswordHash())),
      signal,
    );
  }

  async #run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new ClientGone();
    if (this.#running < this.concurrency) {
      this.#running++;
    } else {
      if (this.#waiting.length >= this.maxWaiting) {
        throw new ServiceUnavailableError(
          'Too many password checks are waiting on this server right now. Try again in a moment.',
        );
      }
      // The slot is handed over by the finishing task, so #running stays as it is. A waiter
      // that leaves is taken out of the queue, so no slot is ever handed to it.
      await new Promise<void>((resolve, reject) => {
        const leave = () => {
          this.#waiting.splice(this.#waiting.indexOf(takeTurn), 1);
          reject(new ClientGone());
        };
        const takeTurn = () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        };
        this.#waiting.push(takeTurn);
        signal?.addEventListener('abort', leave, { once: true });
      });
    }
    try {
      if (signal?.aborted) throw new ClientGone();
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
