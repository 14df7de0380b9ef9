// The gateway endpoints over the real app and database: what a proxy sees for every kind of
// token, what the ask refuses, and that revocation, role change and user deletion show on
// the very next call.

import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, inDays, json, startHarness, type TestUser } from '../../helpers/harness.js';

const ENDPOINTS = [
  { name: 'auth-request', method: 'GET', url: '/api/authz/auth-request' },
  { name: 'forward-auth', method: 'GET', url: '/api/authz/forward-auth' },
  { name: 'forward-auth (POST)', method: 'POST', url: '/api/authz/forward-auth' },
  { name: 'ext-authz', method: 'DELETE', url: '/api/authz/ext-authz/orders/7?x=1' },
  { name: 'ext-authz (root)', method: 'GET', url: '/api/authz/ext-authz' },
] as const;
const UNKNOWN = 'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let h: Harness;
let admin: TestUser;

before(async () => {
  // A long TTL, so that the test that ages a cached entry finds it cached on a slow machine.
  h = await startHarness({ AUTH_CACHE_TTL_MS: '60000' });
  admin = await h.signedIn('Admin');
});
after(() => h.close());

async function tokenFor(cookie: string, body = {}): Promise<{ id: number; secret: string }> {
  const created = await h.createPat({ cookie }, body);
  assert.equal(created.statusCode, 201, created.body);
  return json<{ id: number; secret: string }>(created);
}

function call(
  endpoint: { method: string; url: string },
  authorization: string | undefined,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: endpoint.method as 'GET',
    url: endpoint.url,
    headers: { ...headers, ...(authorization !== undefined && { authorization }) },
  });
}

const AUTH_REQUEST = ENDPOINTS[0];
const FORWARD_AUTH = ENDPOINTS[1];

function assertRefused(response: LightMyRequestResponse, status: number, name: string) {
  assertError(response, status, name, { headers: { 'cache-control': 'no-store' } });
  assert.equal(response.headers['remote-user'], undefined);
  assert.equal(response.headers['x-unlatch-user-id'], undefined);
}

describe('a valid token', () => {
  for (const endpoint of ENDPOINTS) {
    test(`${endpoint.name}: 200, empty body, every identity header, no-store, never the token`, async () => {
      const user = await h.createUser('Editor');
      await h.db.query("UPDATE users SET email = $1, name = 'Zoë Gate' WHERE id = $2", [
        `${user.username}@example.com`,
        user.id,
      ]);
      const cookie = `unleash-session=${(await h.services.sessions.start(h.db, user)).id}`;
      const { id, secret } = await tokenFor(cookie);
      for (const authorization of [secret, `Bearer ${secret}`, `bearer   ${secret}`]) {
        const response = await call(endpoint, authorization);
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.body, '');
        assert.equal(response.headers['cache-control'], 'no-store');
        const expected = {
          'remote-user': user.username,
          'remote-email': `${user.username}@example.com`,
          'remote-name': 'Zo%C3%AB Gate',
          'remote-groups': 'Editor',
          'x-auth-request-user': user.username,
          'x-auth-request-email': `${user.username}@example.com`,
          'x-unlatch-user-id': String(user.id),
          'x-unlatch-token-id': String(id),
          'x-unlatch-scopes': '*',
          'x-unlatch-account-type': 'User',
        };
        for (const [name, value] of Object.entries(expected))
          assert.equal(response.headers[name], value, name);
        const all = JSON.stringify(response.headers);
        assert.ok(!all.includes(secret.slice(8, 30)), 'no selector');
        assert.ok(!all.includes(secret.slice(-43)), 'no secret');
      }
    });
  }

  test('HEAD and odd or missing original URLs and methods are still answered 200', async () => {
    const { secret } = await tokenFor(admin.cookie);
    const variants: Record<string, string>[] = [
      {},
      { 'x-original-url': '%zz/../../\u00ff', 'x-original-method': 'BREW' },
      { 'x-original-uri': '*', 'x-forwarded-uri': '//', 'x-forwarded-method': '' },
    ];
    for (const headers of variants) {
      for (const endpoint of [AUTH_REQUEST, FORWARD_AUTH]) {
        assert.equal((await call(endpoint, secret, headers)).statusCode, 200);
      }
    }
    const head = await call({ method: 'HEAD', url: '/api/authz/auth-request' }, secret);
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['remote-groups'], 'Admin');
  });

  test('ext-authz: any method, WebDAV ones included, and a body of any content-type is ignored', async () => {
    const { secret } = await tokenFor(admin.cookie);
    for (const method of ['PROPFIND', 'MKCOL', 'PATCH', 'OPTIONS', 'TRACE', 'PURGE']) {
      const response = await call({ method, url: '/api/authz/ext-authz/dav/x' }, secret);
      assert.equal(response.statusCode, 200, `${method}: ${response.body}`);
    }
    for (const [contentType, payload] of [
      ['application/json', '{not json'],
      ['application/json', ''],
      ['text/plain', 'hello'],
      ['application/octet-stream', '\u0000\u0001'],
    ]) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/authz/ext-authz/upload',
        headers: { authorization: secret, 'content-type': contentType as string },
        payload,
      });
      assert.equal(response.statusCode, 200, `${contentType}: ${response.body}`);
    }
  });

  test('the original request is logged at debug only, and never the token', async () => {
    const { secret } = await tokenFor(admin.cookie);
    const before = h.logLines.length;
    await call(AUTH_REQUEST, secret, {
      'x-original-url': 'https://shop.example/orders/secret-looking-path',
      'x-original-method': 'PUT',
    });
    const lines = h.logLines.slice(before).join('');
    assert.match(lines, /secret-looking-path/);
    const entries = h.logLines.slice(before).map(
      (line) =>
        JSON.parse(line) as {
          level: number;
          msg: string;
          originalMethod?: string;
          reqId?: string;
        },
    );
    const entry = entries.find((line) => line.msg === 'authz check');
    assert.equal(entry?.level, 20, 'debug');
    assert.equal(entry?.originalMethod, 'PUT');
    // No child logger per request: the lines name their request themselves, the same id.
    const requestLine = entries.find((line) => line.msg === 'request');
    assert.ok(entry?.reqId, 'the authz line names its request');
    assert.equal(requestLine?.reqId, entry?.reqId);
    assert.ok(!lines.includes(secret.slice(-43)));
    assert.ok(!lines.includes(secret.slice(8, 30)));
  });

  test('a use counts as seen (seenAt)', async () => {
    const { id, secret } = await tokenFor(admin.cookie);
    await call(FORWARD_AUTH, secret);
    await h.services.seenAt.flush();
    const [row] = await h.db.query<{ seen_at: Date | null }>(
      'SELECT seen_at FROM personal_access_tokens WHERE id = $1',
      [id],
    );
    assert.ok(row?.seen_at instanceof Date);
  });
});

describe('refusals', () => {
  for (const endpoint of ENDPOINTS) {
    test(`${endpoint.name}: no token is 401 with the bare challenge; garbage or unknown is 401 invalid_token`, async () => {
      const none = await call(endpoint, undefined);
      assertRefused(none, 401, 'AuthenticationRequired');
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="unlatch"');
      for (const bad of [' ', 'garbage', UNKNOWN, `Bearer ${UNKNOWN}`, 'Basic YWRtaW46YWRtaW4=']) {
        const response = await call(endpoint, bad);
        if (bad.trim() === '') {
          assertRefused(response, 401, 'AuthenticationRequired');
          continue;
        }
        assertRefused(response, 401, 'UnauthorizedError');
        assert.match(
          String(response.headers['www-authenticate']),
          /^Bearer realm="unlatch", error="invalid_token"/,
        );
      }
    });
  }

  test('a session cookie is not accepted, alone or beside nothing else', async () => {
    const response = await call(AUTH_REQUEST, undefined, { cookie: admin.cookie });
    assertRefused(response, 401, 'AuthenticationRequired');
  });

  test('expired, deleted, and owner deleted: 401 on the very next call; role change shows at once', async () => {
    const owner = await h.quickSignedIn('Editor');
    const [kept, deleted, expired] = [
      await tokenFor(owner.cookie),
      await tokenFor(owner.cookie),
      await tokenFor(owner.cookie),
    ];
    for (const t of [kept, deleted, expired])
      assert.equal((await call(FORWARD_AUTH, t.secret)).statusCode, 200, 'cached now');

    const removed = await h.request({
      method: 'DELETE',
      url: `/api/admin/user/tokens/${deleted.id}`,
      auth: { cookie: owner.cookie },
    });
    assert.equal(removed.statusCode, 200);
    assertRefused(await call(FORWARD_AUTH, deleted.secret), 401, 'UnauthorizedError');

    // Expiry is checked on every call against the cached expiry; here the row changes and the
    // cache forgets, as after a TTL.
    await h.db.query(
      "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1",
      [expired.id],
    );
    h.services.credentialCache.clear();
    assertRefused(await call(FORWARD_AUTH, expired.secret), 401, 'UnauthorizedError');

    const promote = await h.request({
      method: 'PUT',
      url: `/api/admin/user-admin/${owner.user.id}`,
      auth: { cookie: admin.cookie },
      body: { rootRole: 'Viewer' },
    });
    assert.equal(promote.statusCode, 200, promote.body);
    assert.equal((await call(FORWARD_AUTH, kept.secret)).headers['remote-groups'], 'Viewer');

    const gone = await h.request({
      method: 'DELETE',
      url: `/api/admin/user-admin/${owner.user.id}`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(gone.statusCode, 200, gone.body);
    assertRefused(await call(FORWARD_AUTH, kept.secret), 401, 'UnauthorizedError');
  });

  test('a token that expires while cached is refused on its next call', async () => {
    const { secret, id } = await tokenFor(admin.cookie, { expiresAt: inDays(1) });
    assert.equal((await call(AUTH_REQUEST, secret)).statusCode, 200);
    // Move the cached credential's expiry into the past: the cache is not re-read.
    const selector = secret.slice(8, 30);
    const cached = h.services.credentialCache.get(selector);
    assert.ok(cached && cached.tokenId === id);
    cached.expiresAt = new Date(Date.now() - 1);
    assertRefused(await call(AUTH_REQUEST, secret), 401, 'UnauthorizedError');
  });
});

describe('what the proxy asks for', () => {
  let secret: string;
  before(async () => {
    secret = (await tokenFor(admin.cookie)).secret;
  });

  test('resource, audience and ordinary scopes pass a token holding * (every token today)', async () => {
    for (const query of [
      'resource=orders',
      'audience=billing',
      'scope=orders:write',
      'scope=*:read orders:*',
      'scope=orders:read&scope=billing:write&resource=a&resource=b&audience=x&audience=y',
      'resource=orders&audience=billing&scope=x:read&rd=https://elsewhere',
    ]) {
      for (const method of ['GET', 'DELETE']) {
        const response = await call(
          { method: 'GET', url: `/api/authz/auth-request?${query}` },
          secret,
          { 'x-original-method': method },
        );
        assert.equal(response.statusCode, 200, `${query} ${method}: ${response.body}`);
      }
    }
  });

  test('a special right (not included in *) is refused: 403 insufficient_scope naming it', async () => {
    for (const endpoint of ENDPOINTS) {
      // Envoy sends its asks in a header: its URL's query string is the original request's.
      const isEnvoy = endpoint.url.startsWith('/api/authz/ext-authz');
      const url = isEnvoy ? endpoint.url : `${endpoint.url}?scope=deploy`;
      const response = await call(
        { method: endpoint.method, url },
        secret,
        isEnvoy ? { 'x-unlatch-ask': 'scope=deploy' } : {},
      );
      assertRefused(response, 403, 'PermissionError');
      const body = json<{ message: string; permissions: string[] }>(response);
      assert.match(body.message, /"deploy"/);
      assert.deepEqual(body.permissions, ['deploy']);
      assert.match(
        String(response.headers['www-authenticate']),
        /^Bearer realm="unlatch", error="insufficient_scope", scope="deploy"/,
      );
    }
  });

  // (inject resolves dot segments itself, as a WHATWG URL; the fuzzer sends them raw.)
  test('ext-authz: odd, long or malformed original paths are answered like any other', async () => {
    for (const path of [
      `/${'a'.repeat(3000)}`,
      '/%zz/%',
      '//x/../../y',
      '/%00/%ff',
      '?only=query',
      '/SIGNED?X-Amz-Signature=' + 'f'.repeat(600),
    ]) {
      const response = await call({ method: 'GET', url: `/api/authz/ext-authz${path}` }, secret);
      assert.equal(response.statusCode, 200, `${path.slice(0, 40)}: ${response.body}`);
      assertRefused(
        await call({ method: 'GET', url: `/api/authz/ext-authz${path}` }, undefined),
        401,
        'AuthenticationRequired',
      );
    }
    // Only the prefix itself, not a longer word that starts like it.
    const other = await call({ method: 'GET', url: '/api/authz/ext-authzzz' }, secret);
    assert.equal(other.statusCode, 404);
  });

  test("ext-authz: the original request's query string is never read as asks", async () => {
    for (const query of ['scope=deploy', 'scope=All%20Items!', 'resource=x&audience=%2F']) {
      const response = await call(
        { method: 'POST', url: `/api/authz/ext-authz/search?${query}` },
        secret,
      );
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
    }
    const asked = await call({ method: 'POST', url: '/api/authz/ext-authz/orders/1' }, secret, {
      'x-unlatch-ask': 'resource=orders&audience=billing',
    });
    assert.equal(asked.statusCode, 200, asked.body);
    const malformed = await call({ method: 'GET', url: '/api/authz/ext-authz/x' }, secret, {
      'x-unlatch-ask': 'scope=Bad!',
    });
    assertRefused(malformed, 400, 'ValidationError');
  });

  test('a malformed ask is a 400 listing every problem, before any token work', async () => {
    const response = await call(
      { method: 'GET', url: '/api/authz/forward-auth?scope=Orders:read&resource=a%2Fb&audience=' },
      undefined,
    );
    assertRefused(response, 400, 'ValidationError');
    assert.equal(json<{ details: unknown[] }>(response).details.length, 3);
  });
});

test('the failed-token limit: 429 with Retry-After; a valid cached token still passes', async () => {
  // A long TTL: the valid token must still be cached at the end, however slow the machine.
  const limited = await startHarness({
    AUTH_FAILURE_LIMIT_PER_MINUTE: '3',
    AUTH_CACHE_TTL_MS: '60000',
  });
  try {
    const { cookie } = await limited.quickSignedIn('Editor');
    const { secret } = json<{ secret: string }>(await limited.createPat({ cookie }));
    const ask = (authorization: string) =>
      limited.app.inject({
        method: 'GET',
        url: '/api/authz/forward-auth',
        headers: { authorization },
      });
    assert.equal((await ask(secret)).statusCode, 200);
    for (let i = 0; i < 3; i++) assert.equal((await ask(UNKNOWN)).statusCode, 401);
    const refused = await ask(UNKNOWN);
    assert.equal(refused.statusCode, 429, refused.body);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(json<{ name: string }>(refused).name, 'TooManyRequestsError');
    assert.equal((await ask(secret)).statusCode, 200);
  } finally {
    await limited.close();
  }
});
