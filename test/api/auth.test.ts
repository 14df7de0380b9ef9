// Authentication on /api/admin/*: which credentials count, and the two 401s.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, json, PASSWORD, startHarness, type TestUser } from '../helpers/harness.js';

const ME = '/api/admin/user';
const NEED_LOGIN =
  'You must log in to use Unleash. Your request had no authorization header, so we could not authorize you. Try logging in at /auth/simple/login';

let h: Harness;
let owner: TestUser;
let token: string;
before(async () => {
  h = await startHarness();
  owner = await h.signedIn('Editor');
  token = json<{ secret: string }>(await h.createPat({ cookie: owner.cookie })).secret;
});
after(() => h.close());

function assertAuthenticationRequired(response: { statusCode: number; body: string }) {
  assert.equal(response.statusCode, 401, response.body);
  const body = JSON.parse(response.body);
  assert.equal(body.name, 'AuthenticationRequired');
  assert.equal(body.message, NEED_LOGIN);
  assert.deepEqual(body.details, [{ message: NEED_LOGIN }]);
  assert.equal(body.path, '/auth/simple/login');
  assert.equal(body.type, 'password');
  assert.equal(body.defaultHidden, false);
}

function assertUnauthorized(response: { statusCode: number; body: string }) {
  assert.equal(response.statusCode, 401, response.body);
  const body = JSON.parse(response.body);
  assert.equal(body.name, 'UnauthorizedError');
  assert.equal(body.message, 'You must log in to use Unleash.');
  assert.deepEqual(body.details, [{ message: 'You must log in to use Unleash.' }]);
}

describe('credentials', () => {
  test('no credentials, or an empty Authorization value: AuthenticationRequired', async () => {
    assertAuthenticationRequired(await h.request({ method: 'GET', url: ME }));
    assertAuthenticationRequired(
      await h.request({ method: 'GET', url: ME, headers: { authorization: '' } }),
    );
    assertAuthenticationRequired(
      await h.request({ method: 'GET', url: ME, headers: { authorization: '   ' } }),
    );
  });

  test('the PAT raw, or as Bearer in any case with any whitespace', async () => {
    for (const value of [
      token,
      `Bearer ${token}`,
      `bearer ${token}`,
      `BEARER \t  ${token}`,
      `  ${token}  `,
    ]) {
      const response = await h.request({
        method: 'GET',
        url: ME,
        headers: { authorization: value },
      });
      assert.equal(response.statusCode, 200, value);
      assert.equal(json<{ user: { id: number } }>(response).user.id, owner.user.id);
    }
  });

  test('credentials that resolve to no live user: UnauthorizedError', async () => {
    const wrongCase = token.replace(/[a-z]/, (c) => c.toUpperCase());
    const lastChar = token.endsWith('A') ? 'B' : 'A';
    for (const value of [
      'garbage',
      `Token ${token}`,
      `Basic ${token}`,
      `Bearer`,
      wrongCase,
      `${token.slice(0, -1)}${lastChar}`, // right selector, wrong secret
      'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      '*:*.unleash-insecure-admin-api-token',
    ]) {
      assertUnauthorized(
        await h.request({ method: 'GET', url: ME, headers: { authorization: value } }),
      );
    }
  });

  test('an expired token: UnauthorizedError', async () => {
    const created = json<{ id: number; secret: string }>(
      await h.createPat({ cookie: owner.cookie }),
    );
    await h.db.query(
      "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1",
      [created.id],
    );
    assertUnauthorized(
      await h.request({ method: 'GET', url: ME, auth: { token: created.secret } }),
    );
  });

  test('a deleted user: their token and their session stop working', async () => {
    const doomed = await h.signedIn('Viewer');
    const secret = json<{ secret: string }>(await h.createPat({ cookie: doomed.cookie })).secret;
    await h.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [doomed.user.id]);
    assertUnauthorized(await h.request({ method: 'GET', url: ME, auth: { token: secret } }));
    // A cookie matching no live session counts as no credentials, as Unleash.
    assertAuthenticationRequired(
      await h.request({ method: 'GET', url: ME, auth: { cookie: doomed.cookie } }),
    );
  });

  test('the session wins when both a valid cookie and a PAT arrive', async () => {
    const other = await h.signedIn('Admin');
    const response = await h.request({
      method: 'GET',
      url: ME,
      headers: { cookie: other.cookie, authorization: token },
    });
    assert.equal(json<{ user: { id: number } }>(response).user.id, other.user.id);
  });

  test('a dead session cookie falls back to the Authorization header', async () => {
    const response = await h.request({
      method: 'GET',
      url: ME,
      headers: { cookie: 'unleash-session=not-a-session', authorization: token },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(json<{ user: { id: number } }>(response).user.id, owner.user.id);
  });

  test('a PAT is never taken from the query string', async () => {
    assertAuthenticationRequired(
      await h.request({ method: 'GET', url: `${ME}?token=${encodeURIComponent(token)}` }),
    );
  });
});

describe('authentication runs before routing', () => {
  test('unknown paths and any method under /api/admin: 401 without credentials, 404 with', async () => {
    for (const [method, url] of [
      ['GET', '/api/admin/nothing-here'],
      ['POST', '/api/admin/user/tokens/1/extra'],
      ['PUT', '/api/admin/user/tokens'],
      ['GET', '/API/ADMIN/whatever'],
      ['GET', '/api/%61dmin/user/tokens'],
      ['OPTIONS', '/api/admin/user/tokens'],
      ['DELETE', '/api/admin'],
    ] as const) {
      assertAuthenticationRequired(await h.request({ method, url }));
    }
    const signedIn = await h.request({
      method: 'GET',
      url: '/api/admin/nothing-here',
      auth: { token },
    });
    assert.equal(signedIn.statusCode, 404);
  });

  test('a path that only starts like /api/admin is not under it', async () => {
    const response = await h.request({ method: 'GET', url: '/api/administrator' });
    assert.equal(response.statusCode, 404);
  });
});

describe('GET /api/admin/user', () => {
  test('the user, permissions, feedback and splash, not cached', async () => {
    const response = await h.request({ method: 'GET', url: ME, auth: { token } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = json<{
      user: Record<string, unknown>;
      permissions: unknown[];
      feedback: unknown[];
      splash: object;
    }>(response);
    assert.equal(body.user.id, owner.user.id);
    assert.equal(body.user.username, owner.user.username);
    assert.equal(body.user.accountType, 'User');
    assert.equal(body.user.rootRole, 2);
    assert.ok('seenAt' in body.user && 'createdAt' in body.user && 'imageUrl' in body.user);
    assert.ok(!('passwordHash' in body.user) && !('password_hash' in body.user));
    assert.deepEqual(body.permissions, []);
    assert.deepEqual(body.feedback, []);
    assert.deepEqual(body.splash, {});
  });

  test('an Admin has the ADMIN permission', async () => {
    const admin = await h.signedIn('Admin');
    const body = json<{ permissions: unknown[] }>(
      await h.request({ method: 'GET', url: ME, auth: { cookie: admin.cookie } }),
    );
    assert.deepEqual(body.permissions, [{ permission: 'ADMIN' }]);
  });
});

describe('POST /auth/simple/login', () => {
  test('200 with the user and an HttpOnly, SameSite=Lax session cookie for 48 hours', async () => {
    const user = await h.createUser('Viewer');
    const response = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: user.username, password: PASSWORD },
    });
    assert.equal(response.statusCode, 200);
    const body = json<Record<string, unknown>>(response);
    assert.equal(body.accountType, 'User');
    assert.equal(body.id, user.id);
    assert.equal(body.username, user.username);
    assert.equal(body.loginAttempts, 0);
    assert.ok('imageUrl' in body && 'seenAt' in body && 'createdAt' in body);
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^unleash-session=[A-Za-z0-9_-]{43}; /);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)?.[1] ?? '');
    assert.ok(Math.abs(expires - (Date.now() + 48 * 3600_000)) < 60_000, 'expires in 48 h');
  });

  test('the email works as the username, in any case', async () => {
    const user = await h.services.userStore.insert({
      username: null,
      email: 'Someone@Example.com',
      name: 'Some One',
      passwordHash:
        (
          await h.db.query<{ password_hash: string }>(
            'SELECT password_hash FROM users WHERE id = $1',
            [owner.user.id],
          )
        )[0]?.password_hash ?? '',
      rootRole: 'Viewer',
      accountType: 'User',
    });
    const response = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: 'someone@example.COM', password: PASSWORD },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(json<{ id: number }>(response).id, user.id);
  });

  test('unknown user and wrong password: the same 401 PasswordMismatch', async () => {
    const user = await h.createUser('Viewer');
    const wrong = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: user.username, password: 'not it at all' },
    });
    const unknown = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: 'nobody-here', password: 'not it at all' },
    });
    for (const response of [wrong, unknown]) {
      assert.equal(response.statusCode, 401);
      const body = json<{ name: string; message: string; details: unknown[] }>(response);
      assert.equal(body.name, 'PasswordMismatch');
      assert.equal(body.message, 'Wrong password, try again.');
      assert.equal(response.headers['set-cookie'], undefined);
    }
    const { id: _a, ...wrongBody } = json<Record<string, unknown>>(wrong);
    const { id: _b, ...unknownBody } = json<Record<string, unknown>>(unknown);
    assert.deepEqual(wrongBody, unknownBody);
  });

  test('a missing field is 400; a non-JSON body is 415', async () => {
    const missing = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: 'x' },
    });
    assert.equal(missing.statusCode, 400);
    assert.equal(json<{ name: string }>(missing).name, 'BadDataError');
    const form = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: 'username=x&password=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.statusCode, 415);
  });

  test('each login gets a new session; POST /logout ends only that one', async () => {
    const user = await h.createUser('Viewer');
    const first = await h.login(user.username as string);
    const second = await h.login(user.username as string);
    assert.notEqual(first, second);
    const out = await h.request({ method: 'POST', url: '/logout', auth: { cookie: first } });
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers['set-cookie']), /^unleash-session=;/);
    assertAuthenticationRequired(
      await h.request({ method: 'GET', url: ME, auth: { cookie: first } }),
    );
    assert.equal(
      (await h.request({ method: 'GET', url: ME, auth: { cookie: second } })).statusCode,
      200,
    );
  });

  test('sessions are stored by hash only', async () => {
    const user = await h.createUser('Viewer');
    const cookie = await h.login(user.username as string);
    const id = cookie.split('=')[1] as string;
    const rows = await h.db.query<{ id_hash: string }>(
      'SELECT id_hash FROM sessions WHERE user_id = $1',
      [user.id],
    );
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]?.id_hash, id);
    assert.ok(!rows[0]?.id_hash.includes(id));
  });
});

describe('public routes', () => {
  test('GET /health', async () => {
    const response = await h.request({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { health: 'GOOD' });
  });

  test('unknown paths outside /api/admin: 404 in the error shape', async () => {
    const response = await h.request({ method: 'GET', url: '/nope' });
    assert.equal(response.statusCode, 404);
    assert.equal(json<{ name: string }>(response).name, 'NotFoundError');
  });
});
