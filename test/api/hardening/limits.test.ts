// Issue 9, "limits that stop attackers, not users": only failures spend an address's
// budget, a token or session that verified recently keeps working through a flood from its
// address, refused cross-site logins spend nothing, session-cookie misses are counted, and
// password hashing is capped per user and overall.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { assertError, assertTooMany, bogusToken } from '../../helpers/assertions.js';
import { json, PASSWORD, startHarness } from '../../helpers/harness.js';

const me = (auth: { token: string } | { cookie: string }) =>
  ({ method: 'GET', url: '/api/admin/user', auth }) as const;

test('a token verified recently keeps working after a flood of garbage from its address', async () => {
  // TTL 0: nothing is served from the credential cache, every use reads the database.
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: '5', AUTH_CACHE_TTL_MS: '0' });
  try {
    const { cookie } = await h.quickSignedIn();
    const proven = json<{ secret: string }>(await h.createPat({ cookie })).secret;
    const fresh = json<{ secret: string }>(await h.createPat({ cookie })).secret;
    assert.equal((await h.request(me({ token: proven }))).statusCode, 200);
    for (let i = 0; i < 5; i++) {
      assert.equal((await h.request(me({ token: bogusToken(i) }))).statusCode, 401);
    }
    assertTooMany(await h.request(me({ token: bogusToken(99) })));
    // The proven token is still looked up and verified, however often its address failed...
    assert.equal((await h.request(me({ token: proven }))).statusCode, 200);
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => h.request(me({ token: proven }))),
    );
    assert.deepEqual(
      burst.map((r) => r.statusCode),
      Array(20).fill(200),
    );
    // ...while a token never seen from here waits like garbage: it cannot be told apart
    // from garbage without the lookup the limit exists to bound.
    assertTooMany(await h.request(me({ token: fresh })));
  } finally {
    await h.close();
  }
});

test('valid tokens never spend the budget: many uses, then the full allowance of failures', async () => {
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: '3', AUTH_CACHE_TTL_MS: '0' });
  try {
    const { cookie } = await h.quickSignedIn();
    const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
    assert.equal((await h.request(me({ token: secret }))).statusCode, 200);
    const uses = await Promise.all(
      Array.from({ length: 30 }, () => h.request(me({ token: secret }))),
    );
    assert.ok(uses.every((r) => r.statusCode === 200));
    for (let i = 0; i < 3; i++) {
      assert.equal((await h.request(me({ token: bogusToken(i) }))).statusCode, 401);
    }
    assertTooMany(await h.request(me({ token: bogusToken(9) })));
  } finally {
    await h.close();
  }
});

test('session-cookie misses are counted: a flood is held at the limit, a live session keeps working', async () => {
  const LIMIT = 5;
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT) });
  try {
    const live = await h.quickSignedIn();
    assert.equal((await h.request(me({ cookie: live.cookie }))).statusCode, 200);
    let lookups = 0;
    const store = h.services.sessions as unknown as {
      store: { findUser: (...args: unknown[]) => Promise<unknown> };
    };
    const findUser = store.store.findUser.bind(store.store);
    store.store.findUser = (...args: unknown[]) => {
      lookups++;
      return findUser(...args);
    };
    const flood = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.request(me({ cookie: `unleash-session=${randomBytes(32).toString('base64url')}` })),
      ),
    );
    const statuses = new Map<number, number>();
    for (const r of flood) statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
    assert.deepEqual([...statuses.keys()].sort(), [401, 429], JSON.stringify([...statuses]));
    assert.ok(lookups <= LIMIT, `${lookups} session lookups for a limit of ${LIMIT}`);
    assertTooMany(flood.find((r) => r.statusCode === 429) as (typeof flood)[number]);
    // The live session is vouched for: it is still read and accepted.
    assert.equal((await h.request(me({ cookie: live.cookie }))).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('cross-site login attempts are refused before they spend the login budget', async () => {
  const h = await startHarness({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  try {
    const user = await h.createUser('Editor');
    const login = (headers: Record<string, string>) =>
      h.request({
        method: 'POST',
        url: '/auth/simple/login',
        body: { username: user.username, password: PASSWORD },
        headers,
      });
    for (let i = 0; i < 10; i++) {
      assertError(await login({ 'sec-fetch-site': 'cross-site' }), 403, 'OperationDeniedError');
    }
    const ok = await login({ 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.statusCode, 200, ok.body);
  } finally {
    await h.close();
  }
});

test('password changes are limited per user (429), not per address', async () => {
  const h = await startHarness({ PASSWORD_CHANGE_RATE_LIMIT_PER_MINUTE: '2' });
  try {
    const viewer = await h.quickSignedIn('Viewer');
    const change = (cookie: string, i: number) =>
      h.request({
        method: 'POST',
        url: '/api/admin/user/change-password',
        auth: { cookie },
        body: { password: `Changed-${i}-Passw0rd!`, confirmPassword: `Changed-${i}-Passw0rd!` },
      });
    assert.equal((await change(viewer.cookie, 1)).statusCode, 200);
    assert.equal((await change(viewer.cookie, 2)).statusCode, 200);
    const refused = await change(viewer.cookie, 3);
    assertTooMany(refused);
    assert.match(json<{ message: string }>(refused).message, /password changes from your account/);
    // Someone else, from the same address, is not affected.
    const other = await h.quickSignedIn('Viewer');
    assert.equal((await change(other.cookie, 4)).statusCode, 200);
    // Admins setting others' passwords count against the Admin.
    const admin = await h.quickSignedIn('Admin');
    for (const expected of [200, 200, 429]) {
      const response = await h.request({
        method: 'POST',
        url: `/api/admin/user-admin/${other.user.id}/change-password`,
        auth: { cookie: admin.cookie },
        body: { password: 'Admin-set-Passw0rd!' },
      });
      assert.equal(response.statusCode, expected, response.body);
    }
  } finally {
    await h.close();
  }
});

test('password hashing is bounded: beyond the queue, 503 with Retry-After at once, never a 500', async () => {
  const h = await startHarness({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE_MAX: '1' });
  try {
    const user = await h.createUser('Editor');
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.request({
          method: 'POST',
          url: '/auth/simple/login',
          body: { username: user.username, password: PASSWORD },
        }),
      ),
    );
    const statuses = attempts.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 200, 503, 503, 503, 503]);
    for (const refused of attempts.filter((r) => r.statusCode === 503)) {
      assertError(refused, 503, 'ServiceUnavailableError', /password checks are waiting/);
      assert.equal(refused.headers['retry-after'], '2');
    }
    assert.deepEqual(h.services.hasher.state, { running: 0, waiting: 0 });
  } finally {
    await h.close();
  }
});

test('a wrong secret for a real selector is never cached: only verified credentials are', async () => {
  const h = await startHarness();
  try {
    const { cookie } = await h.quickSignedIn();
    const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
    h.services.credentialCache.clear();
    const last = secret.at(-1) === 'A' ? 'B' : 'A';
    const forged = `${secret.slice(0, -1)}${last}`;
    assertError(await h.request(me({ token: forged })), 401, 'UnauthorizedError');
    assert.equal(h.services.credentialCache.size, 0, 'nothing cached for a forged secret');
    assert.equal((await h.request(me({ token: secret }))).statusCode, 200);
    assert.equal(h.services.credentialCache.size, 1);
  } finally {
    await h.close();
  }
});

test('a stale session cookie sent along with a valid token spends nothing and never gets 429', async () => {
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: '3' });
  try {
    const { cookie } = await h.quickSignedIn();
    const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
    const stale = `unleash-session=${randomBytes(32).toString('base64url')}`;
    const both = () =>
      h.request({
        method: 'GET',
        url: '/api/admin/user',
        headers: { cookie: stale, authorization: secret },
      });
    for (let i = 0; i < 10; i++) assert.equal((await both()).statusCode, 200);
    // The budget is untouched: the full allowance of failures is still there...
    for (let i = 0; i < 3; i++) {
      assert.equal((await h.request(me({ token: bogusToken(i) }))).statusCode, 401);
    }
    assertTooMany(await h.request(me({ token: bogusToken(9) })));
    // ...and once it is spent, the stale cookie is skipped, not refused: the token decides.
    assert.equal((await both()).statusCode, 200);
    assertTooMany(await h.request(me({ cookie: stale })));
  } finally {
    await h.close();
  }
});
