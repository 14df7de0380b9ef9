// Credentials that proved valid a short while ago, remembered so that a flood of garbage
// from a shared address (an office NAT, a proxy) cannot lock out the honest clients behind
// it: the failed-attempt limit gates lookups of credentials it does not vouch for, and
// vouching requires the same secret to have verified before. It grants nothing by itself:
// a vouched credential is still looked up and verified as usual.

export class RecentlyVerified {
  readonly #entries = new Map<string, { proof: string; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** key: where to find it (a token selector, a session hash); proof: what must match. */
  remember(key: string, proof: string): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { proof, at: this.clock() });
  }

  /** The proof remembered for key, if it is recent enough. */
  recall(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.clock() - entry.at >= this.ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.proof;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
