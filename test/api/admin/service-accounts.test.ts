// /api/admin/service-account...: Unleash's service accounts (spec/scopes.md).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, inDays, json, type TestUser, startHarness } from '../../helpers/harness.js';

const BASE = '/api/admin/service-account';
let h: Harness;
let admin: TestUser;
let counter = 0;

before(async () => {
  h = await startHarness();
  admin = await h.quickSignedIn('Admin');
});
after(() => h.close());

interface Account {
  id: number;
  username: string;
  name?: string;
  rootRole: number;
  tokens?: Token[];
}
interface Token {
  id: number;
  secret: string;
  userId: number;
  scopes: string[];
  audiences: string[];
}

async function createAccount(body: Record<string, unknown> = {}): Promise<Account> {
  const response = await h.request({
    method: 'POST',
    url: BASE,
    auth: { cookie: admin.cookie },
    body: { username: `robot-${process.pid}-${++counter}`, rootRole: 2, ...body },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<Account>(response);
}

async function createToken(accountId: number, body: Record<string, unknown> = {}): Promise<Token> {
  const response = await h.request({
    method: 'POST',
    url: `${BASE}/${accountId}/token`,
    auth: { cookie: admin.cookie },
    body: { description: `t${++counter}`, expiresAt: inDays(30), ...body },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<Token>(response);
}

const whoAmI = (token: string) =>
  h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });

describe('service accounts', () => {
  test('create: 201 in Unleash key order, Location, event; role by id or name', async () => {
    const response = await h.request({
      method: 'POST',
      url: BASE,
      auth: { cookie: admin.cookie },
      body: { username: 'deployer-bot', name: 'Deployer', rootRole: 'Viewer' },
    });
    assert.equal(response.statusCode, 201, response.body);
    const account = json<Account & Record<string, unknown>>(response);
    assert.deepEqual(Object.keys(account), [
      'id',
      'name',
      'username',
      'imageUrl',
      'rootRole',
      'seenAt',
      'createdAt',
    ]);
    assert.equal(account.rootRole, 3);
    assert.equal(account.seenAt, null);
    assert.equal(response.headers.location, `${BASE}/${account.id}`);
    const events = await h.db.query<{ type: string; data: Record<string, unknown> }>(
      "SELECT type, data FROM events WHERE type = 'service-account-created' ORDER BY id DESC LIMIT 1",
    );
    assert.deepEqual(events[0]?.data, {
      id: account.id,
      username: 'deployer-bot',
      name: 'Deployer',
      rootRole: 'Viewer',
    });
  });

  test('create: bad input is a 400 naming the field; a taken username a 409', async () => {
    const post = (body: unknown) =>
      h.request({ method: 'POST', url: BASE, auth: { cookie: admin.cookie }, body });
    assertError(await post({ rootRole: 2 }), 400, 'BadDataError', /username/);
    assertError(await post({ username: '   ', rootRole: 2 }), 400, 'BadDataError');
    const noRole = assertError(await post({ username: 'x' }), 400, 'BadDataError');
    assert.ok(noRole.details.some((detail) => detail.path === '/body/rootRole'));
    assertError(await post({ username: 'x', rootRole: 9 }), 400, 'BadDataError');
    assertError(await post({ username: 'x\u0000y', rootRole: 2 }), 400, 'BadDataError');
    const taken = await createAccount();
    assertError(
      await post({ username: taken.username.toUpperCase(), rootRole: 2 }),
      409,
      'NameExistsError',
    );
    // A person's username is taken too: one name space for everything that has tokens.
    assertError(await post({ username: admin.user.username, rootRole: 2 }), 409, 'NameExistsError');
  });

  test('list: accounts with their tokens (never a secret) and the root roles; people are not listed', async () => {
    const account = await createAccount({ name: 'Lister' });
    const token = await createToken(account.id);
    const response = await h.request({ method: 'GET', url: BASE, auth: { cookie: admin.cookie } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = json<{ serviceAccounts: Account[]; rootRoles: { id: number; name: string }[] }>(
      response,
    );
    const listed = body.serviceAccounts.find((candidate) => candidate.id === account.id);
    assert.deepEqual(
      listed?.tokens?.map((t) => t.id),
      [token.id],
    );
    assert.ok(!body.serviceAccounts.some((candidate) => candidate.id === admin.user.id));
    assert.deepEqual(
      body.rootRoles.map((role) => role.id),
      [1, 2, 3],
    );
    assert.ok(!response.body.includes(token.secret.slice(-43)));
  });

  test('user-admin neither lists nor changes service accounts', async () => {
    const account = await createAccount();
    const users = await h.request({
      method: 'GET',
      url: '/api/admin/user-admin',
      auth: { cookie: admin.cookie },
    });
    assert.ok(!json<{ users: { id: number }[] }>(users).users.some((u) => u.id === account.id));
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PUT', '', { rootRole: 'Admin' }],
      ['DELETE', '', undefined],
      ['POST', '/change-password', { password: 'An0ther-password!' }],
    ] as const) {
      assertError(
        await h.request({
          method,
          url: `/api/admin/user-admin/${account.id}${suffix}`,
          auth: { cookie: admin.cookie },
          ...(body !== undefined && { body }),
        }),
        404,
        'NotFoundError',
      );
    }
  });

  test('cannot log in: its username answers as a wrong password', async () => {
    const account = await createAccount();
    const response = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: account.username, password: 'anything-at-all' },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['set-cookie'], undefined);
    const wrong = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: admin.user.username, password: 'anything-at-all' },
    });
    assert.equal(json(response).name, json(wrong).name);
  });

  test('its token acts as the account, with its current role, at once', async () => {
    const account = await createAccount({ rootRole: 'Editor' });
    const token = await createToken(account.id);
    assert.equal(token.userId, account.id);
    const me = await whoAmI(token.secret);
    assert.equal(me.statusCode, 200, me.body);
    const user = json<{ user: { id: number; accountType: string } }>(me).user;
    assert.equal(user.id, account.id);
    assert.equal(user.accountType, 'Service Account');
    // An Editor cannot list users; made an Admin, it can on its very next request.
    const users = () =>
      h.request({ method: 'GET', url: '/api/admin/user-admin', auth: { token: token.secret } });
    assertError(await users(), 403, 'PermissionError');
    const promoted = await h.request({
      method: 'PUT',
      url: `${BASE}/${account.id}`,
      auth: { cookie: admin.cookie },
      body: { rootRole: 1, name: 'Promoted' },
    });
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.equal(json<Account>(promoted).rootRole, 1);
    assert.equal(json<Account>(promoted).name, 'Promoted');
    assert.equal((await users()).statusCode, 200);
  });

  test('token routes: list, delete (at once), events name the account as owner and the Admin as actor', async () => {
    const account = await createAccount();
    const token = await createToken(account.id, { scopes: ['*:read'] });
    assert.deepEqual(token.scopes, ['*:read']);
    const list = await h.request({
      method: 'GET',
      url: `${BASE}/${account.id}/token`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      json<{ pats: Token[] }>(list).pats.map((pat) => pat.id),
      [token.id],
    );
    assert.equal((await whoAmI(token.secret)).statusCode, 200);
    const deleted = await h.request({
      method: 'DELETE',
      url: `${BASE}/${account.id}/token/${token.id}`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(deleted.statusCode, 200);
    assert.equal((await whoAmI(token.secret)).statusCode, 401);
    const events = await h.db.query<{
      type: string;
      created_by_user_id: number;
      data: { userId?: number };
    }>(
      `SELECT type, created_by_user_id, data FROM events
       WHERE type IN ('pat-created', 'pat-deleted') AND (data->>'id')::int = $1 ORDER BY id`,
      [token.id],
    );
    assert.deepEqual(
      events.map((event) => [event.type, event.created_by_user_id, event.data.userId]),
      [
        ['pat-created', admin.user.id, account.id],
        ['pat-deleted', admin.user.id, account.id],
      ],
    );
  });

  test("a person's id is no service account: 404 on every token route, nothing made", async () => {
    const person = await h.quickSignedIn('Viewer');
    const before_ = await h.db.query('SELECT id FROM personal_access_tokens');
    assertError(
      await h.request({
        method: 'POST',
        url: `${BASE}/${person.user.id}/token`,
        auth: { cookie: admin.cookie },
        body: { description: 'sneaky', expiresAt: inDays(1) },
      }),
      404,
      'NotFoundError',
    );
    assertError(
      await h.request({
        method: 'GET',
        url: `${BASE}/${person.user.id}/token`,
        auth: { cookie: admin.cookie },
      }),
      404,
      'NotFoundError',
    );
    assertError(
      await h.request({
        method: 'PUT',
        url: `${BASE}/${person.user.id}`,
        auth: { cookie: admin.cookie },
        body: { rootRole: 1 },
      }),
      404,
      'NotFoundError',
    );
    assertError(
      await h.request({
        method: 'DELETE',
        url: `${BASE}/${person.user.id}`,
        auth: { cookie: admin.cookie },
      }),
      404,
      'NotFoundError',
    );
    assert.equal(
      (await h.db.query('SELECT id FROM personal_access_tokens')).length,
      before_.length,
    );
  });

  test('delete: its tokens stop at once; its name is free again; event', async () => {
    const account = await createAccount();
    const token = await createToken(account.id);
    assert.equal((await whoAmI(token.secret)).statusCode, 200);
    const response = await h.request({
      method: 'DELETE',
      url: `${BASE}/${account.id}`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(response.statusCode, 200);
    assert.equal((await whoAmI(token.secret)).statusCode, 401);
    assertError(
      await h.request({
        method: 'DELETE',
        url: `${BASE}/${account.id}`,
        auth: { cookie: admin.cookie },
      }),
      404,
      'NotFoundError',
    );
    await createAccount({ username: account.username });
    const [event] = await h.db.query<{ data: { id: number } }>(
      "SELECT data FROM events WHERE type = 'service-account-deleted' ORDER BY id DESC LIMIT 1",
    );
    assert.equal(event?.data.id, account.id);
  });

  test('Editors and Viewers get 403 PermissionError on every route, before validation', async () => {
    const account = await createAccount();
    for (const role of ['Editor', 'Viewer'] as const) {
      const user = await h.quickSignedIn(role);
      for (const [method, url] of [
        ['GET', BASE],
        ['POST', BASE],
        ['PUT', `${BASE}/${account.id}`],
        ['DELETE', `${BASE}/${account.id}`],
        ['GET', `${BASE}/${account.id}/token`],
        ['POST', `${BASE}/${account.id}/token`],
        ['DELETE', `${BASE}/${account.id}/token/1`],
      ] as const) {
        assertError(
          await h.request({
            method,
            url,
            auth: { cookie: user.cookie },
            body: method === 'POST' || method === 'PUT' ? {} : undefined,
          }),
          403,
          'PermissionError',
        );
      }
    }
  });

  test('service Admins do not count as Admins for the last-Admin rule', async () => {
    // A fresh harness: exactly one human Admin.
    const solo = await startHarness();
    try {
      const only = await solo.quickSignedIn('Admin');
      const bot = await solo.request({
        method: 'POST',
        url: BASE,
        auth: { cookie: only.cookie },
        body: { username: 'admin-bot', rootRole: 1 },
      });
      assert.equal(bot.statusCode, 201);
      assertError(
        await solo.request({
          method: 'PUT',
          url: `/api/admin/user-admin/${only.user.id}`,
          auth: { cookie: only.cookie },
          body: { rootRole: 'Viewer' },
        }),
        403,
        'OperationDeniedError',
      );
    } finally {
      await solo.close();
    }
  });
});
