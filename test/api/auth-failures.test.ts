// Unknown tokens must not let one client drive unbounded database load: failed token
// attempts are limited per client address, while a valid token keeps working.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTooMany } from '../helpers/assertions.js';
import { json, startHarness } from '../helpers/harness.js';

test('after the limit of failed token attempts: 429 with Retry-After in the error shape; a valid cached token still works', async () => {
  const h = await startHarness({ AUTH_FAILURE_LIMIT_PER_MINUTE: '5' });
  try {
    const { cookie } = await h.signedIn();
    const { secret } = json<{ secret: string }>(await h.createPat({ cookie }));
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: secret } }))
        .statusCode,
      200,
    );
    const bogus = 'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    for (let i = 0; i < 5; i++) {
      const response = await h.request({
        method: 'GET',
        url: '/api/admin/user',
        auth: { token: i % 2 ? bogus : 'garbage' },
      });
      assert.equal(response.statusCode, 401);
    }
    const refused = await h.request({
      method: 'GET',
      url: '/api/admin/user',
      auth: { token: bogus },
    });
    assertTooMany(refused, { details: 1 });
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: secret } }))
        .statusCode,
      200,
    );
  } finally {
    await h.close();
  }
});

test('honest mistakes stay far from the default limit', async () => {
  const h = await startHarness();
  try {
    assert.equal(h.config.authFailureLimitPerMinute, 300);
    for (let i = 0; i < 20; i++) {
      assert.equal(
        (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: 'typo' } }))
          .statusCode,
        401,
      );
    }
  } finally {
    await h.close();
  }
});

test('a deleted token is not served from the cache, and a re-created user state is read fresh', async () => {
  const h = await startHarness();
  try {
    const { cookie } = await h.signedIn();
    const created = json<{ id: number; secret: string }>(await h.createPat({ cookie }));
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (
          await h.request({
            method: 'GET',
            url: '/api/admin/user',
            auth: { token: created.secret },
          })
        ).statusCode,
        200,
      );
    }
    assert.ok(h.services.credentialCache.size >= 1, 'the token is cached');
    await h.request({
      method: 'DELETE',
      url: `/api/admin/user/tokens/${created.id}`,
      auth: { cookie },
    });
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: created.secret } }))
        .statusCode,
      401,
    );
  } finally {
    await h.close();
  }
});
