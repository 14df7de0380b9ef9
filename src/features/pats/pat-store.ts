import { PgCode, pgErrorCode, type Queryable } from '../../db/db.js';
import { grantFor, type TokenGrant } from '../../core/scopes.js';
import type { AccountType, User } from '../../core/user.js';
import { rowToUser, USER_COLUMNS_OF_U, type UserRow } from '../users/user-store.js';
import type { Pat } from './pat.js';

/** lead_days of the pat-expired notice (expiry-notices.ts). */
export const EXPIRED_NOTICE = 0;

/** A token near or past its expiry, with the notice lead times already recorded for it. */
export interface ExpiringPat {
  id: number;
  userId: number;
  description: string;
  expiresAt: Date;
  createdAt: Date;
  done: number[];
}

interface ExpiringRow {
  id: number;
  user_id: number;
  description: string;
  expires_at: Date;
  created_at: Date;
  done: number[];
}

interface PatRow {
  id: number;
  description: string;
  expires_at: Date;
  user_id: number;
  created_at: Date;
  seen_at: Date | null;
  scopes: string[];
  audiences: string[];
  rotated_to: number | null;
}

const PAT_COLUMNS =
  'id, description, expires_at, user_id, created_at, seen_at, scopes, audiences, rotated_to';

function rowToPat(row: PatRow): Pat {
  return {
    id: row.id,
    description: row.description,
    expiresAt: row.expires_at,
    userId: row.user_id,
    createdAt: row.created_at,
    seenAt: row.seen_at,
    scopes: row.scopes,
    audiences: row.audiences,
    rotatedTo: row.rotated_to,
  };
}

export interface NewPat {
  userId: number;
  description: string;
  selector: string;
  verifier: string;
  expiresAt: Date;
  scopes: readonly string[];
  audiences: readonly string[];
}

/** A token's latest use in a batch: when, and from which address and user agent. */
export interface SeenUse {
  at: Date;
  ip: string | null;
  userAgent: string | null;
}

/** What authentication needs to know about a token, found by its selector. */
export interface PatCredential {
  tokenId: number;
  verifier: string;
  expiresAt: Date;
  /** For token introspection's `iat`. */
  createdAt: Date;
  user: User;
  /** The token's scopes as given at creation: what Unlatch's own routes check. */
  scopes: readonly string[];
  /** For gateways and introspection, narrowed by the owner's role. Worked out once per read:
   * a role change evicts the credential, so it stays true. */
  grant: TokenGrant;
}

export class PatStore {
  constructor(private readonly db: Queryable) {}

  async listForUser(userId: number): Promise<Pat[]> {
    const rows = await this.db.query<PatRow>(
      `SELECT ${PAT_COLUMNS} FROM personal_access_tokens WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    return rows.map(rowToPat);
  }

  /** The tokens of several owners at once, oldest first (service accounts' list). */
  async listForUsers(userIds: readonly number[]): Promise<Map<number, Pat[]>> {
    const byUser = new Map<number, Pat[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows = await this.db.query<PatRow>(
      `SELECT ${PAT_COLUMNS} FROM personal_access_tokens
       WHERE user_id IN (SELECT jsonb_array_elements_text($1::jsonb)::integer) ORDER BY id`,
      [JSON.stringify(userIds)],
    );
    for (const row of rows) byUser.get(row.user_id)?.push(rowToPat(row));
    return byUser;
  }

  async findOwned(userId: number, id: number): Promise<Pat | undefined> {
    const [row] = await this.db.query<PatRow>(
      `SELECT ${PAT_COLUMNS} FROM personal_access_tokens WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return row && rowToPat(row);
  }

  /**
   * Locks the owner's row for the rest of the transaction: concurrent creates for one user
   * queue here, so the limit and uniqueness checks that follow see each other's inserts.
   * Only a live owner of the given kind (a person, or a service account) is locked.
   */
  async lockOwner(tx: Queryable, userId: number, accountType: AccountType): Promise<boolean> {
    const rows = await tx.query(
      'SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL AND is_service = $2 FOR UPDATE',
      [userId, accountType === 'Service'],
    );
    return rows.length === 1;
  }

  /**
   * Whether the token is still live for its user, and keeps it so until the transaction ends
   * (a concurrent DELETE of it waits for our commit, and we wait for one already under way).
   */
  async holdLive(tx: Queryable, tokenId: number, userId: number): Promise<boolean> {
    const rows = await tx.query(
      `SELECT 1 FROM personal_access_tokens
       WHERE id = $1 AND user_id = $2 AND expires_at > now() FOR SHARE`,
      [tokenId, userId],
    );
    return rows.length === 1;
  }

  async countUnexpired(tx: Queryable, userId: number, now: Date): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM personal_access_tokens
       WHERE user_id = $1 AND expires_at > $2 AND rotated_to IS NULL`,
      [userId, now],
    );
    return row?.n ?? 0;
  }

  async descriptionTaken(tx: Queryable, userId: number, description: string): Promise<boolean> {
    const rows = await tx.query(
      'SELECT 1 FROM personal_access_tokens WHERE user_id = $1 AND description = $2 AND rotated_to IS NULL',
      [userId, description],
    );
    return rows.length > 0;
  }

  /** Undefined when the description is taken (the unique index is the last word). */
  async insert(tx: Queryable, pat: NewPat): Promise<Pat | undefined> {
    try {
      const [row] = await tx.query<PatRow>(
        `INSERT INTO personal_access_tokens
           (user_id, description, selector, verifier, expires_at, scopes, audiences)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING ${PAT_COLUMNS}`,
        [
          pat.userId,
          pat.description,
          pat.selector,
          pat.verifier,
          pat.expiresAt,
          JSON.stringify(pat.scopes),
          JSON.stringify(pat.audiences),
        ],
      );
      return row && rowToPat(row);
    } catch (error) {
      if (pgErrorCode(error) === PgCode.uniqueViolation) return undefined;
      throw error;
    }
  }

  /** Deletes the token only if the user owns it; returns what was deleted. */
  async deleteOwned(
    tx: Queryable,
    userId: number,
    id: number,
  ): Promise<{ pat: Pat; selector: string } | undefined> {
    const [row] = await tx.query<PatRow & { selector: string }>(
      `DELETE FROM personal_access_tokens WHERE id = $1 AND user_id = $2
       RETURNING ${PAT_COLUMNS}, selector`,
      [id, userId],
    );
    return row && { pat: rowToPat(row), selector: row.selector };
  }

  /** Live-or-not tokens by selector, with their verifiers, for checking reported secrets. */
  async findBySelectors(
    selectors: readonly string[],
  ): Promise<{ pat: Pat; selector: string; verifier: string }[]> {
    if (selectors.length === 0) return [];
    const rows = await this.db.query<PatRow & { selector: string; verifier: string }>(
      `SELECT ${PAT_COLUMNS}, selector, verifier FROM personal_access_tokens
       WHERE selector IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(selectors)],
    );
    return rows.map((row) => ({
      pat: rowToPat(row),
      selector: row.selector,
      verifier: row.verifier,
    }));
  }

  /** Deletes all of a user's tokens (password change, user deletion). */
  async deleteForUser(userId: number): Promise<void> {
    await this.db.query('DELETE FROM personal_access_tokens WHERE user_id = $1', [userId]);
  }

  /** Deletes the token with this selector, whoever owns it; returns what was deleted. */
  async deleteBySelector(tx: Queryable, selector: string): Promise<Pat | undefined> {
    const [row] = await tx.query<PatRow>(
      `DELETE FROM personal_access_tokens WHERE selector = $1 RETURNING ${PAT_COLUMNS}`,
      [selector],
    );
    return row && rowToPat(row);
  }

  /** Every token, or one user's, with its owner's name: the operator's view (CLI). */
  async listWithOwners(userId?: number): Promise<(Pat & { owner: string })[]> {
    const rows = await this.db.query<PatRow & { owner: string }>(
      `SELECT p.id, p.description, p.expires_at, p.user_id, p.created_at, p.seen_at,
              p.scopes, p.audiences, p.rotated_to, coalesce(u.username, u.email) AS owner
       FROM personal_access_tokens p JOIN users u ON u.id = p.user_id
       WHERE u.deleted_at IS NULL AND ($1::integer IS NULL OR p.user_id = $1)
       ORDER BY p.id`,
      [userId ?? null],
    );
    return rows.map((row) => ({ ...rowToPat(row), owner: row.owner }));
  }

  /**
   * Deletes the tokens that match every given condition (an id, an owner, or both), whoever
   * owns them; returns what was deleted.
   */
  async deleteMatching(
    tx: Queryable,
    match: { id?: number; userId?: number },
  ): Promise<{ pat: Pat; selector: string }[]> {
    const rows = await tx.query<PatRow & { selector: string }>(
      `DELETE FROM personal_access_tokens
       WHERE ($1::integer IS NULL OR id = $1) AND ($2::integer IS NULL OR user_id = $2)
       RETURNING ${PAT_COLUMNS}, selector`,
      [match.id ?? null, match.userId ?? null],
    );
    return rows.map((row) => ({ pat: rowToPat(row), selector: row.selector }));
  }

  async findCredential(selector: string): Promise<PatCredential | undefined> {
    const [row] = await this.db.query<
      UserRow & {
        pat_id: number;
        verifier: string;
        expires_at: Date;
        pat_created_at: Date;
        scopes: string[];
        audiences: string[];
      }
    >(
      `SELECT p.id AS pat_id, p.verifier, p.expires_at, p.created_at AS pat_created_at,
              p.scopes, p.audiences, ${USER_COLUMNS_OF_U}
       FROM personal_access_tokens p JOIN users u ON u.id = p.user_id
       WHERE p.selector = $1 AND u.deleted_at IS NULL`,
      [selector],
    );
    if (!row) return undefined;
    const user = rowToUser(row);
    return {
      tokenId: row.pat_id,
      verifier: row.verifier,
      expiresAt: row.expires_at,
      createdAt: row.pat_created_at,
      user,
      scopes: row.scopes,
      grant: grantFor(row.scopes, row.audiences, user),
    };
  }

  /**
   * One UPDATE for a whole batch; never moves seen_at backwards, and takes the address and
   * user agent of the batch's latest use unless a newer one was written meanwhile.
   */
  async recordSeen(seen: ReadonlyMap<number, SeenUse>): Promise<void> {
    if (seen.size === 0) return;
    const batch = [...seen].map(([id, use]) => ({
      id,
      at: use.at.toISOString(),
      ip: use.ip,
      ua: use.userAgent,
    }));
    await this.db.query(
      `UPDATE personal_access_tokens p SET
         last_ip = CASE WHEN p.seen_at IS NULL OR b.at >= p.seen_at THEN coalesce(b.ip, p.last_ip) ELSE p.last_ip END,
         last_user_agent = CASE WHEN p.seen_at IS NULL OR b.at >= p.seen_at THEN coalesce(b.ua, p.last_user_agent) ELSE p.last_user_agent END,
         seen_at = GREATEST(p.seen_at, b.at)
       FROM jsonb_to_recordset($1::jsonb) AS b(id integer, at timestamptz, ip text, ua text)
       WHERE p.id = b.id`,
      [JSON.stringify(batch)],
    );
  }

  async lastUse(
    id: number,
  ): Promise<{ seenAt: Date | null; ip: string | null; userAgent: string | null } | undefined> {
    const [row] = await this.db.query<{
      seen_at: Date | null;
      last_ip: string | null;
      last_user_agent: string | null;
    }>('SELECT seen_at, last_ip, last_user_agent FROM personal_access_tokens WHERE id = $1', [id]);
    return row && { seenAt: row.seen_at, ip: row.last_ip, userAgent: row.last_user_agent };
  }

  /**
   * The token to rotate, locked until the transaction ends: concurrent rotations of one token
   * queue here, and the second sees the first's rotated_to.
   */
  async lockForRotation(
    tx: Queryable,
    userId: number,
    id: number,
  ): Promise<(Pat & { selector: string }) | undefined> {
    const [row] = await tx.query<PatRow & { selector: string }>(
      `SELECT ${PAT_COLUMNS}, selector FROM personal_access_tokens
       WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [id, userId],
    );
    return row && { ...rowToPat(row), selector: row.selector };
  }

  /**
   * Rotates a locked token: it points to its successor and ends at oldExpiresAt (never later
   * than it already did), and the successor is inserted as a copy of it with a new secret and
   * expiry. The copied columns are listed here and only here.
   */
  async rotate(
    tx: Queryable,
    old: { id: number; expiresAt: Date },
    next: { selector: string; verifier: string; expiresAt: Date },
    oldExpiresAt: Date,
  ): Promise<Pat> {
    // The successor's id first: the old row must name it before the new row exists, or the
    // new row would share a description with a not-yet-rotated one.
    const [seq] = await tx.query<{ id: number }>(
      `SELECT nextval(pg_get_serial_sequence('personal_access_tokens', 'id'))::int AS id`,
    );
    if (!seq) throw new Error('no id for the rotated token');
    await tx.query(
      `UPDATE personal_access_tokens SET rotated_to = $2, expires_at = LEAST(expires_at, $3)
       WHERE id = $1`,
      [old.id, seq.id, oldExpiresAt],
    );
    const [row] = await tx.query<PatRow>(
      `INSERT INTO personal_access_tokens
         (id, user_id, description, scopes, audiences, selector, verifier, expires_at)
       OVERRIDING SYSTEM VALUE
       SELECT $1, user_id, description, scopes, audiences, $2, $3, $4
       FROM personal_access_tokens WHERE id = $5
       RETURNING ${PAT_COLUMNS}`,
      [seq.id, next.selector, next.verifier, next.expiresAt, old.id],
    );
    if (!row) throw new Error('the rotated token vanished under its lock');
    return rowToPat(row);
  }

  /** Deletes these tokens, whoever owns them; returns what was deleted (unknown ids are not). */
  async deleteByIds(
    tx: Queryable,
    ids: readonly number[],
  ): Promise<{ pat: Pat; selector: string }[]> {
    if (ids.length === 0) return [];
    const rows = await tx.query<PatRow & { selector: string }>(
      `DELETE FROM personal_access_tokens
       WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::integer)
       RETURNING ${PAT_COLUMNS}, selector`,
      [JSON.stringify(ids)],
    );
    return rows.map((row) => ({ pat: rowToPat(row), selector: row.selector }));
  }

  /**
   * Deletes up to `max` live tokens last used (or, never used, created) before `cutoff`;
   * returns what was deleted.
   */
  async deleteIdle(
    tx: Queryable,
    cutoff: Date,
    now: Date,
    max: number,
  ): Promise<{ pat: Pat; selector: string }[]> {
    const rows = await tx.query<PatRow & { selector: string }>(
      `DELETE FROM personal_access_tokens WHERE id IN (
         SELECT id FROM personal_access_tokens
         WHERE expires_at > $2 AND coalesce(seen_at, created_at) < $1
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${PAT_COLUMNS}, selector`,
      [cutoff, now, max],
    );
    return rows.map((row) => ({ pat: rowToPat(row), selector: row.selector }));
  }

  /**
   * One advisory lock per job, held until the transaction ends; false when another instance
   * holds it (that instance is doing the work).
   */
  async tryJobLock(tx: Queryable, key: number): Promise<boolean> {
    const [row] = await tx.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1) AS locked',
      [key],
    );
    return row?.locked === true;
  }

  /**
   * Tokens that expire before `now` + `withinDays` and expired no more than `lookbackDays`
   * ago, and have not had their pat-expired notice, soonest first, with the lead times
   * (`pat_expiry_notices.lead_days`) they were already told at.
   */
  async findExpiring(
    now: Date,
    withinDays: number,
    lookbackDays: number,
    limit: number,
  ): Promise<ExpiringPat[]> {
    const rows = await this.db.query<ExpiringRow>(
      `SELECT p.id, p.user_id, p.description, p.expires_at, p.created_at,
              coalesce(array(SELECT n.lead_days FROM pat_expiry_notices n WHERE n.token_id = p.id),
                       '{}') AS done
       FROM personal_access_tokens p
       WHERE p.expires_at <= $1::timestamptz + $2 * interval '1 day'
         AND p.expires_at > $1::timestamptz - $3 * interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM pat_expiry_notices n
                         WHERE n.token_id = p.id AND n.lead_days = ${EXPIRED_NOTICE})
       ORDER BY p.expires_at
       LIMIT $4`,
      [now, withinDays, lookbackDays, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      description: row.description,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
      done: row.done,
    }));
  }
}
