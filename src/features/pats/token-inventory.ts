// The Admins' view of every token: the inventory, revocation with a reason, and usage.

import type { Db } from '../../db/db.js';
import { NotFoundError } from '../../core/errors.js';
import type { AuditActor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { RevocationBus } from '../revocation/revocation-bus.js';
import { encodeCursor, type InventoryQuery, parseInventoryQuery } from './inventory-query.js';
import { type Pat, patEventData, toPatJson } from './pat.js';
import type { PatInventoryStore, TokenOwner } from './pat-inventory-store.js';
import type { PatStore } from './pat-store.js';
import type { PatUsageStore } from './pat-usage-store.js';
import { type Clock, systemClock } from '../../core/clock.js';

export const MAX_BULK_REVOKE = 1000;
export const USAGE_DAYS = 90;
const DAY_MS = 86_400_000;

export interface InventoryEntry {
  id: number;
  description: string;
  expiresAt: string;
  createdAt: string;
  seenAt: string | null;
  rotatedTo: number | null;
  owner: TokenOwner;
}

export interface TokenUsage {
  days: { date: string; requests: number }[];
  lastSeenAt: string | null;
  lastIp: string | null;
  lastUserAgent: string | null;
}

export interface TokenInventoryDeps {
  db: Db;
  store: PatStore;
  inventory: PatInventoryStore;
  usage: PatUsageStore;
  audit: AuditLog;
  revocations: RevocationBus;
  clock?: Clock;
}

/**
 * Deletes tokens whoever owns them, in one transaction: each gets a `pat-deleted` event with
 * its owner and the reason, and fails at once on every instance. Shared by the Admins' routes
 * and the idle-token job.
 */
export async function revokeTokens(
  deps: Pick<TokenInventoryDeps, 'store' | 'audit' | 'revocations'>,
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  actor: AuditActor,
  found: readonly { pat: Pat; selector: string }[],
  reason: string | undefined,
): Promise<void> {
  for (const { pat, selector } of found) {
    const data = { ...patEventData(pat), userId: pat.userId };
    await deps.audit.record(
      'pat-deleted',
      actor,
      reason === undefined ? data : { ...data, reason },
      tx,
    );
    await deps.revocations.announce(tx, { kind: 'pat', selector });
  }
}

export class TokenInventory {
  readonly #deps: TokenInventoryDeps;
  readonly #clock: Clock;

  constructor(deps: TokenInventoryDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  async list(query: InventoryQuery): Promise<{ tokens: InventoryEntry[]; next: string | null }> {
    const { filters, limit, cursor } = parseInventoryQuery(query);
    // One more than asked: whether there is a next page, without a count.
    const items = await this.#deps.inventory.page(filters, this.#clock(), limit + 1, cursor);
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      tokens: page.map(({ pat, owner }) => {
        const json = toPatJson(pat);
        return {
          id: json.id,
          description: json.description,
          expiresAt: json.expiresAt,
          createdAt: json.createdAt,
          seenAt: json.seenAt,
          rotatedTo: pat.rotatedTo,
          owner,
        };
      }),
      next: items.length > limit && last ? encodeCursor(last.cursor) : null,
    };
  }

  /**
   * Revokes these tokens, whoever owns them. Ids that match no token are reported back, not
   * an error: a bulk revocation after a leak should not fail on a token already gone.
   */
  async revoke(
    actor: AuditActor,
    ids: readonly number[],
    reason: string | undefined,
  ): Promise<{ revoked: number[]; notFound: number[] }> {
    const unique = [...new Set(ids)];
    const deleted = await this.#deps.db.transaction(async (tx) => {
      const found = await this.#deps.store.deleteByIds(tx, unique);
      await revokeTokens(this.#deps, tx, actor, found, reason);
      return found;
    });
    for (const { selector } of deleted) this.#deps.revocations.apply({ kind: 'pat', selector });
    const revoked = new Set(deleted.map(({ pat }) => pat.id));
    return {
      revoked: unique.filter((id) => revoked.has(id)),
      notFound: unique.filter((id) => !revoked.has(id)),
    };
  }

  /** One token, whoever owns it; NotFoundError when there is none. */
  async revokeOne(actor: AuditActor, id: number, reason: string | undefined): Promise<void> {
    const { revoked } = await this.revoke(actor, [id], reason);
    if (revoked.length === 0) throw new NotFoundError(`Could not find a token with id ${id}.`);
  }

  /** Any token's usage (Admins); NotFoundError when there is no such token. */
  async usageOfAny(id: number): Promise<TokenUsage> {
    if (!(await this.#deps.inventory.find(id)))
      throw new NotFoundError(`Could not find a token with id ${id}.`);
    return this.usage(id);
  }

  /** The last 90 UTC days, oldest first, every day present (0 when unused). */
  async usage(id: number): Promise<TokenUsage> {
    const today = Math.floor(this.#clock().getTime() / DAY_MS);
    const date = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
    const first = today - USAGE_DAYS + 1;
    const [counted, last] = await Promise.all([
      this.#deps.usage.days(id, date(first)),
      this.#deps.store.lastUse(id),
    ]);
    const byDay = new Map(counted.map((row) => [row.day, row.requests]));
    const days = [];
    for (let day = first; day <= today; day++)
      days.push({ date: date(day), requests: byDay.get(date(day)) ?? 0 });
    return {
      days,
      lastSeenAt: last?.seenAt?.toISOString() ?? null,
      lastIp: last?.ip ?? null,
      lastUserAgent: last?.userAgent ?? null,
    };
  }
}
