// RFC 7662 introspection over the real app: who may ask, the exact inactive answer (no
// oracle), the active answer's fields, content-types, and that a use counts as seen.

import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, test } from 'node:test';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, json, startHarness, type TestUser } from '../../helpers/harness.js';

const FORM = 'application/x-www-form-urlencoded';
const UNKNOWN = 'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let h: Harness;
let admin: TestUser;
let caller: string;

before(async () => {
  h = await startHarness();
  admin = await h.signedIn('Admin');
  caller = json<{ secret: string }>(await h.createPat({ cookie: admin.cookie })).secret;
});
after(() => h.close());

function introspect(
  body: string | undefined,
  // null: leave the header out (undefined would mean the default).
  authorization: string | null = `Bearer ${caller}`,
  contentType: string | null = FORM,
  extra: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/oauth/introspect',
    headers: {
      ...extra,
      ...(authorization !== null && { authorization }),
      ...(contentType !== null && { 'content-type': contentType }),
    },
    ...(body !== undefined && { payload: body }),
  });
}

const form = (token: string) => `token=${encodeURIComponent(token)}&token_type_hint=access_token`;

/** The error shape, never cached: a refusal must not be served again from a cache. */
function assertRefused(response: LightMyRequestResponse, status: number, name: string) {
  assertError(response, status, name, { headers: { 'cache-control': 'no-store' } });
}

test('an active token: every field of the contract, in seconds, no-store, seenAt counted', async () => {
  // An Editor: a Viewer's `*` reaches services as `*:read` (the scopes test below).
  const owner = await h.quickSignedIn('Editor');
  const expiresAt = '2031-05-06T07:08:09.000Z';
  const created = json<{ id: number; secret: string; createdAt: string }>(
    await h.createPat({ cookie: owner.cookie }, { expiresAt }),
  );
  const response = await introspect(form(created.secret));
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = json(response);
  assert.deepEqual(body, {
    active: true,
    scope: '*',
    client_id: String(created.id),
    username: owner.user.username,
    token_type: 'Bearer',
    exp: Date.parse(expiresAt) / 1000,
    iat: Math.floor(Date.parse(created.createdAt) / 1000),
    sub: String(owner.user.id),
    jti: String(created.id),
  });
  await h.services.seenAt.flush();
  const [row] = await h.db.query<{ seen_at: Date | null }>(
    'SELECT seen_at FROM personal_access_tokens WHERE id = $1',
    [created.id],
  );
  assert.ok(row?.seen_at instanceof Date, 'introspection counts as a use');
});

test('unknown, malformed, expired, deleted or owner-deleted: exactly {"active":false}', async () => {
  const owner = await h.quickSignedIn('Editor');
  const tokens = await Promise.all(
    [1, 2, 3].map(async () =>
      json<{ id: number; secret: string }>(await h.createPat({ cookie: owner.cookie })),
    ),
  );
  const [deleted, expired, orphaned] = tokens as [
    { id: number; secret: string },
    { id: number; secret: string },
    { id: number; secret: string },
  ];
  for (const t of tokens) assert.equal(json(await introspect(form(t.secret))).active, true);
  await h.request({
    method: 'DELETE',
    url: `/api/admin/user/tokens/${deleted.id}`,
    auth: { cookie: owner.cookie },
  });
  await h.db.query(
    "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1",
    [expired.id],
  );
  h.services.credentialCache.clear();
  const inactive = [
    UNKNOWN,
    'garbage',
    `Bearer ${orphaned.secret}`,
    deleted.secret,
    expired.secret,
  ];
  for (const token of inactive) {
    const response = await introspect(form(token));
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '{"active":false}', token.slice(0, 12));
    assert.equal(response.headers['cache-control'], 'no-store');
  }
  assert.equal(json(await introspect(form(orphaned.secret))).active, true);
  await h.request({
    method: 'DELETE',
    url: `/api/admin/user-admin/${owner.user.id}`,
    auth: { cookie: admin.cookie },
  });
  assert.equal((await introspect(form(orphaned.secret))).body, '{"active":false}');
});

test('the caller: none is 401, an invalid token 401 invalid_token, a session cookie is not enough', async () => {
  const none = await introspect(form(caller), null);
  assertRefused(none, 401, 'AuthenticationRequired');
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="unlatch"');
  const bad = await introspect(form(caller), `Bearer ${UNKNOWN}`);
  assertRefused(bad, 401, 'UnauthorizedError');
  assert.match(String(bad.headers['www-authenticate']), /error="invalid_token"/);
  assertRefused(
    await introspect(form(caller), null, FORM, { cookie: admin.cookie }),
    401,
    'AuthenticationRequired',
  );
});

test('an Editor or Viewer token (scopes *) may not introspect: 403 naming introspect', async () => {
  for (const role of ['Editor', 'Viewer'] as const) {
    const someone = await h.quickSignedIn(role);
    const theirs = json<{ secret: string }>(await h.createPat({ cookie: someone.cookie })).secret;
    const response = await introspect(form(caller), theirs);
    assertRefused(response, 403, 'PermissionError');
    assert.deepEqual(json<{ permissions: string[] }>(response).permissions, ['introspect']);
    assert.match(String(response.headers['www-authenticate']), /insufficient_scope/);
  }
});

test('only a form: JSON, other types and none are 415; no token field or two are 400', async () => {
  for (const [type, body] of [
    ['application/json', JSON.stringify({ token: caller })],
    ['text/plain', `token=${caller}`],
    ['multipart/form-data; boundary=x', '--x--'],
    [null, undefined],
  ] as const) {
    const response = await introspect(body, `Bearer ${caller}`, type);
    assertRefused(response, 415, 'ContentTypeError');
    assert.match(json<{ message: string }>(response).message, /x-www-form-urlencoded/);
  }
  for (const body of ['', 'token=', 'token_type_hint=x', `${form(caller)}&token=${caller}`]) {
    assertRefused(await introspect(body), 400, 'BadDataError');
  }
  const charset = await introspect(form(caller), `Bearer ${caller}`, `${FORM}; charset=UTF-8`);
  assert.equal(json(charset).active, true);
  assertRefused(await introspect(`token=${'x'.repeat(10_000)}`), 413, 'ContentTooLargeError');
});

test('client_secret_basic: the caller token as the form-urlencoded client secret of HTTP Basic', async () => {
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const active = await introspect(form(caller), basic('apache', caller));
  assert.equal(json(active).active, true, active.body);
  // Not form-encoded (a raw ':' in the secret) works too: only the first ':' splits.
  const raw = `Basic ${Buffer.from(`apache:${caller}`).toString('base64')}`;
  assert.equal(json(await introspect(form(caller), raw)).active, true);
  for (const bad of [
    basic('apache', UNKNOWN),
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    `Basic ${Buffer.from('apache:%zz').toString('base64')}`,
    'Basic !!!',
  ]) {
    const response = await introspect(form(caller), bad);
    assertRefused(response, 401, 'UnauthorizedError');
    assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
  }
  const editor = await h.quickSignedIn('Editor');
  const theirs = json<{ secret: string }>(await h.createPat({ cookie: editor.cookie })).secret;
  assertRefused(await introspect(form(caller), basic('x', theirs)), 403, 'PermissionError');
});

test('the gateway endpoints do not take Basic: it is for introspection callers only', async () => {
  const basic = `Basic ${Buffer.from(`apache:${caller}`).toString('base64')}`;
  const response = await h.app.inject({
    method: 'GET',
    url: '/api/authz/forward-auth',
    headers: { authorization: basic },
  });
  assertRefused(response, 401, 'UnauthorizedError');
});

test('scopes and audiences: scope is narrowed by the role, aud listed; a named introspect right may introspect', async () => {
  const viewer = await h.quickSignedIn('Viewer');
  const scoped = json<{ secret: string }>(
    await h.createPat(
      { cookie: viewer.cookie },
      { scopes: ['orders:write', 'introspect'], audiences: ['billing'] },
    ),
  ).secret;
  const response = await introspect(form(scoped));
  assert.equal(response.statusCode, 200, response.body);
  const body = json<{ scope: string; aud: string[] }>(response);
  // A Viewer only reads: orders:write reaches services as orders:read, `*` as `*:read`.
  assert.equal(body.scope, 'orders:read introspect');
  const full = json<{ secret: string }>(await h.createPat({ cookie: viewer.cookie })).secret;
  assert.equal(json<{ scope: string }>(await introspect(form(full))).scope, '*:read');
  assert.deepEqual(body.aud, ['billing']);
  // The Viewer's token names introspect: it may ask about others' tokens.
  const asked = await introspect(form(caller), scoped);
  assert.equal(asked.statusCode, 200, asked.body);
  assert.equal(json<{ active: boolean }>(asked).active, true);
  // An Admin's token narrowed to something else may not: `*` is what lets an Admin's.
  const narrowAdmin = json<{ secret: string }>(
    await h.createPat({ cookie: admin.cookie }, { scopes: ['tokens:read'] }),
  ).secret;
  assertRefused(await introspect(form(scoped), narrowAdmin), 403, 'PermissionError');
});
