// The Admins' inventory: a read model over personal_access_tokens joined to their owners.
// Writes to the table stay in pat-store.ts; this file only reads.

import type { Queryable, SqlParam } from '../../db/db.js';
import type { AccountType } from '../../core/user.js';
import type { Pat } from './pat.js';

/** What kind of account owns a token, as SQL over `users u`: here and nowhere else. */
const OWNER_ACCOUNT_TYPE_SQL = `CASE WHEN u.is_service THEN 'Service' ELSE 'User' END`;

export type { AccountType };
/** As the gateway's X-Unlatch-Account-Type names them. */
export const ACCOUNT_TYPES: readonly AccountType[] = ['User', 'Service'];

export interface InventoryFilters {
  owner?: number;
  accountType?: AccountType;
  expired?: boolean;
  expiresBefore?: Date;
  seenBefore?: Date;
  neverUsed?: boolean;
  /** A substring of the description, matched without regard to case. */
  q?: string;
}

/** Where a page ends: the last token's creation time (UTC, to the microsecond) and id. */
export interface InventoryCursor {
  createdAt: string;
  id: number;
}

export interface TokenOwner {
  id: number;
  username: string | null;
  name: string | null;
  accountType: AccountType;
}

export interface InventoryItem {
  pat: Pat;
  owner: TokenOwner;
  cursor: InventoryCursor;
}

interface InventoryRow {
  id: number;
  description: string;
  expires_at: Date;
  user_id: number;
  created_at: Date;
  seen_at: Date | null;
  rotated_to: number | null;
  scopes: string[];
  audiences: string[];
  created_us: string;
  username: string | null;
  name: string | null;
  account_type: AccountType;
}

/** The one mapper from a row to a token's owner. */
function rowToOwner(row: InventoryRow): TokenOwner {
  return { id: row.user_id, username: row.username, name: row.name, accountType: row.account_type };
}

function rowToItem(row: InventoryRow): InventoryItem {
  return {
    pat: {
      id: row.id,
      description: row.description,
      expiresAt: row.expires_at,
      userId: row.user_id,
      createdAt: row.created_at,
      seenAt: row.seen_at,
      rotatedTo: row.rotated_to,
      scopes: row.scopes,
      audiences: row.audiences,
    },
    owner: rowToOwner(row),
    cursor: { createdAt: row.created_us, id: row.id },
  };
}

/** `\`, `%` and `_` stand for themselves in the substring. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export class PatInventoryStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Newest first, by (created_at, id), after `cursor`: keyset paging, so a page costs the
   * same at the millionth token as at the first (an index scan, never an OFFSET).
   */
  async page(
    filters: InventoryFilters,
    now: Date,
    limit: number,
    cursor: InventoryCursor | undefined,
  ): Promise<InventoryItem[]> {
    const params: SqlParam[] = [];
    const param = (value: SqlParam) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['u.deleted_at IS NULL'];
    if (filters.owner !== undefined) where.push(`p.user_id = ${param(filters.owner)}`);
    if (filters.accountType !== undefined)
      where.push(`${OWNER_ACCOUNT_TYPE_SQL} = ${param(filters.accountType)}`);
    if (filters.expired !== undefined)
      where.push(`p.expires_at ${filters.expired ? '<=' : '>'} ${param(now)}`);
    if (filters.expiresBefore !== undefined)
      where.push(`p.expires_at < ${param(filters.expiresBefore)}`);
    if (filters.seenBefore !== undefined) where.push(`p.seen_at < ${param(filters.seenBefore)}`);
    if (filters.neverUsed !== undefined)
      where.push(`p.seen_at IS ${filters.neverUsed ? '' : 'NOT '}NULL`);
    if (filters.q !== undefined)
      where.push(`p.description ILIKE '%' || ${param(escapeLike(filters.q))} || '%'`);
    if (cursor !== undefined) {
      where.push(
        `(p.created_at, p.id) < ((${param(cursor.createdAt)}::timestamp AT TIME ZONE 'UTC'), ${param(cursor.id)})`,
      );
    }
    const rows = await this.db.query<InventoryRow>(
      `SELECT p.id, p.description, p.expires_at, p.user_id, p.created_at, p.seen_at, p.rotated_to, p.scopes, p.audiences,
              to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS created_us,
              u.username, u.name, ${OWNER_ACCOUNT_TYPE_SQL} AS account_type
       FROM personal_access_tokens p JOIN users u ON u.id = p.user_id
       WHERE ${where.join(' AND ')}
       ORDER BY p.created_at DESC, p.id DESC
       LIMIT ${param(limit)}`,
      params,
    );
    return rows.map(rowToItem);
  }

  /** One token with its owner, whoever owns it. */
  async find(id: number): Promise<InventoryItem | undefined> {
    const [row] = await this.db.query<InventoryRow>(
      `SELECT p.id, p.description, p.expires_at, p.user_id, p.created_at, p.seen_at, p.rotated_to, p.scopes, p.audiences,
              '' AS created_us, u.username, u.name, ${OWNER_ACCOUNT_TYPE_SQL} AS account_type
       FROM personal_access_tokens p JOIN users u ON u.id = p.user_id
       WHERE p.id = $1 AND u.deleted_at IS NULL`,
      [id],
    );
    return row && rowToItem(row);
  }
}
