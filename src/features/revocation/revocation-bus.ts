// Revocation across instances. A change that must take effect at once (a token deleted, a
// user deleted or changed) is applied to this instance's caches before the change's response
// is sent, and reaches every other instance by PostgreSQL NOTIFY.

import type { Db, Queryable } from '../../db/db.js';

/**
 * pat: a token was deleted; user: a user was deleted or changed; pats: a user's set of
 * tokens changed otherwise (a token was created), which only their token list must hear.
 */
export type Revocation =
  | { kind: 'pat'; selector: string }
  | { kind: 'user'; userId: number }
  | { kind: 'pats'; userId: number };

export const REVOCATION_CHANNEL = 'unlatch_revocations';

export type RevocationHandler = (revocation: Revocation) => void;

export function encodeRevocation(revocation: Revocation): string {
  return revocation.kind === 'pat'
    ? `pat:${revocation.selector}`
    : `${revocation.kind}:${revocation.userId}`;
}

export function decodeRevocation(payload: string): Revocation | undefined {
  const [kind, value] = [
    payload.slice(0, payload.indexOf(':')),
    payload.slice(payload.indexOf(':') + 1),
  ];
  if (kind === 'pat' && /^[A-Za-z0-9_-]{22}$/.test(value)) return { kind: 'pat', selector: value };
  if ((kind === 'user' || kind === 'pats') && /^\d{1,10}$/.test(value)) {
    return { kind, userId: Number(value) };
  }
  return undefined;
}

/**
 * Use in two steps around the transaction that makes the change:
 *   announce(tx, r) inside it: the NOTIFY is delivered to other instances when it commits;
 *   apply(r) after the commit: this instance drops its cached copies.
 * Dropping before the commit would let a concurrent request re-read and re-cache the old row.
 */
export class RevocationBus {
  readonly #handlers: RevocationHandler[] = [];

  subscribe(handler: RevocationHandler): void {
    this.#handlers.push(handler);
  }

  async announce(tx: Queryable, revocation: Revocation): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, encodeRevocation(revocation)]);
  }

  apply(revocation: Revocation): void {
    for (const handler of this.#handlers) handler(revocation);
  }

  /** Applies other instances' revocations as their notifications arrive. */
  listen(db: Db, onConnectionChange: (connected: boolean) => void): Promise<() => Promise<void>> {
    return db.listen(
      REVOCATION_CHANNEL,
      (payload) => {
        const revocation = decodeRevocation(payload);
        if (revocation) this.apply(revocation);
      },
      onConnectionChange,
    );
  }
}
