import { type Db, PgCode, pgErrorCode } from '../../db/db.js';
import { BadDataError, NameExistsError, NotFoundError } from '../../core/errors.js';
import type { Actor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { PatStore } from '../pats/pat-store.js';
import type { RevocationBus } from '../revocation/revocation-bus.js';
import type { CredentialCheck } from '../users/credential-check.js';
import type { RootRole, User } from '../../core/user.js';
import type { UserStore } from '../users/user-store.js';
import { serviceAccountEventData } from './service-account.js';

export interface CreateServiceAccountInput {
  username: string;
  name?: string;
  rootRole: RootRole;
}

export interface UpdateServiceAccountInput {
  name?: string;
  rootRole?: RootRole;
}

export interface ServiceAccountServiceDeps {
  db: Db;
  users: UserStore;
  pats: PatStore;
  audit: AuditLog;
  revocations: RevocationBus;
  credentials: CredentialCheck;
}

/**
 * Identities for automation (spec/scopes.md): a row in `users` that has no password and no
 * email, so it can never log in; its tokens are ordinary PATs that act with its current role.
 * A change of role or a deletion takes effect at once on every instance, as for a person.
 */
export class ServiceAccountService {
  constructor(private readonly deps: ServiceAccountServiceDeps) {}

  list(): Promise<User[]> {
    return this.deps.users.listLive('Service');
  }

  async get(id: number): Promise<User> {
    const account = await this.deps.users.findLive(id, 'Service');
    if (!account) throw accountNotFound(id);
    return account;
  }

  async create(actor: Actor, input: CreateServiceAccountInput): Promise<User> {
    const username = input.username.trim();
    if (username === '') {
      throw new BadDataError('A service account needs a username.', [
        { path: '/body/username', message: 'The `/body/username` property cannot be blank.' },
      ]);
    }
    const { db, users, audit, credentials } = this.deps;
    return db.transaction(async (tx) => {
      let account: User;
      try {
        account = await users.insert(
          {
            username,
            email: null,
            name: input.name?.trim() || null,
            passwordHash: null,
            rootRole: input.rootRole,
            accountType: 'Service',
          },
          tx,
        );
      } catch (error) {
        if (pgErrorCode(error) === PgCode.uniqueViolation) {
          throw new NameExistsError('A user or service account with that username already exists.');
        }
        throw error;
      }
      await credentials.assertLive(tx, actor);
      await audit.record('service-account-created', actor, serviceAccountEventData(account), tx);
      return account;
    });
  }

  async update(actor: Actor, id: number, input: UpdateServiceAccountInput): Promise<User> {
    const { db, users, audit, revocations, credentials } = this.deps;
    const updated = await db.transaction(async (tx) => {
      if (!(await users.lockLive(tx, id, 'Service'))) throw accountNotFound(id);
      await credentials.assertLive(tx, actor);
      const account = await users.update(tx, id, {
        ...(input.name !== undefined && { name: input.name.trim() || null }),
        ...(input.rootRole !== undefined && { rootRole: input.rootRole }),
      });
      await audit.record('service-account-updated', actor, serviceAccountEventData(account), tx);
      // Its tokens act with the new role from their very next request, on every instance.
      await revocations.announce(tx, { kind: 'user', userId: id });
      return account;
    });
    revocations.apply({ kind: 'user', userId: id });
    return updated;
  }

  /** Its tokens stop working at once; the row stays for the audit trail. */
  async delete(actor: Actor, id: number): Promise<void> {
    const { db, users, pats, audit, revocations, credentials } = this.deps;
    await db.transaction(async (tx) => {
      const account = await users.lockLive(tx, id, 'Service');
      if (!account) throw accountNotFound(id);
      await credentials.assertLive(tx, actor);
      await users.softDelete(tx, id);
      await pats.deleteForUser(tx, id);
      await audit.record('service-account-deleted', actor, serviceAccountEventData(account), tx);
      await revocations.announce(tx, { kind: 'user', userId: id });
    });
    revocations.apply({ kind: 'user', userId: id });
  }
}

export function accountNotFound(id: number): NotFoundError {
  return new NotFoundError(`Could not find a service account with id ${id}.`);
}
