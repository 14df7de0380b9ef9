// Hostile input that is still valid input: SQL metacharacters and unusual unicode in every
// stored field come back exactly as sent (parameterised SQL, no normalisation); headers and
// bodies over the limits are refused in the error shape.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { assertError } from '../helpers/assertions.js';
import { type Harness, inDays, json, PASSWORD, startHarness } from '../helpers/harness.js';
import { isResponse, rawRequest } from '../helpers/raw-http.js';

const HOSTILE = [
  "'; DROP TABLE personal_access_tokens; --",
  'Robert"); DROP TABLE users;--',
  "' OR '1'='1",
  '\\\\ \\x00 \\n $1 $$ %_ %% ? :name @var',
  '/* comment */ SELECT pg_sleep(10)',
  'e\u0301 vs \u00e9', // decomposed and composed: both kept as sent
  '\u202eevil\u202c right-to-left override',
  'zero\u200bwidth\ufeffbom',
  '😀👩‍👩‍👧 emoji and ZWJ',
  '𝔘𝔫𝔩𝔞𝔱𝔠𝔥 astral',
  'tab\tnew\nline\r\ncarriage',
  '日本語のトークン',
  'x'.repeat(5000),
];

let h: Harness;
before(async () => {
  h = await startHarness({ PAT_LIMIT: '50' });
});
after(() => h.close());

test('token descriptions with SQL metacharacters and unicode are stored and returned verbatim', async () => {
  const owner = await h.quickSignedIn('Editor');
  for (const description of HOSTILE) {
    const created = await h.createPat({ cookie: owner.cookie }, { description });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(json<{ description: string }>(created).description, description);
  }
  const { pats } = json<{ pats: { description: string }[] }>(
    await h.request({
      method: 'GET',
      url: '/api/admin/user/tokens',
      auth: { cookie: owner.cookie },
    }),
  );
  assert.deepEqual(
    pats.map((p) => p.description),
    HOSTILE,
  );
  const rows = await h.db.query<{ description: string }>(
    'SELECT description FROM personal_access_tokens WHERE user_id = $1 ORDER BY id',
    [owner.user.id],
  );
  assert.deepEqual(
    rows.map((r) => r.description),
    HOSTILE,
    'the database holds exactly what was sent',
  );
  const cookie = (await h.quickSignedIn('Editor')).cookie;
  // Uniqueness is on the exact text: the composed and decomposed forms are two descriptions.
  assert.equal((await h.createPat({ cookie }, { description: '\u00e9' })).statusCode, 201);
  assert.equal((await h.createPat({ cookie }, { description: 'e\u0301' })).statusCode, 201);
  assert.equal((await h.createPat({ cookie }, { description: '\u00e9' })).statusCode, 409);
});

test('usernames, names and emails with SQL metacharacters and unicode are stored verbatim and work for login', async () => {
  const admin = await h.quickSignedIn('Admin');
  const cases = [
    { username: "o'brien; DROP TABLE users; --", name: 'Robert"); DROP TABLE users;--' },
    { username: 'ünïcødé_用户_😀', name: 'e\u0301\u202e\u200b 𝔘' },
    { username: "' OR '1'='1", name: '%_$1\\' },
    { email: "o'brien+%_$1@example.com", name: 'tab\tnew\nline' },
  ];
  for (const fields of cases) {
    const created = await h.request({
      method: 'POST',
      url: '/api/admin/user-admin',
      auth: { cookie: admin.cookie },
      body: { ...fields, password: PASSWORD + '1A!', rootRole: 'Viewer' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = json<{ id: number; username?: string; email?: string; name?: string }>(created);
    for (const [key, value] of Object.entries(fields)) {
      assert.equal(body[key as keyof typeof body], value, `${key} echoed verbatim`);
    }
    const fetched = json<Record<string, unknown>>(
      await h.request({
        method: 'GET',
        url: `/api/admin/user-admin/${body.id}`,
        auth: { cookie: admin.cookie },
      }),
    );
    const [row] = await h.db.query<Record<string, unknown>>(
      'SELECT username, email, name FROM users WHERE id = $1',
      [body.id],
    );
    for (const [key, value] of Object.entries(fields)) {
      assert.equal(fetched[key], value, `${key} read back verbatim`);
      assert.equal(row?.[key], value, `${key} stored verbatim`);
    }
    const login = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: fields.username ?? fields.email, password: PASSWORD + '1A!' },
    });
    assert.equal(login.statusCode, 200, `log in as ${fields.username ?? fields.email}`);
  }
  // The near-miss of an injection is just a wrong name.
  const miss = await h.request({
    method: 'POST',
    url: '/auth/simple/login',
    body: { username: "' OR '1'='1' --", password: PASSWORD + '1A!' },
  });
  assert.equal(miss.statusCode, 401);
});

test('headers over the limit: 431 in the error shape, and the server goes on serving', async () => {
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (h.app.server.address() as AddressInfo).port;
  for (const header of [
    `Authorization: ${'x'.repeat(20_000)}`,
    `Cookie: unleash-session=${'A'.repeat(20_000)}`,
    Array.from({ length: 400 }, (_, i) => `X-Many-${i}: ${'v'.repeat(60)}`).join('\r\n'),
  ]) {
    const outcome = await rawRequest(
      port,
      `GET /api/admin/user HTTP/1.1\r\nHost: x\r\n${header}\r\nConnection: close\r\n\r\n`,
    );
    assert.ok(isResponse(outcome), JSON.stringify(outcome));
    assertError(outcome, 431, 'HeadersTooLargeError', {
      details: 1,
      headers: { 'x-content-type-options': 'nosniff' },
    });
  }
  const after = await rawRequest(
    port,
    'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  );
  assert.ok(isResponse(after) && after.status === 200);
});

test('bodies over 100 kB on every JSON route: 413 in the error shape', async () => {
  const admin = await h.quickSignedIn('Admin');
  const big = JSON.stringify({ description: 'd'.repeat(101 * 1024), expiresAt: inDays(1) });
  for (const url of [
    '/api/admin/user/tokens',
    '/auth/simple/login',
    '/api/admin/user-admin',
    `/api/admin/user-admin/${admin.user.id}/change-password`,
    '/api/admin/user/change-password',
  ]) {
    const response = await h.request({
      method: 'POST',
      url,
      auth: { cookie: admin.cookie },
      body: big,
    });
    assert.equal(response.statusCode, 413, `${url}: ${response.body}`);
    assertError(response, 413, 'ContentTooLargeError');
  }
});

test('deeply nested JSON bodies are a 400, not a 500 (regression: the validation message stringified them and overflowed the stack)', async () => {
  const admin = await h.quickSignedIn('Admin');
  const nestedArray = `[${'['.repeat(5000)}${']'.repeat(5000)}]`;
  const nestedField = `{"password":${'['.repeat(5000)}${']'.repeat(5000)},"rootRole":"Viewer"}`;
  for (const [url, body] of [
    ['/auth/simple/login', nestedArray],
    ['/api/admin/user/tokens', nestedArray],
    ['/api/admin/user-admin', nestedField],
    [
      '/api/admin/user-admin',
      `{"name":${'['.repeat(5000)}${']'.repeat(5000)},"rootRole":"Viewer"}`,
    ],
  ] as const) {
    const response = await h.request({ method: 'POST', url, auth: { cookie: admin.cookie }, body });
    assert.equal(response.statusCode, 400, `${url}: ${response.body.slice(0, 200)}`);
    assert.equal(json<{ name: string }>(response).name, 'BadDataError');
  }
});
