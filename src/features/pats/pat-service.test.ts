// PatService's rules on fake stores (milliseconds, no database): the per-user limit and
// one description per user. test/api covers the same rules end to end on real databases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor } from '../../core/actor.js';
import { NameExistsError, OperationDeniedError } from '../../core/errors.js';
import type { User } from '../../core/user.js';
import { fakeTransactions } from '../../db/fake-db.js';
import { FakePatStore } from './fake-pat-store.js';
import { PatListCache } from './pat-list-cache.js';
import { PatService } from './pat-service.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const IN_A_MONTH = '2030-02-01T00:00:00.000Z';

function setUp(limit = 2) {
  const store = new FakePatStore();
  const user: User = {
    id: 7,
    username: 'ci',
    email: null,
    name: null,
    rootRole: 'Editor',
    loginAttempts: 0,
    createdAt: NOW,
    seenAt: null,
    accountType: 'User',
  };
  store.owners.set(user.id, 'User');
  const actor: Actor = {
    user,
    ip: '127.0.0.1',
    credential: { via: 'session', sessionIdHash: 'session' },
  };
  const service = new PatService({
    db: fakeTransactions,
    store,
    audit: { record: async () => {} },
    rules: { limit, killSwitch: false, expiryWarningDays: [], maxLifetimeDays: undefined },
    revocations: { announce: async () => {}, apply: () => {} },
    unacknowledged: { add: () => {} },
    credentials: { assertLive: async () => {} },
    lists: new PatListCache(100, 60_000),
    clock: () => NOW,
  });
  return { service, store, actor };
}

test('a user has at most PAT limit unexpired tokens; expired ones do not count', async () => {
  const { service, store, actor } = setUp(2);
  await service.create(actor, { description: 'one', expiresAt: IN_A_MONTH });
  await service.create(actor, { description: 'two', expiresAt: IN_A_MONTH });
  await assert.rejects(
    service.create(actor, { description: 'three', expiresAt: IN_A_MONTH }),
    (error) => error instanceof OperationDeniedError && /Too many PATs \(2\)/.test(error.message),
  );
  assert.equal(store.rows.length, 2);

  // One of the two runs out: there is room again.
  const [first] = store.rows;
  if (first) first.expiresAt = new Date(NOW.getTime() - 1);
  await service.create(actor, { description: 'three', expiresAt: IN_A_MONTH });
  assert.equal(store.rows.length, 3);
});

test('a description is unique per user: the second is NameExistsError and nothing is stored', async () => {
  const { service, store, actor } = setUp(10);
  await service.create(actor, { description: 'deploy', expiresAt: IN_A_MONTH });
  await assert.rejects(
    service.create(actor, { description: 'deploy', expiresAt: IN_A_MONTH }),
    NameExistsError,
  );
  assert.equal(store.rows.length, 1);

  // Another user may use the same description.
  store.owners.set(8, 'User');
  const other: Actor = { ...actor, user: { ...actor.user, id: 8 } };
  await service.create(other, { description: 'deploy', expiresAt: IN_A_MONTH });
  assert.equal(store.rows.length, 2);
});
