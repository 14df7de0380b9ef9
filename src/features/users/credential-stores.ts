import type { Queryable } from '../../db/db.js';

// What users/ needs of the stores of a user's credentials. The pats and sessions features
// build on users/ (a token or a session belongs to a user), so users/ names the few
// operations it calls instead of importing their stores: the composition root passes the
// real ones, and the import graph keeps one direction.

export interface UserTokenStore {
  /** Deletes all of a user's tokens (password change, user deletion). */
  deleteForUser(tx: Queryable, userId: number): Promise<void>;
  /** Share-locks the token's row if it is live and the user's; false when it is not. */
  holdLive(tx: Queryable, tokenId: number, userId: number): Promise<boolean>;
}

export interface UserSessionStore {
  /** Ends all of a user's sessions but the one with `exceptIdHash`, if given. */
  deleteForUser(tx: Queryable, userId: number, exceptIdHash?: string): Promise<void>;
  /** Share-locks the session's row if it is live and the user's; false when it is not. */
  holdLive(tx: Queryable, idHash: string, userId: number): Promise<boolean>;
}
