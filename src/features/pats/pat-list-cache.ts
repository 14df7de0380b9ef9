// Each user's token list, kept in memory so that listing costs no database read. It is kept
// true the way the credential cache is: every change to a user's tokens is announced on the
// revocation bus (a creation as `pats:<userId>`, a deletion as `pat:<selector>`), applied
// here after the commit on the instance that made it and by NOTIFY on every other; the TTL
// bounds staleness should a notification ever be lost, and while the LISTEN connection is
// down nothing is cached. A deletion names a selector, not an owner, so it drops every list:
// deletions are rare, and "a deleted token disappears at once" must hold without a lookup.

import type { Pat } from './pat.js';

interface Entry {
  pats: readonly Pat[];
  cachedAt: number;
}

export class PatListCache {
  readonly #byUser = new Map<number, Entry>();
  #enabled = true;
  /** The most recently used user: see get(). */
  #newest: number | undefined;
  // Bumped by every invalidation: a fill whose read began before one is dropped.
  #generation = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#byUser.size;
  }

  get(userId: number): readonly Pat[] | undefined {
    const entry = this.#byUser.get(userId);
    if (!entry) return undefined;
    if (this.clock() - entry.cachedAt >= this.ttlMs) {
      this.#byUser.delete(userId);
      return undefined;
    }
    // Re-insert: Map order is the LRU order; not for the newest (a delete and set of the
    // same key on every hit makes V8 rehash the Map over and over, ~2 µs a hit).
    if (this.#newest !== userId) {
      this.#byUser.delete(userId);
      this.#byUser.set(userId, entry);
      this.#newest = userId;
    }
    return entry.pats;
  }

  /** Stores what a read that began at `generation` found, unless invalidated since. */
  set(userId: number, pats: readonly Pat[], generation: number): void {
    if (!this.#enabled || this.maxEntries === 0 || generation !== this.#generation) return;
    this.#byUser.delete(userId);
    while (this.#byUser.size >= this.maxEntries) {
      const oldest = this.#byUser.keys().next();
      if (oldest.done) break;
      this.#byUser.delete(oldest.value);
    }
    this.#byUser.set(userId, { pats: Object.freeze([...pats]), cachedAt: this.clock() });
    this.#newest = userId;
  }

  evictUser(userId: number): void {
    this.#generation++;
    this.#byUser.delete(userId);
  }

  clear(): void {
    this.#generation++;
    this.#byUser.clear();
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (!enabled) this.clear();
    // As in CredentialCache: a read that began while notifications were down may predate a
    // change nobody heard, so its fill must not land once they flow again.
    else this.#generation++;
  }
}
