import { PgCode, pgErrorCode } from '../../db/db.js';
import type { Transactional } from '../../db/transactional.js';
import {
  BadDataError,
  NameExistsError,
  NotFoundError,
  OperationDeniedError,
} from '../../core/errors.js';
import type { AuditActor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { Revocation, RevocationBus } from '../revocation/revocation-bus.js';
import type { UserSessions, UserTokens } from './credential-stores.js';
import type { PasswordHasher } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import type { RootRole, User } from '../../core/user.js';
import type { UserStore } from './user-store.js';

export interface CreateUserInput {
  username?: string;
  email?: string;
  name?: string;
  password?: string;
  rootRole: RootRole;
}

export interface UpdateUserInput {
  name?: string;
  email?: string;
  rootRole?: RootRole;
}

/** The audit record of a user: a whitelist, so no password hash can reach the log. */
function userEventData(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    rootRole: user.rootRole,
  };
}

export function assertPasswordPolicy(password: string): void {
  const missing = passwordProblems(password);
  if (missing.length === 0) return;
  throw new BadDataError(
    `The password does not meet the policy. It needs ${missing.join(', ')}.`,
    missing.map((part) => ({ path: '/body/password', message: `The password needs ${part}.` })),
    'OwaspValidationError',
  );
}

function lastAdminError(): OperationDeniedError {
  return new OperationDeniedError(
    'The last Admin cannot be deleted or demoted: make another user an Admin first.',
  );
}

/**
 * User administration. Every change that alters what a user may do takes effect at once: it
 * is announced to all instances in its transaction and applied to this one after commit.
 */
/** What the service uses of the users store: the real UserStore, or the fake in unit tests. */
export type UserServiceStore = Pick<
  UserStore,
  | 'findLive'
  | 'insert'
  | 'listLive'
  | 'lockAndCountAdmins'
  | 'lockLive'
  | 'setPasswordHash'
  | 'softDelete'
  | 'update'
>;

/** The stores a change to a user needs, bound to the change's transaction. */
export interface UserUnit {
  users: UserServiceStore;
  pats: UserTokens;
  sessions: UserSessions;
  audit: Pick<AuditLog, 'record'>;
  /** Re-checks the acting credential in this transaction (CredentialCheck). */
  credentials: { assertLive(actor: AuditActor): Promise<void> };
  /** Tells every instance at commit (RevocationBus.announce). */
  revocations: { announce(revocation: Revocation): Promise<void> };
}

export interface UserServiceDeps {
  transactional: Transactional<UserUnit>;
  /** Reads outside any transaction. */
  users: Pick<UserStore, 'findLive' | 'listLive'>;
  /** Drops this instance's cached copies after a commit. */
  revocations: Pick<RevocationBus, 'apply'>;
  hasher: Pick<PasswordHasher, 'hash'>;
}

/*
 * Lock order, the same in every transaction here, so that concurrent changes queue instead of
 * deadlocking: every live Admin's row (by id) when the change can lower the Admin count, then
 * the target user's row, then the acting credential (CredentialCheck), then whatever is deleted.
 */
export class UserService {
  private readonly transactional: Transactional<UserUnit>;
  private readonly users: UserServiceDeps['users'];
  private readonly revocations: UserServiceDeps['revocations'];
  private readonly hasher: UserServiceDeps['hasher'];

  constructor(deps: UserServiceDeps) {
    this.transactional = deps.transactional;
    this.users = deps.users;
    this.revocations = deps.revocations;
    this.hasher = deps.hasher;
  }

  list(): Promise<User[]> {
    return this.users.listLive('User');
  }

  async get(id: number): Promise<User> {
    const user = await this.users.findLive(id, 'User');
    if (!user) throw userNotFound(id);
    return user;
  }

  async create(actor: AuditActor, input: CreateUserInput): Promise<User> {
    const username = input.username?.trim() || null;
    const email = input.email?.trim() || null;
    if (username === null && email === null) {
      throw new BadDataError('A user needs a username or an email.', [
        { path: '/body/username', message: 'Give a username, an email, or both.' },
      ]);
    }
    if (input.password !== undefined) assertPasswordPolicy(input.password);
    const passwordHash =
      input.password === undefined ? null : await this.hasher.hash(input.password);
    return this.transactional(async ({ users, audit, credentials }) => {
      let user: User;
      try {
        user = await users.insert({
          username,
          email,
          name: input.name?.trim() || null,
          passwordHash,
          rootRole: input.rootRole,
          accountType: 'User',
        });
      } catch (error) {
        throw translateUnique(error);
      }
      await audit.record('user-created', actor, userEventData(user));
      await credentials.assertLive(actor);
      return user;
    });
  }

  async update(actor: AuditActor, id: number, input: UpdateUserInput): Promise<User> {
    const demoting = input.rootRole !== undefined && input.rootRole !== 'Admin';
    const updated = await this.transactional(async (unit) => {
      const { users, audit, credentials, revocations } = unit;
      const admins = demoting ? await users.lockAndCountAdmins() : undefined;
      const current = await users.lockLive(id, 'User');
      if (!current) throw userNotFound(id);
      await credentials.assertLive(actor);
      if (admins !== undefined && current.rootRole === 'Admin' && admins <= 1) {
        throw lastAdminError();
      }
      let user: User;
      try {
        user = await users.update(id, {
          ...(input.name !== undefined && { name: input.name.trim() || null }),
          ...(input.email !== undefined && { email: input.email.trim() || null }),
          ...(input.rootRole !== undefined && { rootRole: input.rootRole }),
        });
      } catch (error) {
        throw translateUnique(error);
      }
      if (user.username === null && user.email === null) {
        throw new BadDataError('A user needs a username or an email.');
      }
      await audit.record('user-updated', actor, userEventData(user));
      await revocations.announce({ kind: 'user', userId: id });
      return user;
    });
    this.revocations.apply({ kind: 'user', userId: id });
    return updated;
  }

  /** Ends their sessions and tokens at once; the row and its events stay for the audit trail. */
  async delete(actor: AuditActor, id: number): Promise<void> {
    await this.transactional(async ({ users, pats, sessions, audit, credentials, revocations }) => {
      const admins = await users.lockAndCountAdmins();
      const user = await users.lockLive(id, 'User');
      if (!user) throw userNotFound(id);
      await credentials.assertLive(actor);
      if (user.rootRole === 'Admin' && admins <= 1) throw lastAdminError();
      await users.softDelete(id);
      await pats.deleteForUser(id);
      await sessions.deleteForUser(id);
      await audit.record('user-deleted', actor, userEventData(user));
      await revocations.announce({ kind: 'user', userId: id });
    });
    this.revocations.apply({ kind: 'user', userId: id });
  }

  /**
   * A new password rotates every credential of the account: all sessions end (but the one
   * that made the change, when a user changes their own) and all their tokens are deleted.
   */
  async changePassword(
    actor: AuditActor,
    id: number,
    password: string,
    keepSessionHash?: string,
  ): Promise<void> {
    assertPasswordPolicy(password);
    const passwordHash = await this.hasher.hash(password);
    await this.transactional(async ({ users, pats, sessions, audit, credentials, revocations }) => {
      const user = await users.lockLive(id, 'User');
      if (!user) throw userNotFound(id);
      await credentials.assertLive(actor);
      await users.setPasswordHash(id, passwordHash);
      await sessions.deleteForUser(id, keepSessionHash);
      await pats.deleteForUser(id);
      await audit.record('user-password-changed', actor, {
        id: user.id,
        username: user.username,
        email: user.email,
      });
      await revocations.announce({ kind: 'user', userId: id });
    });
    this.revocations.apply({ kind: 'user', userId: id });
  }
}

function userNotFound(id: number): NotFoundError {
  return new NotFoundError(`Could not find a user with id ${id}.`);
}

function translateUnique(error: unknown): unknown {
  if (pgErrorCode(error) === PgCode.uniqueViolation) {
    return new NameExistsError('A user with that username or email already exists.');
  }
  return error;
}
