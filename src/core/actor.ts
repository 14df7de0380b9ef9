import type { User } from './user.js';

/**
 * The credential a request was authenticated with. Services re-check it inside their
 * transaction, so a request authenticated just before a password change, a token deletion or
 * a user deletion cannot complete after it.
 */
export type ActorCredential =
  | { via: 'session'; sessionIdHash: string }
  | {
      via: 'pat';
      tokenId: number;
      /** What the token may do: what it makes can hold no more (spec/scopes.md). */
      scopes: readonly string[];
      audiences: readonly string[];
    };

/** Who did it, with what and from where: taken from the authenticated request. */
export interface Actor {
  user: User;
  ip: string | null;
  credential: ActorCredential;
}

/**
 * An operator at the command line (events say `cli`), or a background job acting on a
 * policy (`idle-token-job`): no account, no address.
 */
export interface SystemActor {
  system: 'cli' | 'idle-token-job';
}

export const CLI_ACTOR: SystemActor = Object.freeze({ system: 'cli' });

/** Whoever may change something: a signed-in user or the operator's command line. */
export type AuditActor = Actor | SystemActor;

export function actorName(user: User): string {
  return user.username ?? user.email ?? `user:${user.id}`;
}

/** Someone with no account, known by address only: a leak report. */
export interface AnonymousActor {
  createdBy: string;
  ip: string | null;
}
