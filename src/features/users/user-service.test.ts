// UserService's rules on fake stores (milliseconds, no database): the last Admin cannot be
// deleted or demoted, and the password policy. test/api covers them on real databases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLI_ACTOR } from '../../core/actor.js';
import { BadDataError, NameExistsError, OperationDeniedError } from '../../core/errors.js';
import { fakeTransactional } from '../../db/fake-db.js';
import { FakeUserStore } from './fake-user-store.js';
import { UserService } from './user-service.js';

const STRONG = 'Correct-Horse-7-battery';

function setUp() {
  const users = new FakeUserStore();
  const deletedCredentials: number[] = [];
  const service = new UserService({
    transactional: fakeTransactional({
      users,
      sessions: { deleteForUser: async (id) => void deletedCredentials.push(id) },
      pats: { deleteForUser: async (id) => void deletedCredentials.push(id) },
      audit: { record: async () => {} },
      credentials: { assertLive: async () => {} },
      revocations: { announce: async () => {} },
    }),
    users,
    revocations: { apply: () => {} },
    // The real hasher is deliberately slow; the rules do not depend on the hash.
    hasher: { hash: async (password) => `hashed:${password}` },
  });
  return { service, users, deletedCredentials };
}

test('the last Admin can be neither deleted nor demoted; with a second Admin both work', async () => {
  const { service, users } = setUp();
  const admin = await service.create(CLI_ACTOR, { username: 'admin', rootRole: 'Admin' });
  await service.create(CLI_ACTOR, { username: 'viewer', rootRole: 'Viewer' });

  await assert.rejects(service.delete(CLI_ACTOR, admin.id), OperationDeniedError);
  await assert.rejects(
    service.update(CLI_ACTOR, admin.id, { rootRole: 'Editor' }),
    OperationDeniedError,
  );
  assert.equal((await users.findLive(admin.id, 'User'))?.rootRole, 'Admin');

  // Renaming the last Admin is not demoting them.
  await service.update(CLI_ACTOR, admin.id, { name: 'Root' });

  const second = await service.create(CLI_ACTOR, { username: 'second', rootRole: 'Admin' });
  await service.update(CLI_ACTOR, admin.id, { rootRole: 'Editor' });
  await assert.rejects(service.delete(CLI_ACTOR, second.id), OperationDeniedError);
  await service.update(CLI_ACTOR, admin.id, { rootRole: 'Admin' });
  await service.delete(CLI_ACTOR, second.id);
  assert.equal(await users.findLive(second.id, 'User'), undefined);
});

test('a weak password is refused with every missing part listed, before anything is stored', async () => {
  const { service, users } = setUp();
  await assert.rejects(
    service.create(CLI_ACTOR, { username: 'weak', password: 'short', rootRole: 'Viewer' }),
    (error) =>
      error instanceof BadDataError &&
      error.name === 'OwaspValidationError' &&
      (error.details?.length ?? 0) > 1,
  );
  assert.equal(users.rows.length, 0);

  const user = await service.create(CLI_ACTOR, { username: 'u', rootRole: 'Viewer' });
  await assert.rejects(service.changePassword(CLI_ACTOR, user.id, 'password'), BadDataError);
  assert.equal(users.rows[0]?.passwordHash, null);
});

test("a new password is stored hashed and ends the user's sessions and tokens", async () => {
  const { service, users, deletedCredentials } = setUp();
  const user = await service.create(CLI_ACTOR, { username: 'u', rootRole: 'Viewer' });
  await service.changePassword(CLI_ACTOR, user.id, STRONG);
  assert.equal(users.rows[0]?.passwordHash, `hashed:${STRONG}`);
  assert.deepEqual(deletedCredentials, [user.id, user.id]);
});

test('usernames are unique: the second is NameExistsError', async () => {
  const { service } = setUp();
  await service.create(CLI_ACTOR, { username: 'same', rootRole: 'Viewer' });
  await assert.rejects(
    service.create(CLI_ACTOR, { username: 'same', rootRole: 'Viewer' }),
    NameExistsError,
  );
});
