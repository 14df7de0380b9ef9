import type { Db, Queryable } from './db.js';

/**
 * A unit of work: runs `work` with stores bound to one transaction, committed when `work`
 * resolves and rolled back when it throws. The stores are the only way in, so no statement
 * can land outside the transaction by a forgotten argument.
 */
export type Transactional<S> = <T>(work: (stores: S) => Promise<T>) => Promise<T>;

/** A unit of work on `db` whose stores `bind` builds over each transaction's handle. */
export function transactional<S>(
  db: Pick<Db, 'transaction'>,
  bind: (tx: Queryable) => S,
): Transactional<S> {
  return (work) => db.transaction((tx) => work(bind(tx)));
}
