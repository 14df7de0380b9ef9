import type { Queryable } from '../../db/db.js';

// What users/ needs of the stores of a user's credentials. The pats and sessions features
// build on users/ (a token or a session belongs to a user), so users/ names the few
// operations it calls instead of importing their stores: the composition root passes the
// real ones, and the import graph keeps one direction.

export interface UserTokenStore {
  /** Share-locks the token's row if it is live and the user's; false when it is not. */
  holdLive(tx: Queryable, tokenId: number, userId: number): Promise<boolean>;
}

export interface UserSessionStore {
  /** Share-locks the session's row if it is live and the user's; false when it is not. */
  holdLive(tx: Queryable, idHash: string, userId: number): Promise<boolean>;
}

/** A user's tokens, in a unit of work: deleted with the user or at a password change. */
export interface UserTokens {
  deleteForUser(userId: number): Promise<void>;
}

/** A user's sessions, in a unit of work: all but `exceptIdHash`, if given, are ended. */
export interface UserSessions {
  deleteForUser(userId: number, exceptIdHash?: string): Promise<void>;
}
