// Scopes and audiences on tokens, and Unlatch's own API scoped by resource (spec/scopes.md).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/assertions.js';
import { type Harness, inDays, json, startHarness } from '../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

interface Made {
  id: number;
  secret: string;
  scopes: string[];
  audiences: string[];
}

async function tokenWith(
  role: 'Admin' | 'Editor' | 'Viewer',
  grant: { scopes?: string[]; audiences?: string[] },
) {
  const owner = await h.quickSignedIn(role);
  const response = await h.createPat({ cookie: owner.cookie }, grant);
  assert.equal(response.statusCode, 201, response.body);
  return { owner, token: json<Made>(response) };
}

const tokensCount = async (userId: number) =>
  (await h.db.query('SELECT 1 FROM personal_access_tokens WHERE user_id = $1', [userId])).length;

describe('creating tokens with scopes and audiences', () => {
  test('kept as given (without repeats), returned after Unleash keys, stored, listed', async () => {
    const { owner, token } = await tokenWith('Editor', {
      scopes: ['orders:read', 'orders:read', 'introspect'],
      audiences: ['billing'],
    });
    assert.deepEqual(token.scopes, ['orders:read', 'introspect']);
    assert.deepEqual(token.audiences, ['billing']);
    const [row] = await h.db.query<{ scopes: string[]; audiences: string[] }>(
      'SELECT scopes, audiences FROM personal_access_tokens WHERE id = $1',
      [token.id],
    );
    assert.deepEqual(row, { scopes: ['orders:read', 'introspect'], audiences: ['billing'] });
    const list = json<{ pats: Made[] }>(
      await h.request({
        method: 'GET',
        url: '/api/admin/user/tokens',
        auth: { cookie: owner.cookie },
      }),
    );
    assert.deepEqual(list.pats[0]?.scopes, ['orders:read', 'introspect']);
  });

  test('a body without them is Unleash: everything, any audience', async () => {
    const { token } = await tokenWith('Viewer', {});
    assert.deepEqual(token.scopes, ['*']);
    assert.deepEqual(token.audiences, []);
  });

  test('400 BadDataError listing every problem; nothing is made', async () => {
    const owner = await h.quickSignedIn('Editor');
    const response = await h.createPat(
      { cookie: owner.cookie },
      { scopes: ['Orders:read', 'orders:delete'], audiences: ['ok', 'NOT ok'] },
    );
    const body = assertError(response, 400, 'BadDataError');
    assert.deepEqual(
      body.details.map((detail) => detail.path),
      ['/body/scopes/0', '/body/scopes/1', '/body/audiences/1'],
    );
    for (const bad of [
      { scopes: [] },
      { scopes: Array.from({ length: 51 }, (_, i) => `r${i}:read`) },
      { audiences: Array.from({ length: 21 }, (_, i) => `a${i}`) },
      { scopes: 'orders:read' },
      { scopes: [1] },
      { audiences: [null] },
      { scopes: ['x\u0000y'] },
    ]) {
      assertError(
        await h.request({
          method: 'POST',
          url: '/api/admin/user/tokens',
          auth: { cookie: owner.cookie },
          body: {
            description: `bad ${JSON.stringify(bad).slice(0, 40)}`,
            expiresAt: inDays(1),
            ...bad,
          },
        }),
        400,
        'BadDataError',
      );
    }
    assert.equal(await tokensCount(owner.user.id), 0);
  });
});

describe("Unlatch's own API, scoped by resource", () => {
  test("a read-only token lists its owner's tokens but cannot create or delete any", async () => {
    const { owner, token } = await tokenWith('Editor', { scopes: ['*:read'] });
    const auth = { token: token.secret };
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/user/tokens', auth })).statusCode,
      200,
    );
    const created = assertError(await h.createPat(auth), 403, 'PermissionError', /tokens:write/);
    assert.deepEqual((created as unknown as { permissions: string[] }).permissions, [
      'tokens:write',
    ]);
    assertError(
      await h.request({ method: 'DELETE', url: `/api/admin/user/tokens/${token.id}`, auth }),
      403,
      'PermissionError',
      /tokens:write/,
    );
    assertError(
      await h.request({ method: 'DELETE', url: '/api/admin/user/tokens/self', auth }),
      403,
      'PermissionError',
    );
    assert.equal(await tokensCount(owner.user.id), 1, 'nothing made, nothing deleted');
  });

  test('a token scoped to another resource gets 403 naming the missing scope', async () => {
    const { token } = await tokenWith('Admin', { scopes: ['events:read'] });
    const auth = { token: token.secret };
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/events', auth })).statusCode,
      200,
    );
    assertError(
      await h.request({ method: 'GET', url: '/api/admin/user/tokens', auth }),
      403,
      'PermissionError',
      /"tokens:read"/,
    );
    assertError(
      await h.request({ method: 'GET', url: '/api/admin/user-admin', auth }),
      403,
      'PermissionError',
      /"users:read"/,
    );
    assertError(
      await h.request({ method: 'GET', url: '/api/admin/service-account', auth }),
      403,
      'PermissionError',
      /"service-accounts:read"/,
    );
    // What the web page needs to draw itself is any token's; an unknown path is still 404.
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/ui-config', auth })).statusCode,
      200,
    );
    assertError(
      await h.request({ method: 'GET', url: '/api/admin/nowhere', auth }),
      404,
      'NotFoundError',
    );
  });

  test('a scope never lifts a role: a Viewer with users:write is still no Admin', async () => {
    const { token } = await tokenWith('Viewer', { scopes: ['users:write'] });
    assertError(
      await h.request({
        method: 'GET',
        url: '/api/admin/user-admin',
        auth: { token: token.secret },
      }),
      403,
      'PermissionError',
      /ADMIN/,
    );
  });

  test('a session is not limited by scopes', async () => {
    const admin = await h.quickSignedIn('Admin');
    for (const url of ['/api/admin/user/tokens', '/api/admin/events', '/api/admin/service-account'])
      assert.equal(
        (await h.request({ method: 'GET', url, auth: { cookie: admin.cookie } })).statusCode,
        200,
      );
  });

  test('scopes cannot be changed after creation: no route accepts it', async () => {
    const { owner, token } = await tokenWith('Editor', { scopes: ['*:read'] });
    for (const method of ['PUT', 'PATCH'] as const) {
      const response = await h.request({
        method,
        url: `/api/admin/user/tokens/${token.id}`,
        auth: { cookie: owner.cookie },
        body: { scopes: ['*'] },
      });
      assert.equal(response.statusCode, 404, response.body);
    }
    const [row] = await h.db.query<{ scopes: string[] }>(
      'SELECT scopes FROM personal_access_tokens WHERE id = $1',
      [token.id],
    );
    assert.deepEqual(row?.scopes, ['*:read']);
  });
});

describe('a token makes tokens holding no more than itself', () => {
  test("without scopes, the new token gets its maker's scopes and audiences", async () => {
    const { token } = await tokenWith('Editor', {
      scopes: ['tokens:write', 'orders:read'],
      audiences: ['shop'],
    });
    const child = await h.createPat({ token: token.secret });
    assert.equal(child.statusCode, 201, child.body);
    assert.deepEqual(json<Made>(child).scopes, ['tokens:write', 'orders:read']);
    assert.deepEqual(json<Made>(child).audiences, ['shop']);
  });

  test('asking for more is 403 OperationDeniedError, and nothing is made', async () => {
    const { owner, token } = await tokenWith('Admin', {
      scopes: ['tokens:write'],
      audiences: ['shop'],
    });
    const auth = { token: token.secret };
    for (const grant of [
      { scopes: ['*'], audiences: ['shop'] },
      { scopes: ['users:write'], audiences: ['shop'] },
      { scopes: ['tokens:write'], audiences: [] },
      { scopes: ['tokens:write'], audiences: ['other'] },
    ]) {
      assertError(await h.createPat(auth, grant), 403, 'OperationDeniedError');
    }
    assert.equal(await tokensCount(owner.user.id), 1);
    assert.equal(
      (await h.createPat(auth, { scopes: ['tokens:read'], audiences: ['shop'] })).statusCode,
      201,
    );
  });

  test("an Admin's narrow token cannot mint a full service-account token", async () => {
    const { token } = await tokenWith('Admin', { scopes: ['service-accounts:write'] });
    const auth = { token: token.secret };
    const account = await h.request({
      method: 'POST',
      url: '/api/admin/service-account',
      auth,
      body: { username: `bot-${process.pid}`, rootRole: 1 },
    });
    assert.equal(account.statusCode, 201, account.body);
    const id = json<{ id: number }>(account).id;
    const url = `/api/admin/service-account/${id}/token`;
    const body = (grant: object) => ({
      description: `t${JSON.stringify(grant)}`,
      expiresAt: inDays(1),
      ...grant,
    });
    assertError(
      await h.request({ method: 'POST', url, auth, body: body({ scopes: ['*'] }) }),
      403,
      'OperationDeniedError',
    );
    const narrow = await h.request({ method: 'POST', url, auth, body: body({}) });
    assert.equal(narrow.statusCode, 201, narrow.body);
    assert.deepEqual(json<Made>(narrow).scopes, ['service-accounts:write']);
  });
});
