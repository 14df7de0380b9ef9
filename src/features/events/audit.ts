import type { Queryable } from '../../db/db.js';
import { type AnonymousActor, type AuditActor, actorName } from '../../core/actor.js';
import type { EventData, EventStore } from './event-store.js';

/** Writes audit events; callers pass data built by a whitelist function, never a raw row. */
export class AuditLog {
  constructor(private readonly events: EventStore) {}

  record(type: string, actor: AuditActor, data: EventData, tx?: Queryable): Promise<void> {
    const who =
      'user' in actor
        ? { createdBy: actorName(actor.user), createdByUserId: actor.user.id, ip: actor.ip }
        : { createdBy: actor.system, createdByUserId: null, ip: null };
    return this.events.insert({ type, ...who, data }, tx);
  }

  recordAnonymous(
    type: string,
    actor: AnonymousActor,
    data: EventData,
    tx?: Queryable,
  ): Promise<void> {
    return this.events.insert(
      { type, createdBy: actor.createdBy, createdByUserId: null, ip: actor.ip, data },
      tx,
    );
  }
}
