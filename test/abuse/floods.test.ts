// Floods of bad tokens and bad logins, sent all at once as an attacker would rather than one
// after another: the limits hold (429 with Retry-After, in the error shape), the database
// sees no more than the limit allows, and valid users still get through.

import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { test } from 'node:test';
import { assertTooMany } from '../helpers/assertions.js';
import { json, PASSWORD, startHarness } from '../helpers/harness.js';

/** 429 in the error shape with Retry-After, and one detail saying why. */
function assertOneTooMany(response: LightMyRequestResponse) {
  assertTooMany(response, { details: 1 });
}

/** Well-formed tokens that exist nowhere: each one costs a database lookup to refute. */
function bogusToken(i: number): string {
  return `user:v2_${String(i).padStart(22, 'A')}_${'B'.repeat(43)}`;
}

test('a concurrent flood of unknown tokens: no more lookups than the limit, 429 for the rest, a valid token still works', async () => {
  const LIMIT = 20;
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT) });
  try {
    const { cookie } = await h.quickSignedIn();
    const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
    const me = { method: 'GET', url: '/api/admin/user', auth: { token: secret } } as const;
    assert.equal((await h.request(me)).statusCode, 200, 'the valid token, used once');
    // Count what the flood makes the database do.
    let lookups = 0;
    const store = h.services.patAuthenticator as unknown as {
      store: { findCredential: (selector: string) => Promise<unknown> };
    };
    const find = store.store.findCredential.bind(store.store);
    store.store.findCredential = (selector: string) => {
      lookups++;
      return find(selector);
    };
    const flood = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        h.request({ method: 'GET', url: '/api/admin/user', auth: { token: bogusToken(i) } }),
      ),
    );
    const counts = new Map<number, number>();
    for (const r of flood) counts.set(r.statusCode, (counts.get(r.statusCode) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [401, 429], JSON.stringify([...counts]));
    assert.ok((counts.get(401) ?? 0) <= LIMIT, `${counts.get(401)} refuted, limit ${LIMIT}`);
    assert.ok(lookups <= LIMIT, `${lookups} database lookups for a limit of ${LIMIT}`);
    assertOneTooMany(flood.find((r) => r.statusCode === 429) as LightMyRequestResponse);
    // The valid token, already proven, is served from memory: it still works from here.
    assert.equal((await h.request(me)).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('a valid token does not use up its address: after success, failures are counted as before', async () => {
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: '3' });
  try {
    const { cookie } = await h.quickSignedIn();
    const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
    for (let i = 0; i < 10; i++) {
      const ok = await h.request({
        method: 'GET',
        url: '/api/admin/user',
        auth: { token: secret },
      });
      assert.equal(ok.statusCode, 200);
    }
    for (let i = 0; i < 3; i++) {
      const bad = await h.request({
        method: 'GET',
        url: '/api/admin/user',
        auth: { token: bogusToken(i) },
      });
      assert.equal(bad.statusCode, 401, `failure ${i + 1} of 3 is still within the limit`);
    }
    assertOneTooMany(
      await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: bogusToken(9) } }),
    );
  } finally {
    await h.close();
  }
});

test('a concurrent flood of bad logins from one address is held at the login limit; other addresses and X-Forwarded-For games change nothing', async () => {
  // The harness raises the login limit for other tests; this test sets it back to the default.
  const h = await startHarness({ LOGIN_RATE_LIMIT_PER_MINUTE: '10' });
  try {
    const user = await h.createUser('Editor');
    const login = (password: string, remoteAddress: string, headers: Record<string, string> = {}) =>
      h.app.inject({
        method: 'POST',
        url: '/auth/simple/login',
        remoteAddress,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ username: user.username, password }),
      });
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        // A spoofed X-Forwarded-For must not buy new attempts (trustProxy is off by default).
        login(`wrong ${i}`, '203.0.113.7', { 'x-forwarded-for': `198.51.100.${i}` }),
      ),
    );
    const refused = flood.filter((r) => r.statusCode === 429);
    const checked = flood.filter((r) => r.statusCode === 401);
    assert.equal(checked.length, 10, 'exactly the limit of attempts had their password checked');
    assert.equal(refused.length, 30);
    assertOneTooMany(refused[0] as LightMyRequestResponse);
    // The right password from the flooded address waits like everyone there...
    assertOneTooMany(await login(PASSWORD, '203.0.113.7'));
    // ...while the same user from another address gets in.
    assert.equal((await login(PASSWORD, '203.0.113.8')).statusCode, 200);
  } finally {
    await h.close();
  }
});
