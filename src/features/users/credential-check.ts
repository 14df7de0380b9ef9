import type { Queryable } from '../../db/db.js';
import { UnauthorizedError } from '../../core/errors.js';
import type { AuditActor } from '../../core/actor.js';
import type { UserSessionStore, UserTokenStore } from './credential-stores.js';

/**
 * Re-checks, inside a write's transaction, that the credential the request came with is still
 * live. Authentication happened before the transaction: a password change, a token deletion
 * or a user deletion that commits in between must win, or a request that waited on a row lock
 * would act (mint a token, change a user) for a credential that no longer exists.
 *
 * Call it as the transaction's last statement: it takes a share lock on the credential's row,
 * and taking it last means no other lock is requested after it (no lock-order cycles).
 */
export class CredentialCheck {
  constructor(
    private readonly pats: UserTokenStore,
    private readonly sessions: UserSessionStore,
  ) {}

  async assertLive(tx: Queryable, actor: AuditActor): Promise<void> {
    // The command line (`unlatch`) presents no credential: whoever runs it holds the
    // database itself. There is nothing to re-check.
    if (!('credential' in actor)) return;
    const { credential, user } = actor;
    const live =
      credential.via === 'pat'
        ? await this.pats.holdLive(tx, credential.tokenId, user.id)
        : await this.sessions.holdLive(tx, credential.sessionIdHash, user.id);
    if (!live) throw new UnauthorizedError();
  }
}
