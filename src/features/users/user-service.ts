import { PgCode, pgErrorCode, type Db } from '../../db/db.js';
import {
  BadDataError,
  NameExistsError,
  NotFoundError,
  OperationDeniedError,
} from '../../core/errors.js';
import type { AuditActor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { RevocationBus } from '../revocation/revocation-bus.js';
import type { UserSessionStore, UserTokenStore } from './credential-stores.js';
import type { CredentialCheck } from './credential-check.js';
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

// Each dependency is named by the part the service calls, so unit tests can pass fakes.
export interface UserServiceDeps {
  db: Pick<Db, 'transaction'>;
  users: UserServiceStore;
  sessions: Pick<UserSessionStore, 'deleteForUser'>;
  pats: Pick<UserTokenStore, 'deleteForUser'>;
  audit: Pick<AuditLog, 'record'>;
  revocations: Pick<RevocationBus, 'announce' | 'apply'>;
  hasher: Pick<PasswordHasher, 'hash'>;
  credentials: Pick<CredentialCheck, 'assertLive'>;
}

/*
 * Lock order, the same in every transaction here, so that concurrent changes queue instead of
 * deadlocking: every live Admin's row (by id) when the change can lower the Admin count, then
 * the target user's row, then the acting credential (CredentialCheck), then whatever is deleted.
 */
export class UserService {
  private readonly db: UserServiceDeps['db'];
  private readonly users: UserServiceStore;
  private readonly sessions: UserServiceDeps['sessions'];
  private readonly pats: UserServiceDeps['pats'];
  private readonly audit: UserServiceDeps['audit'];
  private readonly revocations: UserServiceDeps['revocations'];
  private readonly hasher: UserServiceDeps['hasher'];
  private readonly credentials: UserServiceDeps['credentials'];

  constructor(deps: UserServiceDeps) {
    this.db = deps.db;
    this.users = deps.users;
    this.sessions = deps.sessions;
    this.pats = deps.pats;
    this.audit = deps.audit;
    this.revocations = deps.revocations;
    this.hasher = deps.hasher;
    this.credentials = deps.credentials;
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
    return this.db.transaction(async (tx) => {
      let user: User;
      try {
        user = await this.users.insert(
          {
            username,
            email,
            name: input.name?.trim() || null,
            passwordHash,
            rootRole: input.rootRole,
            accountType: 'User',
          },
          tx,
        );
      } catch (error) {
        throw translateUnique(error);
      }
      await this.audit.record('user-created', actor, userEventData(user), tx);
      await this.credentials.assertLive(tx, actor);
      return user;
    });
  }

  async update(actor: AuditActor, id: number, input: UpdateUserInput): Promise<User> {
    const demoting = input.rootRole !== undefined && input.rootRole !== 'Admin';
    const updated = await this.db.transaction(async (tx) => {
      const admins = demoting ? await this.users.lockAndCountAdmins(tx) : undefined;
      const current = await this.users.lockLive(tx, id, 'User');
      if (!current) throw userNotFound(id);
      await this.credentials.assertLive(tx, actor);
      if (admins !== undefined && current.rootRole === 'Admin' && admins <= 1) {
        throw lastAdminError();
      }
      let user: User;
      try {
        user = await this.users.update(tx, id, {
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
      await this.audit.record('user-updated', actor, userEventData(user), tx);
      await this.revocations.announce(tx, { kind: 'user', userId: id });
      return user;
    });
    this.revocations.apply({ kind: 'user', userId: id });
    return updated;
  }

  /** Ends their sessions and tokens at once; the row and its events stay for the audit trail. */
  async delete(actor: AuditActor, id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const admins = await this.users.lockAndCountAdmins(tx);
      const user = await this.users.lockLive(tx, id, 'User');
      if (!user) throw userNotFound(id);
      await this.credentials.assertLive(tx, actor);
      if (user.rootRole === 'Admin' && admins <= 1) throw lastAdminError();
      await this.users.softDelete(tx, id);
      await this.pats.deleteForUser(tx, id);
      await this.sessions.deleteForUser(tx, id);
      await this.audit.record('user-deleted', actor, userEventData(user), tx);
      await this.revocations.announce(tx, { kind: 'user', userId: id });
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
    await this.db.transaction(async (tx) => {
      const user = await this.users.lockLive(tx, id, 'User');
      if (!user) throw userNotFound(id);
      await this.credentials.assertLive(tx, actor);
      await this.users.setPasswordHash(tx, id, passwordHash);
      await this.sessions.deleteForUser(tx, id, keepSessionHash);
      await this.pats.deleteForUser(tx, id);
      await this.audit.record(
        'user-password-changed',
        actor,
        { id: user.id, username: user.username, email: user.email },
        tx,
      );
      await this.revocations.announce(tx, { kind: 'user', userId: id });
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
