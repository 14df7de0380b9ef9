import type { Queryable } from '../../db/db.js';
import type { AccountType } from '../../core/user.js';
import type { Pat } from './pat.js';
import type { NewPat } from './pat-store.js';
import type { PatServiceStore } from './pat-service.js';

interface Row extends Pat {
  selector: string;
  verifier: string;
}

/**
 * PatStore in memory, for unit tests of PatService's rules. It keeps what the real store
 * keeps (one description per owner among tokens, expiry, rotation) but not locking: the
 * tests run one call at a time.
 */
export class FakePatStore implements PatServiceStore {
  readonly rows: Row[] = [];
  /** The accounts that exist, and of which kind; lockOwner answers from this. */
  readonly owners = new Map<number, AccountType>();
  #nextId = 1;

  async lockOwner(_tx: Queryable, userId: number, accountType: AccountType): Promise<boolean> {
    return this.owners.get(userId) === accountType;
  }

  async countUnexpired(_tx: Queryable, userId: number, now: Date): Promise<number> {
    return this.rows.filter((row) => row.userId === userId && row.expiresAt > now).length;
  }

  async descriptionTaken(_tx: Queryable, userId: number, description: string): Promise<boolean> {
    return this.rows.some((row) => row.userId === userId && row.description === description);
  }

  async insert(_tx: Queryable, pat: NewPat): Promise<Pat | undefined> {
    if (await this.descriptionTaken(_tx, pat.userId, pat.description)) return undefined;
    const row: Row = {
      id: this.#nextId++,
      description: pat.description,
      expiresAt: pat.expiresAt,
      userId: pat.userId,
      createdAt: new Date(),
      seenAt: null,
      scopes: [...pat.scopes],
      audiences: [...pat.audiences],
      rotatedTo: null,
      selector: pat.selector,
      verifier: pat.verifier,
    };
    this.rows.push(row);
    return toPat(row);
  }

  async listForUser(userId: number): Promise<Pat[]> {
    return this.rows.filter((row) => row.userId === userId).map(toPat);
  }

  async listForUsers(userIds: readonly number[]): Promise<Map<number, Pat[]>> {
    const lists = new Map<number, Pat[]>();
    for (const id of userIds) lists.set(id, await this.listForUser(id));
    return lists;
  }

  async findOwned(userId: number, id: number): Promise<Pat | undefined> {
    const row = this.rows.find((r) => r.userId === userId && r.id === id);
    return row && toPat(row);
  }

  async deleteOwned(
    _tx: Queryable,
    userId: number,
    id: number,
  ): Promise<{ pat: Pat; selector: string } | undefined> {
    const [deleted] = this.#remove((row) => row.userId === userId && row.id === id);
    return deleted;
  }

  async deleteMatching(
    _tx: Queryable,
    match: { id?: number; userId?: number },
  ): Promise<{ pat: Pat; selector: string }[]> {
    return this.#remove(
      (row) =>
        (match.id === undefined || row.id === match.id) &&
        (match.userId === undefined || row.userId === match.userId),
    );
  }

  async lockForRotation(
    _tx: Queryable,
    userId: number,
    id: number,
  ): Promise<(Pat & { selector: string }) | undefined> {
    const row = this.rows.find((r) => r.userId === userId && r.id === id);
    return row && { ...toPat(row), selector: row.selector };
  }

  async rotate(
    _tx: Queryable,
    old: { id: number; expiresAt: Date },
    next: { selector: string; verifier: string; expiresAt: Date },
    oldExpiresAt: Date,
  ): Promise<Pat> {
    const previous = this.rows.find((row) => row.id === old.id);
    if (!previous) throw new Error(`no token ${old.id} to rotate`);
    const successor: Row = {
      ...previous,
      id: this.#nextId++,
      expiresAt: next.expiresAt,
      createdAt: new Date(),
      seenAt: null,
      rotatedTo: null,
      selector: next.selector,
      verifier: next.verifier,
    };
    previous.rotatedTo = successor.id;
    previous.expiresAt = oldExpiresAt;
    this.rows.push(successor);
    return toPat(successor);
  }

  #remove(match: (row: Row) => boolean): { pat: Pat; selector: string }[] {
    const removed = this.rows.filter(match);
    for (const row of removed) this.rows.splice(this.rows.indexOf(row), 1);
    return removed.map((row) => ({ pat: toPat(row), selector: row.selector }));
  }
}

function toPat(row: Row): Pat {
  const { selector: _selector, verifier: _verifier, ...pat } = row;
  return { ...pat };
}
