import type { Db, Queryable } from './db.js';

// For unit tests of service rules: a transaction that runs its callback at once. The fake
// stores keep their rows in memory and ignore the handle they are given, so a statement
// that reaches it is a bug in the test and fails loudly.
const NO_SQL: Queryable = {
  query: () => Promise.reject(new Error('a fake store was expected to answer this')),
  exec: () => Promise.reject(new Error('a fake store was expected to answer this')),
};

export const fakeTransactions: Pick<Db, 'transaction'> = {
  transaction: (fn) => fn(NO_SQL),
};
