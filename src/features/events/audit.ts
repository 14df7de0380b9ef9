import type { Queryable } from '../../db/db.js';
import type { User } from '../users/user.js';
import type { EventData, EventStore } from './event-store.js';

/**
 * The credential a request was authenticated with. Services re-check it inside their
 * transaction, so a request authenticated just before a password change, a token deletion or
 * a user deletion cannot complete after it.
 */
export type ActorCredential =
  { via: 'session'; sessionIdHash: string } | { via: 'pat'; tokenId: number };

/** Who did it, with what and from where: taken from the authenticated request. */
export interface Actor {
  user: User;
  ip: string | null;
  credential: ActorCredential;
}

export function actorName(user: User): string {
  return user.username ?? user.email ?? `user:${user.id}`;
}

/** An event no signed-in user caused: a leak report, a background job. */
export interface SystemActor {
  createdBy: string;
  ip: string | null;
}

/** Writes audit events; callers pass data built by a whitelist function, never a raw row. */
export class AuditLog {
  constructor(private readonly events: EventStore) {}

  record(type: string, actor: Actor, data: EventData, tx?: Queryable): Promise<void> {
    return this.events.insert(
      {
        type,
        createdBy: actorName(actor.user),
        createdByUserId: actor.user.id,
        ip: actor.ip,
        data,
      },
      tx,
    );
  }

  recordSystem(type: string, actor: SystemActor, data: EventData, tx?: Queryable): Promise<void> {
    return this.events.insert(
      { type, createdBy: actor.createdBy, createdByUserId: null, ip: actor.ip, data },
      tx,
    );
  }
}
