import type { Db, Queryable } from './db.js';
import type { Transactional } from './transactional.js';

// For unit tests of service rules. The fake stores keep their rows in memory and ignore
// any handle they are given, so a statement that reaches one is a bug in the test and
// fails loudly.
const NO_SQL: Queryable = {
  query: () => Promise.reject(new Error('a fake store was expected to answer this')),
  exec: () => Promise.reject(new Error('a fake store was expected to answer this')),
};

/** A transaction that runs its callback at once. */
export const fakeTransactions: Pick<Db, 'transaction'> = {
  transaction: (fn) => fn(NO_SQL),
};

/** A unit of work over fake stores: every call gets the same ones, with no rollback. */
export function fakeTransactional<S>(stores: S): Transactional<S> {
  return (work) => work(stores);
}
