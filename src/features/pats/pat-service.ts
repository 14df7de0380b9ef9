import { type Db, isConnectionError } from '../../db/db.js';
import {
  BadDataError,
  ConflictError,
  NameExistsError,
  NotFoundError,
  OperationDeniedError,
  UnauthorizedError,
} from '../../core/errors.js';
import type { Actor, AuditActor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { RevocationBus } from '../revocation/revocation-bus.js';
import { beyondMaker, checkGrantRequest } from '../../core/scopes.js';
import type { CredentialCheck } from '../users/credential-check.js';
import type { AccountType } from '../../core/user.js';
import { expiryWarning } from './expiry-warning.js';
import { assertExpiryAllowed, parseExpiry } from './pat-expiry.js';
import { type Pat, type PatJson, patEventData, toPatJson, withGrant } from './pat.js';
import type { PatListCache } from './pat-list-cache.js';
import type { PatStore } from './pat-store.js';
import { issueToken } from './token.js';
import type { UnacknowledgedPats } from './unacknowledged-pats.js';
import { type Clock, systemClock } from '../../core/clock.js';

export interface PatRules {
  limit: number;
  killSwitch: boolean;
  expiryWarningDays: readonly number[];
  /** PAT_MAX_LIFETIME_DAYS: undefined, no limit. */
  maxLifetimeDays?: number | undefined;
}

export interface RotatePatInput {
  expiresAt?: string | undefined;
  /** How long the old token keeps working, 0 to 86,400 seconds; 0 ends it at once. */
  overlapSeconds?: number | undefined;
}

export const MAX_OVERLAP_SECONDS = 86_400;

export interface CreatePatInput {
  description: string;
  expiresAt: string;
  scopes?: string[];
  audiences?: string[];
}

/** Whose tokens: the caller's own, or (for Admins) a service account's. */
export interface PatOwner {
  id: number;
  accountType: AccountType;
}

/** What the service uses of its store: the real PatStore, or the fake in unit tests. */
export type PatServiceStore = Pick<
  PatStore,
  | 'countUnexpired'
  | 'deleteMatching'
  | 'deleteOwned'
  | 'descriptionTaken'
  | 'findOwned'
  | 'insert'
  | 'listForUser'
  | 'listForUsers'
  | 'lockForRotation'
  | 'lockOwner'
  | 'rotate'
>;

// Each dependency is named by the part the service calls, so unit tests can pass fakes.
export interface PatServiceDeps {
  db: Pick<Db, 'transaction'>;
  store: PatServiceStore;
  audit: Pick<AuditLog, 'record'>;
  rules: PatRules;
  revocations: Pick<RevocationBus, 'announce' | 'apply'>;
  unacknowledged: Pick<UnacknowledgedPats, 'add'>;
  credentials: Pick<CredentialCheck, 'assertLive'>;
  /** Each user's token list, kept true by the revocation bus. */
  lists: PatListCache;
  clock?: Clock;
}

/**
 * Unleash keeps descriptions of 10,000 characters and more; far beyond that a description is
 * only a way to write large audit events in a loop and fill the disk.
 */
export const MAX_DESCRIPTION_BYTES = 16 * 1024;

export class PatService {
  private readonly db: PatServiceDeps['db'];
  private readonly store: PatServiceStore;
  private readonly audit: PatServiceDeps['audit'];
  private readonly rules: PatRules;
  private readonly revocations: PatServiceDeps['revocations'];
  private readonly unacknowledged: PatServiceDeps['unacknowledged'];
  private readonly credentials: PatServiceDeps['credentials'];
  private readonly lists: PatListCache;
  private readonly clock: Clock;
  /** A token's answer without a warning, by the Pat it was built from (see #withWarning). */
  readonly #answers = new WeakMap<Pat, PatJson>();

  constructor(deps: PatServiceDeps) {
    this.db = deps.db;
    this.store = deps.store;
    this.audit = deps.audit;
    this.rules = deps.rules;
    this.revocations = deps.revocations;
    this.unacknowledged = deps.unacknowledged;
    this.credentials = deps.credentials;
    this.lists = deps.lists;
    this.clock = deps.clock ?? systemClock;
  }

  /** False while PATs are switched off (UNLEASH_PAT_KILL_SWITCH): every PAT route then answers 404. */
  get enabled(): boolean {
    return !this.rules.killSwitch;
  }

  #assertEnabled(): void {
    if (this.rules.killSwitch) throw new NotFoundError('PATs are disabled.');
  }

  #withWarning(pat: Pat, now: Date): PatJson {
    const warning = expiryWarning(pat.createdAt, pat.expiresAt, now, this.rules.expiryWarningDays);
    if (warning) return withGrant({ ...toPatJson(pat), expiryWarning: warning }, pat);
    // The list cache hands back the same Pat objects until a change drops them, so a token's
    // answer is built once (building it was a tenth of a cached list request's CPU). Frozen:
    // it is shared by every answer that lists the token.
    let json = this.#answers.get(pat);
    if (json === undefined) {
      json = Object.freeze(withGrant(toPatJson(pat), pat));
      this.#answers.set(pat, json);
    }
    return json;
  }

  async list(userId: number): Promise<PatJson[]> {
    const cached = this.listCached(userId);
    if (cached !== undefined) return cached;
    const generation = this.lists.generation;
    const pats = await this.store.listForUser(userId);
    this.lists.set(userId, pats, generation);
    return this.#answer(pats);
  }

  /**
   * The user's tokens from the list cache alone, or undefined when the database must be
   * read (then list() does). Synchronous, so that the common case costs no promise.
   */
  listCached(userId: number): PatJson[] | undefined {
    this.#assertEnabled();
    const pats = this.lists.get(userId);
    return pats === undefined ? undefined : this.#answer(pats);
  }

  #answer(pats: readonly Pat[]): PatJson[] {
    // Warnings depend on the time, so they are worked out at each request, not cached.
    const now = this.clock();
    return pats.map((pat) => this.#withWarning(pat, now));
  }

  /** Several owners' tokens (service accounts' list); none while PATs are switched off. */
  async listMany(ownerIds: readonly number[]): Promise<Map<number, PatJson[]>> {
    const lists = new Map<number, PatJson[]>();
    if (this.rules.killSwitch) {
      for (const id of ownerIds) lists.set(id, []);
      return lists;
    }
    const now = this.clock();
    for (const [id, pats] of await this.store.listForUsers(ownerIds))
      lists.set(
        id,
        pats.map((pat) => this.#withWarning(pat, now)),
      );
    return lists;
  }

  /** One of the user's tokens as the list shows it, or NotFoundError. */
  async get(userId: number, id: number): Promise<PatJson> {
    this.#assertEnabled();
    const pat = await this.store.findOwned(userId, id);
    if (!pat) throw new NotFoundError(`Could not find a token with id ${id}.`);
    return this.#withWarning(pat, this.clock());
  }

  /** A token for the caller. */
  create(actor: Actor, input: CreatePatInput): Promise<PatJson & { secret: string }> {
    return this.createFor(actor, { id: actor.user.id, accountType: actor.user.accountType }, input);
  }

  /**
   * A token for `owner`: the caller themself, or a service account (the route checks that
   * the caller is an Admin). The owner must be live and of that kind, or nothing is made.
   */
  async createFor(
    actor: Actor,
    owner: PatOwner,
    input: CreatePatInput,
  ): Promise<PatJson & { secret: string }> {
    this.#assertEnabled();
    const grant = this.#grantOf(actor, input);
    const description = input.description;
    if (description.trim() === '') throw new BadDataError('PAT description cannot be empty.');
    // PostgreSQL text cannot hold NUL, and a lone surrogate would be silently replaced:
    // refuse both instead of storing something other than what was sent.
    if (description.includes('\u0000') || !description.isWellFormed()) {
      throw new BadDataError(
        'PAT description must be valid text: no NUL characters or broken unicode.',
      );
    }
    if (Buffer.byteLength(description, 'utf8') > MAX_DESCRIPTION_BYTES) {
      throw new BadDataError(
        `PAT description is too long: at most ${MAX_DESCRIPTION_BYTES / 1024} KiB (${MAX_DESCRIPTION_BYTES} bytes of UTF-8).`,
        [
          {
            path: '/body/description',
            message: `The \`/body/description\` property must be at most ${MAX_DESCRIPTION_BYTES} bytes long.`,
          },
        ],
      );
    }
    const expiresAt = parseExpiry(input.expiresAt);
    const now = this.clock();
    assertExpiryAllowed(expiresAt, now, this.rules.maxLifetimeDays);

    const token = issueToken();
    let pat: Pat;
    try {
      pat = await this.db.transaction(async (tx) => {
        if (!(await this.store.lockOwner(tx, owner.id, owner.accountType))) {
          // The caller's own account is gone: their credential is. A service account that
          // is gone is simply not there.
          if (owner.id === actor.user.id) throw new UnauthorizedError();
          throw new NotFoundError(`Could not find a service account with id ${owner.id}.`);
        }
        // A password change that deleted this request's credential while it waited on the
        // lock above must win: no new token for a credential that is gone.
        await this.credentials.assertLive(tx, actor);
        if ((await this.store.countUnexpired(tx, owner.id, now)) >= this.rules.limit) {
          throw new OperationDeniedError(
            `Too many PATs (${this.rules.limit}) already exist for this user.`,
          );
        }
        const duplicate = new NameExistsError('PAT description already exists.');
        if (await this.store.descriptionTaken(tx, owner.id, description)) throw duplicate;
        const created = await this.store.insert(tx, {
          userId: owner.id,
          description,
          selector: token.selector,
          verifier: token.verifier,
          expiresAt,
          scopes: grant.scopes,
          audiences: grant.audiences,
        });
        if (!created) throw duplicate;
        await this.audit.record('pat-created', actor, this.#eventData(actor, created), tx);
        // Other instances' cached lists of this user's tokens lack it: they hear at commit.
        await this.revocations.announce(tx, { kind: 'pats', userId: owner.id });
        return created;
      });
      this.revocations.apply({ kind: 'pats', userId: owner.id });
    } catch (error) {
      // The connection died: the COMMIT may have gone through without our hearing it.
      if (isConnectionError(error)) this.unacknowledged.add(token.selector, actor);
      throw error;
    }
    return {
      ...toPatJson(pat),
      secret: token.secret,
      scopes: pat.scopes,
      audiences: pat.audiences,
    };
  }

  /**
   * The scopes and audiences the new token gets. Without them a token made with a session or
   * a full token gets Unleash's `*`; a token made by a narrower token gets at most its
   * maker's (by default exactly its maker's), so a CI token cannot mint a stronger one.
   */
  #grantOf(
    actor: Actor,
    input: CreatePatInput,
  ): { scopes: readonly string[]; audiences: readonly string[] } {
    const maker = actor.credential.via === 'pat' ? actor.credential : undefined;
    const checked = checkGrantRequest(
      input.scopes ?? (maker && maker.scopes),
      input.audiences ?? (input.scopes === undefined && maker ? maker.audiences : undefined),
    );
    if ('problems' in checked) {
      throw new BadDataError(
        checked.problems.length === 1
          ? (checked.problems[0]?.message ?? 'Invalid scopes.')
          : 'The scopes or audiences are not valid. Refer to the `details` list.',
        checked.problems,
      );
    }
    const beyond = maker && beyondMaker(checked, maker);
    if (beyond !== undefined) {
      throw new OperationDeniedError(
        `The token this request was made with cannot grant ${beyond}: a token can only make tokens that hold no more than itself.`,
      );
    }
    return checked;
  }

  /** The owner too when it is not the actor (an Admin acting on a service account's token). */
  #eventData(actor: AuditActor, pat: Pat) {
    const data = patEventData(pat);
    return 'user' in actor && actor.user.id === pat.userId ? data : { ...data, userId: pat.userId };
  }

  /**
   * Replaces the owner's token `id` with a new one: same description (and whatever else a
   * token carries), a new secret, and by default the old token's lifetime from now. The old
   * token keeps working for `overlapSeconds` (its expiry moves to the overlap's end, never
   * later) and points to its successor; at 0 it ends at once. A token is rotated once: the
   * second try is a 409, so a retried request cannot fork a family. Not bound by the
   * per-user limit: rotation replaces, it does not add. owner: whose token (the caller
   * here; a service account for an Admin's route).
   */
  async rotate(
    actor: Actor,
    owner: PatOwner,
    id: number,
    input: RotatePatInput,
  ): Promise<PatJson & { secret: string }> {
    this.#assertEnabled();
    const ownerId = owner.id;
    const overlapSeconds = input.overlapSeconds ?? 0;
    if (
      !Number.isInteger(overlapSeconds) ||
      overlapSeconds < 0 ||
      overlapSeconds > MAX_OVERLAP_SECONDS
    ) {
      throw new BadDataError(
        `overlapSeconds must be a whole number from 0 to ${MAX_OVERLAP_SECONDS}.`,
        [{ path: '/body/overlapSeconds', message: `Must be from 0 to ${MAX_OVERLAP_SECONDS}.` }],
      );
    }
    const requested = input.expiresAt === undefined ? undefined : parseExpiry(input.expiresAt);
    const now = this.clock();
    if (requested) assertExpiryAllowed(requested, now, this.rules.maxLifetimeDays);
    const notFound = () => new NotFoundError(`Could not find a token with id ${id}.`);

    const token = issueToken();
    let result: { pat: Pat; oldSelector: string };
    try {
      result = await this.db.transaction(async (tx) => {
        if (!(await this.store.lockOwner(tx, ownerId, owner.accountType))) throw notFound();
        const old = await this.store.lockForRotation(tx, ownerId, id);
        if (!old) throw notFound();
        // The successor holds the old token's scopes: a narrower token may not mint them.
        const maker = actor.credential.via === 'pat' ? actor.credential : undefined;
        const beyond = maker && beyondMaker(old, maker);
        if (beyond !== undefined) {
          throw new OperationDeniedError(
            `The token this request was made with cannot grant ${beyond}: a token can only make tokens that hold no more than itself.`,
          );
        }
        if (old.rotatedTo !== null) {
          throw new ConflictError(
            `Token ${id} was already rotated (to token ${old.rotatedTo}); a token is rotated once.`,
          );
        }
        // An expired token is not renewed: rotating it would mint a live token past the
        // per-user limit, which rotation otherwise may ignore (it replaces, it does not add).
        if (old.expiresAt.getTime() <= now.getTime()) {
          throw new ConflictError(
            `Token ${id} has expired: it cannot be rotated. Create a new token instead.`,
          );
        }
        // Before the old token's expiry moves: rotating a token with itself must pass.
        await this.credentials.assertLive(tx, actor);
        let expiresAt = requested;
        if (!expiresAt) {
          const lifetime = old.expiresAt.getTime() - old.createdAt.getTime();
          expiresAt = new Date(now.getTime() + Math.max(lifetime, 1000));
          assertExpiryAllowed(expiresAt, now, this.rules.maxLifetimeDays);
        }
        const oldEnds = new Date(now.getTime() + overlapSeconds * 1000);
        const pat = await this.store.rotate(
          tx,
          old,
          { selector: token.selector, verifier: token.verifier, expiresAt },
          oldEnds,
        );
        await this.audit.record(
          'pat-rotated',
          actor,
          { ...patEventData(pat), rotatedFrom: old.id, overlapSeconds, userId: ownerId },
          tx,
        );
        // Every instance drops its cached credential of the old token (at once it ends, or
        // it is re-read with its new expiry) and its cached list of the owner's tokens.
        await this.revocations.announce(tx, { kind: 'pat', selector: old.selector });
        await this.revocations.announce(tx, { kind: 'pats', userId: ownerId });
        return { pat, oldSelector: old.selector };
      });
      this.revocations.apply({ kind: 'pat', selector: result.oldSelector });
      this.revocations.apply({ kind: 'pats', userId: ownerId });
    } catch (error) {
      if (isConnectionError(error)) this.unacknowledged.add(token.selector, actor);
      throw error;
    }
    return {
      ...toPatJson(result.pat),
      secret: token.secret,
      scopes: result.pat.scopes,
      audiences: result.pat.audiences,
    };
  }

  /**
   * The operator's revocation (CLI): tokens by id, by owner, or both, whoever owns them,
   * with the same event and the same at-once revocation as a user's own delete. The reason
   * goes into each event. At least one condition is required: never "all tokens".
   */
  async revoke(
    actor: AuditActor,
    match: { id?: number; userId?: number },
    reason?: string,
  ): Promise<Pat[]> {
    if (match.id === undefined && match.userId === undefined) {
      throw new BadDataError('Say which tokens to revoke: a token id, a user, or both.');
    }
    const deleted = await this.db.transaction(async (tx) => {
      const found = await this.store.deleteMatching(tx, match);
      for (const { pat, selector } of found) {
        // The owner too: unlike a user's own delete, the actor is not the owner.
        const data = { ...patEventData(pat), userId: pat.userId };
        await this.audit.record(
          'pat-deleted',
          actor,
          reason === undefined ? data : { ...data, reason },
          tx,
        );
        await this.revocations.announce(tx, { kind: 'pat', selector });
      }
      return found;
    });
    for (const { selector } of deleted) this.revocations.apply({ kind: 'pat', selector });
    return deleted.map(({ pat }) => pat);
  }

  /** Idempotent: an unknown id or another user's token is a silent no-op, as in Unleash. */
  delete(actor: Actor, id: number): Promise<void> {
    return this.deleteFor(actor, actor.user.id, id);
  }

  /** Deletes `ownerId`'s token `id`, if it is theirs (the route checks who may ask). */
  async deleteFor(actor: Actor, ownerId: number, id: number): Promise<void> {
    const deleted = await this.db.transaction(async (tx) => {
      const found = await this.store.deleteOwned(tx, ownerId, id);
      if (found) {
        await this.audit.record('pat-deleted', actor, this.#eventData(actor, found.pat), tx);
        await this.revocations.announce(tx, { kind: 'pat', selector: found.selector });
      }
      return found;
    });
    if (deleted) this.revocations.apply({ kind: 'pat', selector: deleted.selector });
  }
}
