import { PgCode, pgErrorCode } from '../../db/db.js';
import type { Transactional } from '../../db/transactional.js';
import { BadDataError, NameExistsError, NotFoundError } from '../../core/errors.js';
import type { Actor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { Revocation, RevocationBus } from '../revocation/revocation-bus.js';
import type { UserTokens } from '../users/credential-stores.js';
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

/** The stores a change to a service account needs, bound to the change's transaction. */
export interface ServiceAccountUnit {
  users: Pick<UserStore, 'insert' | 'lockLive' | 'update' | 'softDelete'>;
  pats: UserTokens;
  audit: Pick<AuditLog, 'record'>;
  /** Re-checks the acting credential in this transaction (CredentialCheck). */
  credentials: { assertLive(actor: Actor): Promise<void> };
  /** Tells every instance at commit (RevocationBus.announce). */
  revocations: { announce(revocation: Revocation): Promise<void> };
}

export interface ServiceAccountServiceDeps {
  transactional: Transactional<ServiceAccountUnit>;
  /** Reads outside any transaction. */
  users: Pick<UserStore, 'findLive' | 'listLive'>;
  /** Drops this instance's cached copies after a commit. */
  revocations: Pick<RevocationBus, 'apply'>;
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
    return this.deps.transactional(async ({ users, audit, credentials }) => {
      let account: User;
      try {
        account = await users.insert({
          username,
          email: null,
          name: input.name?.trim() || null,
          passwordHash: null,
          rootRole: input.rootRole,
          accountType: 'Service',
        });
      } catch (error) {
        if (pgErrorCode(error) === PgCode.uniqueViolation) {
          throw new NameExistsError('A user or service account with that username already exists.');
        }
        throw error;
      }
      await credentials.assertLive(actor);
      await audit.record('service-account-created', actor, serviceAccountEventData(account));
      return account;
    });
  }

  async update(actor: Actor, id: number, input: UpdateServiceAccountInput): Promise<User> {
    const updated = await this.deps.transactional(async (unit) => {
      const { users, audit, credentials, revocations } = unit;
      if (!(await users.lockLive(id, 'Service'))) throw accountNotFound(id);
      await credentials.assertLive(actor);
      const account = await users.update(id, {
        ...(input.name !== undefined && { name: input.name.trim() || null }),
        ...(input.rootRole !== undefined && { rootRole: input.rootRole }),
      });
      await audit.record('service-account-updated', actor, serviceAccountEventData(account));
      // Its tokens act with the new role from their very next request, on every instance.
      await revocations.announce({ kind: 'user', userId: id });
      return account;
    });
    this.deps.revocations.apply({ kind: 'user', userId: id });
    return updated;
  }

  /** Its tokens stop working at once; the row stays for the audit trail. */
  async delete(actor: Actor, id: number): Promise<void> {
    await this.deps.transactional(async ({ users, pats, audit, credentials, revocations }) => {
      const account = await users.lockLive(id, 'Service');
      if (!account) throw accountNotFound(id);
      await credentials.assertLive(actor);
      await users.softDelete(id);
      await pats.deleteForUser(id);
      await audit.record('service-account-deleted', actor, serviceAccountEventData(account));
      await revocations.announce({ kind: 'user', userId: id });
    });
    this.deps.revocations.apply({ kind: 'user', userId: id });
  }
}

export function accountNotFound(id: number): NotFoundError {
  return new NotFoundError(`Could not find a service account with id ${id}.`);
}
