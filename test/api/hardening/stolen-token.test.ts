// Issue 9, "account takeover and stale credentials": a leaked token must stay a token. It
// cannot set its owner's password (which would let its holder log in), and a request
// authenticated just before a password change cannot complete after it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hashPassword } from '../../../src/features/users/password.js';
import { assertError } from '../../helpers/assertions.js';
import { dbKind, type Harness, json, PASSWORD, startHarness } from '../../helpers/harness.js';

const NEW_PASSWORD = 'Brand-new-Passw0rd!';
const DENIED = /needs a signed-in session/;

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

async function credentialsOf(userId: number) {
  const [row] = await h.db.query<{ hash: string; sessions: number; tokens: number }>(
    `SELECT password_hash AS hash,
       (SELECT count(*)::int FROM sessions WHERE user_id = $1) AS sessions,
       (SELECT count(*)::int FROM personal_access_tokens WHERE user_id = $1) AS tokens
     FROM users WHERE id = $1`,
    [userId],
  );
  assert.ok(row);
  return row;
}

async function waitUntil(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a token cannot change its own password, raw or Bearer: 403, and nothing changes', async () => {
  const { user, cookie } = await h.signedIn('Editor');
  const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
  const before = await credentialsOf(user.id);
  for (const token of [secret, `Bearer ${secret}`]) {
    const response = await h.request({
      method: 'POST',
      url: '/api/admin/user/change-password',
      auth: { token },
      body: { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
    });
    assertError(response, 403, 'OperationDeniedError', DENIED);
  }
  // Refused before the body is read: a token learns nothing about validation either.
  assertError(
    await h.request({
      method: 'POST',
      url: '/api/admin/user/change-password',
      auth: { token: secret },
      body: 'not json',
      headers: { 'content-type': 'text/plain' },
    }),
    403,
    'OperationDeniedError',
    DENIED,
  );
  assert.deepEqual(await credentialsOf(user.id), before, 'hash, sessions and tokens unchanged');
  const login = await h.request({
    method: 'POST',
    url: '/auth/simple/login',
    body: { username: user.username, password: NEW_PASSWORD },
  });
  assertError(login, 401, 'PasswordMismatch');
});

test("an Admin's token cannot set the Admin's own password through user-admin either", async () => {
  const { user, cookie } = await h.signedIn('Admin');
  const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
  const before = await credentialsOf(user.id);
  const response = await h.request({
    method: 'POST',
    url: `/api/admin/user-admin/${user.id}/change-password`,
    auth: { token: secret },
    body: { password: NEW_PASSWORD },
  });
  assertError(response, 403, 'OperationDeniedError', DENIED);
  assert.deepEqual(await credentialsOf(user.id), before);
});

test("an Admin's token may still set another user's password (automation), and a session its own", async () => {
  const admin = await h.signedIn('Admin');
  const { secret } = json<{ secret: string }>(await h.createPat({ cookie: admin.cookie }));
  const other = await h.createUser('Viewer');
  const set = await h.request({
    method: 'POST',
    url: `/api/admin/user-admin/${other.id}/change-password`,
    auth: { token: secret },
    body: { password: NEW_PASSWORD },
  });
  assert.equal(set.statusCode, 200, set.body);
  const own = await h.request({
    method: 'POST',
    url: '/api/admin/user/change-password',
    auth: { cookie: admin.cookie },
    body: { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
  });
  assert.equal(own.statusCode, 200, own.body);
});

test('tokens cannot create sessions: login ignores Authorization, and a token is no password', async () => {
  const { user, cookie } = await h.signedIn('Editor');
  const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
  const noBody = await h.request({
    method: 'POST',
    url: '/auth/simple/login',
    auth: { token: secret },
  });
  assertError(noBody, 415, 'ContentTypeError');
  for (const password of [secret, `Bearer ${secret}`]) {
    const response = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      auth: { token: secret },
      body: { username: user.username, password },
    });
    assertError(response, 401, 'PasswordMismatch');
    assert.equal(response.headers['set-cookie'], undefined, 'no session cookie');
  }
});

test('a login whose password changes while it is being checked gets no session', async () => {
  // One hash at a time, so the test can see when the login's check is under way.
  const hx = await startHarness({ PASSWORD_HASH_CONCURRENCY: '1' });
  try {
    const user = await hx.createUser('Editor');
    const otherHash = await hashPassword(NEW_PASSWORD);
    const login = hx.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: user.username, password: PASSWORD },
    });
    await waitUntil(() => hx.services.hasher.state.running === 1, 'the login is hashing');
    // Another instance (or an Admin here) sets a new password while the old one is checked.
    await hx.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, otherHash]);
    assertError(await login, 401, 'PasswordMismatch');
    const [row] = await hx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1',
      [user.id],
    );
    assert.equal(row?.n, 0, 'no session was started with the old password');
  } finally {
    await hx.close();
  }
});

for (const via of ['token', 'session'] as const) {
  test(
    `a token create that waited on a password change does not mint a token (${via})`,
    {
      skip:
        dbKind !== 'postgres' &&
        'PGlite runs one transaction at a time: a create cannot wait inside a password change',
    },
    async () => {
      const owner = await h.quickSignedIn('Editor');
      const { secret } = json<{ secret: string }>(await h.createPat({ cookie: owner.cookie }));
      const auth = via === 'token' ? { token: secret } : { cookie: owner.cookie };
      // Authenticated now, so the create below passes authentication before the change lands.
      assert.equal(
        (await h.request({ method: 'GET', url: '/api/admin/user', auth })).statusCode,
        200,
      );

      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      let changing = () => {};
      const changeStarted = new Promise<void>((resolve) => (changing = resolve));
      // What a password change does, held open: the owner's row locked, credentials deleted.
      const change = h.db.transaction(async (tx) => {
        await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [owner.user.id]);
        await tx.query('DELETE FROM personal_access_tokens WHERE user_id = $1', [owner.user.id]);
        await tx.query('DELETE FROM sessions WHERE user_id = $1', [owner.user.id]);
        changing();
        await released;
      });
      await changeStarted;
      const create = h.createPat(auth);
      try {
        await waitUntil(async () => {
          const [row] = await h.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return (row?.n ?? 0) > 0;
        }, 'the create waits on the owner row');
      } finally {
        release();
        await change;
      }
      assertError(await create, 401, 'UnauthorizedError');
      const after = await credentialsOf(owner.user.id);
      assert.equal(after.tokens, 0, 'no token was minted for a credential that is gone');
    },
  );
}
