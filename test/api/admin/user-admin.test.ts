// User administration and the rules that make account changes take effect at once.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertTooMany } from '../../helpers/assertions.js';
import {
  type Harness,
  json,
  PASSWORD,
  startHarness,
  type TestUser,
} from '../../helpers/harness.js';

const STRONG = 'N3w-Passw0rd!';
const ME = '/api/admin/user';

interface UserBody {
  id: number;
  username?: string;
  email?: string;
  name?: string;
  rootRole: number;
}

let h: Harness;
let admin: TestUser;
before(async () => {
  h = await startHarness();
  admin = await h.signedIn('Admin');
});
after(() => h.close());

const asAdmin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  h.request({ method, url, auth: { cookie: admin.cookie }, ...(body !== undefined && { body }) });

async function tokenFor(user: TestUser): Promise<string> {
  return json<{ secret: string }>(await h.createPat({ cookie: user.cookie })).secret;
}

describe('CRUD', () => {
  test('create by role name or id, 201 with Location; the new user can log in', async () => {
    const byName = await asAdmin('POST', '/api/admin/user-admin', {
      username: 'newbie',
      name: 'New Bie',
      password: STRONG,
      rootRole: 'Editor',
    });
    assert.equal(byName.statusCode, 201, byName.body);
    const created = json<UserBody>(byName);
    assert.equal(byName.headers.location, `/api/admin/user-admin/${created.id}`);
    assert.equal(created.rootRole, 2);
    assert.ok(!/password/i.test(byName.body));
    const byId = json<UserBody>(
      await asAdmin('POST', '/api/admin/user-admin', { email: 'viewer@example.com', rootRole: 3 }),
    );
    assert.equal(byId.rootRole, 3);
    assert.equal(byId.email, 'viewer@example.com');
    const login = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: 'newbie', password: STRONG },
    });
    assert.equal(login.statusCode, 200);
  });

  test('list and get', async () => {
    const list = json<{ users: UserBody[]; rootRoles: unknown[] }>(
      await asAdmin('GET', '/api/admin/user-admin'),
    );
    assert.ok(list.users.some((user) => user.id === admin.user.id));
    assert.equal(list.rootRoles.length, 3);
    const one = await asAdmin('GET', `/api/admin/user-admin/${admin.user.id}`);
    assert.equal(json<UserBody>(one).id, admin.user.id);
    const missing = await asAdmin('GET', '/api/admin/user-admin/2147483647');
    assert.equal(missing.statusCode, 404);
    assert.equal(json<{ name: string }>(missing).name, 'NotFoundError');
  });

  test('bad input: 400 naming the problem; duplicates: 409', async () => {
    const cases: [unknown, number, string][] = [
      [{ username: 'x' }, 400, 'BadDataError'],
      [{ username: 'x', rootRole: 'Owner' }, 400, 'BadDataError'],
      [{ username: 'x', rootRole: 7 }, 400, 'BadDataError'],
      [{ rootRole: 'Viewer' }, 400, 'BadDataError'],
      [{ email: 'not-an-email', rootRole: 'Viewer' }, 400, 'BadDataError'],
      [{ username: 'weak', password: 'password', rootRole: 'Viewer' }, 400, 'OwaspValidationError'],
      [
        { username: admin.user.username?.toUpperCase(), rootRole: 'Viewer' },
        409,
        'NameExistsError',
      ],
    ];
    for (const [body, status, name] of cases) {
      const response = await asAdmin('POST', '/api/admin/user-admin', body);
      assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
      assert.equal(json<{ name: string }>(response).name, name);
    }
  });

  test('the password policy names every missing part', async () => {
    const response = await asAdmin('POST', '/api/admin/user-admin', {
      username: 'weakling',
      password: 'short',
      rootRole: 'Viewer',
    });
    const body = json<{ message: string; details: { message: string }[] }>(response);
    assert.equal(response.statusCode, 400);
    for (const part of ['10 characters', 'upper-case', 'digit', 'symbol'])
      assert.match(body.message, new RegExp(part));
    assert.equal(body.details.length, 4);
  });

  test('update name, email and role', async () => {
    const user = await h.createUser('Viewer');
    const response = await asAdmin('PUT', `/api/admin/user-admin/${user.id}`, {
      name: 'Renamed',
      email: 'renamed@example.com',
      rootRole: 'Editor',
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = json<UserBody>(response);
    assert.equal(body.name, 'Renamed');
    assert.equal(body.email, 'renamed@example.com');
    assert.equal(body.rootRole, 2);
    assert.equal(
      (await asAdmin('PUT', '/api/admin/user-admin/2147483647', { name: 'x' })).statusCode,
      404,
    );
  });

  test('delete keeps the audit trail', async () => {
    const user = await h.signedIn('Editor');
    await h.createPat({ cookie: user.cookie });
    assert.equal(
      (await asAdmin('DELETE', `/api/admin/user-admin/${user.user.id}`)).statusCode,
      200,
    );
    assert.equal((await asAdmin('GET', `/api/admin/user-admin/${user.user.id}`)).statusCode, 404);
    assert.equal(
      (await asAdmin('DELETE', `/api/admin/user-admin/${user.user.id}`)).statusCode,
      404,
    );
    const { events } = json<{
      events: { type: string; createdByUserId: number; data: { id: number } }[];
    }>(await asAdmin('GET', '/api/admin/events'));
    const types = events
      .filter((event) => event.data.id === user.user.id || event.createdByUserId === user.user.id)
      .map((event) => event.type);
    assert.ok(types.includes('user-deleted'));
    assert.ok(types.includes('pat-created'), "the deleted user's own events are still there");
  });
});

describe('changes take effect at once', () => {
  test('deleting a user ends their sessions and their tokens on the next request', async () => {
    const user = await h.signedIn('Editor');
    const token = await tokenFor(user);
    assert.equal(
      (await h.request({ method: 'GET', url: ME, auth: { token } })).statusCode,
      200,
      'cached now',
    );
    await asAdmin('DELETE', `/api/admin/user-admin/${user.user.id}`);
    assert.equal((await h.request({ method: 'GET', url: ME, auth: { token } })).statusCode, 401);
    assert.equal(
      (await h.request({ method: 'GET', url: ME, auth: { cookie: user.cookie } })).statusCode,
      401,
    );
  });

  test('a role change keeps the session and applies from the next request, by session and by PAT', async () => {
    const user = await h.signedIn('Editor');
    const token = await tokenFor(user);
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/events', auth: { token } })).statusCode,
      403,
    );
    await asAdmin('PUT', `/api/admin/user-admin/${user.user.id}`, { rootRole: 'Admin' });
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/events', auth: { token } })).statusCode,
      200,
    );
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/events', auth: { cookie: user.cookie } }))
        .statusCode,
      200,
    );
    await asAdmin('PUT', `/api/admin/user-admin/${user.user.id}`, { rootRole: 'Viewer' });
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/events', auth: { token } })).statusCode,
      403,
    );
    const me = json<{ user: UserBody }>(
      await h.request({ method: 'GET', url: ME, auth: { token } }),
    );
    assert.equal(me.user.rootRole, 3);
  });

  test("an Admin setting a password ends all the user's sessions and tokens", async () => {
    const user = await h.signedIn('Editor');
    const token = await tokenFor(user);
    assert.equal((await h.request({ method: 'GET', url: ME, auth: { token } })).statusCode, 200);
    const response = await asAdmin(
      'POST',
      `/api/admin/user-admin/${user.user.id}/change-password`,
      { password: STRONG },
    );
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(
      (await h.request({ method: 'GET', url: ME, auth: { cookie: user.cookie } })).statusCode,
      401,
    );
    assert.equal((await h.request({ method: 'GET', url: ME, auth: { token } })).statusCode, 401);
    const old = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: user.user.username, password: PASSWORD },
    });
    assert.equal(old.statusCode, 401);
    assert.equal(
      (
        await h.request({
          method: 'POST',
          url: '/auth/simple/login',
          body: { username: user.user.username, password: STRONG },
        })
      ).statusCode,
      200,
    );
  });

  test("changing one's own password keeps this session and ends the others", async () => {
    const user = await h.createUser('Viewer');
    const here = await h.login(user.username as string);
    const elsewhere = await h.login(user.username as string);
    const mismatch = await h.request({
      method: 'POST',
      url: '/api/admin/user/change-password',
      auth: { cookie: here },
      body: { password: STRONG, confirmPassword: `${STRONG}x` },
    });
    assert.equal(mismatch.statusCode, 400);
    const weak = await h.request({
      method: 'POST',
      url: '/api/admin/user/change-password',
      auth: { cookie: here },
      body: { password: 'weak', confirmPassword: 'weak' },
    });
    assert.equal(json<{ name: string }>(weak).name, 'OwaspValidationError');
    const ok = await h.request({
      method: 'POST',
      url: '/api/admin/user/change-password',
      auth: { cookie: here },
      body: { password: STRONG, confirmPassword: STRONG },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(
      (await h.request({ method: 'GET', url: ME, auth: { cookie: here } })).statusCode,
      200,
    );
    assert.equal(
      (await h.request({ method: 'GET', url: ME, auth: { cookie: elsewhere } })).statusCode,
      401,
    );
  });

  test('the last Admin can be neither deleted nor demoted', async () => {
    const solo = await startHarness();
    try {
      const only = await solo.signedIn('Admin');
      const del = await solo.request({
        method: 'DELETE',
        url: `/api/admin/user-admin/${only.user.id}`,
        auth: { cookie: only.cookie },
      });
      assert.equal(del.statusCode, 403);
      assert.equal(json<{ name: string }>(del).name, 'OperationDeniedError');
      const demote = await solo.request({
        method: 'PUT',
        url: `/api/admin/user-admin/${only.user.id}`,
        auth: { cookie: only.cookie },
        body: { rootRole: 'Editor' },
      });
      assert.equal(demote.statusCode, 403);
      // With a second Admin, demoting both at once leaves exactly one.
      const second = await solo.signedIn('Admin');
      const results = await Promise.all(
        [only, second].map((who) =>
          solo.request({
            method: 'PUT',
            url: `/api/admin/user-admin/${who.user.id}`,
            auth: { cookie: only.cookie },
            body: { rootRole: 'Viewer' },
          }),
        ),
      );
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 403]);
      const [row] = await solo.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM users WHERE root_role = 'Admin' AND deleted_at IS NULL",
      );
      assert.equal(row?.n, 1);
    } finally {
      await solo.close();
    }
  });
});

describe('events', () => {
  test('user-created, user-updated, user-password-changed, user-deleted with actor and IP, no password', async () => {
    const created = json<UserBody>(
      await asAdmin('POST', '/api/admin/user-admin', {
        username: 'audited-user',
        password: STRONG,
        rootRole: 'Viewer',
      }),
    );
    await asAdmin('PUT', `/api/admin/user-admin/${created.id}`, { rootRole: 'Editor' });
    await asAdmin('POST', `/api/admin/user-admin/${created.id}/change-password`, {
      password: `${STRONG}2`,
    });
    await asAdmin('DELETE', `/api/admin/user-admin/${created.id}`);
    const response = await asAdmin('GET', '/api/admin/events?limit=4');
    const { events } = json<{
      events: { type: string; createdBy: string; ip: string; data: Record<string, unknown> }[];
    }>(response);
    assert.deepEqual(
      events.map((event) => event.type),
      ['user-deleted', 'user-password-changed', 'user-updated', 'user-created'],
    );
    for (const event of events) {
      assert.equal(event.createdBy, admin.user.username);
      assert.equal(event.ip, '127.0.0.1');
      assert.equal(event.data.id, created.id);
    }
    assert.ok(!response.body.includes(STRONG));
    assert.ok(!/scrypt|password_hash|passwordHash/.test(response.body));
  });
});

describe('sessions', () => {
  test('at most N live sessions per user: the oldest ends first', async () => {
    const capped = await startHarness({ SESSION_MAX_PER_USER: '2' });
    try {
      const user = await capped.createUser('Viewer');
      const first = await capped.login(user.username as string);
      const second = await capped.login(user.username as string);
      const third = await capped.login(user.username as string);
      const status = async (cookie: string) =>
        (await capped.request({ method: 'GET', url: ME, auth: { cookie } })).statusCode;
      assert.equal(await status(first), 401);
      assert.equal(await status(second), 200);
      assert.equal(await status(third), 200);
    } finally {
      await capped.close();
    }
  });

  test('sliding expiry: use moves the expiry forward and re-sends the cookie', async () => {
    const user = await h.createUser('Viewer');
    const cookie = await h.login(user.username as string);
    await h.db.query(
      "UPDATE sessions SET expires_at = now() + interval '1 hour' WHERE user_id = $1",
      [user.id],
    );
    const response = await h.request({ method: 'GET', url: ME, auth: { cookie } });
    assert.equal(response.statusCode, 200);
    const setCookie = String(response.headers['set-cookie']);
    assert.match(setCookie, /^unleash-session=/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(setCookie)?.[1] ?? '');
    assert.ok(expires > Date.now() + 47 * 3600_000);
    const [row] = await h.db.query<{ expires_at: Date }>(
      'SELECT expires_at FROM sessions WHERE user_id = $1',
      [user.id],
    );
    assert.ok((row?.expires_at.getTime() ?? 0) > Date.now() + 47 * 3600_000);
  });

  test('an expired session is no session', async () => {
    const user = await h.createUser('Viewer');
    const cookie = await h.login(user.username as string);
    await h.db.query(
      "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1",
      [user.id],
    );
    assert.equal(
      json<{ name: string }>(await h.request({ method: 'GET', url: ME, auth: { cookie } })).name,
      'AuthenticationRequired',
    );
  });
});

describe('login limits and cross-site writes', () => {
  test('at most 10 login attempts a minute per address: then 429 with Retry-After, in the error shape', async () => {
    const limited = await startHarness({ LOGIN_RATE_LIMIT_PER_MINUTE: '10' });
    try {
      const user = await limited.createUser('Viewer');
      for (let i = 0; i < 10; i++) {
        const response = await limited.request({
          method: 'POST',
          url: '/auth/simple/login',
          body: { username: user.username, password: i === 9 ? PASSWORD : 'wrong' },
        });
        assert.notEqual(response.statusCode, 429, `attempt ${i + 1}`);
      }
      const refused = await limited.request({
        method: 'POST',
        url: '/auth/simple/login',
        body: { username: user.username, password: PASSWORD },
      });
      assertTooMany(refused, { details: 1 });
    } finally {
      await limited.close();
    }
  });

  test('cookie writes from another site are refused; same-origin, header-less and token writes are not', async () => {
    const user = await h.signedIn('Editor');
    const token = await tokenFor(user);
    const body = { description: `x-site ${Date.now()}`, expiresAt: '2099-01-01T00:00:00Z' };
    const post = (headers: Record<string, string>, auth: { cookie: string } | { token: string }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/user/tokens',
        auth,
        body: { ...body, description: `${body.description} ${Math.random()}` },
        headers,
      });
    const crossSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const refused = await post(headers, { cookie: user.cookie });
      assert.equal(refused.statusCode, 403, JSON.stringify(headers));
      assert.equal(json<{ name: string }>(refused).name, 'OperationDeniedError');
    }
    const sameSite: Record<string, string>[] = [
      {},
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'http://localhost:80' },
    ];
    for (const headers of sameSite) {
      const allowed = await post(headers, { cookie: user.cookie });
      assert.equal(allowed.statusCode, 201, `${JSON.stringify(headers)} ${allowed.body}`);
    }
    assert.equal(
      (await post({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, { token }))
        .statusCode,
      201,
    );
    // Reads are not writes.
    const read = await h.request({
      method: 'GET',
      url: ME,
      auth: { cookie: user.cookie },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(read.statusCode, 200);
    // Cross-site login and logout are refused too.
    const login = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: user.user.username, password: PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(login.statusCode, 403);
  });
});
