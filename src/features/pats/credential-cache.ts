// The hot path's memory: a valid token's credential, keyed by selector, so that a request
// carrying a known token touches no database. Bounded in size (least recently used goes
// first) and in age (ttlMs): revocations arrive synchronously on the instance that made them
// and by NOTIFY elsewhere; the TTL is the bound if a notification is ever lost.

import type { PatCredential } from './pat-store.js';

interface Entry {
  credential: PatCredential;
  cachedAt: number;
}

export class CredentialCache {
  readonly #bySelector = new Map<string, Entry>();
  readonly #selectorsByUser = new Map<number, Set<string>>();
  #enabled = true;
  /** The most recently used selector: see get(). */
  #newest: string | undefined;
  // Bumped by every eviction. A fill that began before an eviction is dropped: its database
  // read may predate the change that caused the eviction.
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
    return this.#bySelector.size;
  }

  get(selector: string): PatCredential | undefined {
    const entry = this.#bySelector.get(selector);
    if (!entry) return undefined;
    if (this.clock() - entry.cachedAt >= this.ttlMs) {
      this.#remove(selector);
      return undefined;
    }
    // Re-insert: Map order is the LRU order. Not when it is the newest already, which a busy
    // token is request after request: a delete and set of the same key on every hit made
    // V8 rehash the Map over and over (~2 µs a hit measured, a few % of a request).
    if (this.#newest !== selector) {
      this.#bySelector.delete(selector);
      this.#bySelector.set(selector, entry);
      this.#newest = selector;
    }
    return entry.credential;
  }

  /** Stores what a read that began at `generation` found, unless something was evicted since. */
  set(selector: string, credential: PatCredential, generation = this.#generation): void {
    if (!this.#enabled || this.maxEntries === 0 || generation !== this.#generation) return;
    this.#remove(selector);
    while (this.#bySelector.size >= this.maxEntries) {
      const oldest = this.#bySelector.keys().next();
      if (oldest.done) break;
      this.#remove(oldest.value);
    }
    this.#bySelector.set(selector, { credential, cachedAt: this.clock() });
    this.#newest = selector;
    let selectors = this.#selectorsByUser.get(credential.user.id);
    if (!selectors) {
      selectors = new Set();
      this.#selectorsByUser.set(credential.user.id, selectors);
    }
    selectors.add(selector);
  }

  evictSelector(selector: string): void {
    this.#generation++;
    this.#remove(selector);
  }

  #remove(selector: string): void {
    const entry = this.#bySelector.get(selector);
    if (!entry) return;
    this.#bySelector.delete(selector);
    const selectors = this.#selectorsByUser.get(entry.credential.user.id);
    selectors?.delete(selector);
    if (selectors?.size === 0) this.#selectorsByUser.delete(entry.credential.user.id);
  }

  /** A user was deleted or changed (role, name, password): drop all their tokens. */
  evictUser(userId: number): void {
    this.#generation++;
    for (const selector of this.#selectorsByUser.get(userId) ?? [])
      this.#bySelector.delete(selector);
    this.#selectorsByUser.delete(userId);
  }

  clear(): void {
    this.#generation++;
    this.#bySelector.clear();
    this.#selectorsByUser.clear();
  }

  /**
   * While notifications cannot be trusted (the LISTEN connection is down) nothing is cached
   * and every request reads the database.
   */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (!enabled) this.clear();
    // A read that began while notifications were down may predate a revocation that nobody
    // heard: its fill must not land once they flow again.
    else this.#generation++;
  }
}
