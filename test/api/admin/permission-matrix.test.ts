// Every /api/admin route (and the gateway endpoints) x {Admin, Editor, Viewer} x {session, PAT} x {own resource, someone
// else's}: each cell makes the request and asserts both the answer and what it changed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { RootRole } from '../../../src/core/user.js';
import { assertError } from '../../helpers/assertions.js';
import {
  type Auth,
  type Harness,
  json,
  startHarness,
  type TestUser,
} from '../../helpers/harness.js';

interface Party extends TestUser {
  tokenId: number;
  token: string;
}

interface Cell {
  actor: Party;
  target: Party;
  auth: Auth;
  role: RootRole;
  via: 'session' | 'PAT';
  own: boolean;
  /** Own resource: the actor's; someone else's: the target's. */
  subject: Party;
}

interface RouteCase {
  name: string;
  run(cell: Cell): Promise<LightMyRequestResponse>;
  check(cell: Cell, response: LightMyRequestResponse): Promise<void>;
}

const STRONG = 'Matr1x-Passw0rd!';
let h: Harness;
let seq = 0;
const hashBefore = new Map<number, string>();

let owner: TestUser;

before(async () => {
  h = await startHarness();
  await h.createUser('Admin'); // so that deleting or demoting a tested Admin is never the last
  owner = await h.quickSignedIn('Admin'); // makes the service accounts the cells act on
});

/** A fresh service account with one token, made by an Admin outside the cell. */
async function serviceAccount(): Promise<{ id: number; tokenId: number }> {
  const made = await h.request({
    method: 'POST',
    url: '/api/admin/service-account',
    auth: { cookie: owner.cookie },
    body: { username: `matrix-bot-${++seq}`, rootRole: 'Viewer' },
  });
  assert.equal(made.statusCode, 201, made.body);
  const id = json<{ id: number }>(made).id;
  const token = await h.request({
    method: 'POST',
    url: `/api/admin/service-account/${id}/token`,
    auth: { cookie: owner.cookie },
    body: { description: 'matrix', expiresAt: '2099-01-01T00:00:00Z' },
  });
  assert.equal(token.statusCode, 201, token.body);
  return { id, tokenId: json<{ id: number }>(token).id };
}

const accounts = new WeakMap<Cell, { id: number; tokenId: number }>();
async function accountOf(cell: Cell) {
  const account = accounts.get(cell) ?? (await serviceAccount());
  accounts.set(cell, account);
  return account;
}
after(() => h.close());

async function party(role: RootRole): Promise<Party> {
  const signed = await h.quickSignedIn(role);
  const created = json<{ id: number; secret: string }>(
    await h.createPat({ cookie: signed.cookie }),
  );
  return { ...signed, tokenId: created.id, token: created.secret };
}

async function tokenExists(id: number): Promise<boolean> {
  return (
    (await h.db.query('SELECT 1 FROM personal_access_tokens WHERE id = $1', [id])).length === 1
  );
}

async function userRow(id: number) {
  const [row] = await h.db.query<{
    name: string | null;
    root_role: string;
    deleted_at: Date | null;
    password_hash: string;
  }>('SELECT name, root_role, deleted_at, password_hash FROM users WHERE id = $1', [id]);
  return row;
}

function expectStatus(response: LightMyRequestResponse, status: number, name = 'PermissionError') {
  assert.equal(response.statusCode, status, response.body);
  if (status >= 400) {
    // Any name for other refusals; the permission name for a 403.
    assertError(response, status, status === 403 ? name : undefined);
  }
}

/** Setting one's own password needs a session: a leaked token must not become the account. */
const ownPasswordByToken = (cell: Cell) => cell.via === 'PAT' && cell.subject === cell.actor;

const adminOnly = (cell: Cell, response: LightMyRequestResponse, okStatus: number) =>
  expectStatus(response, cell.role === 'Admin' ? okStatus : 403);

// Webhooks are nobody's own: every cell gets a fresh one, and only Admins may touch it.
const hookIds = new Map<Cell, number>();
async function hookFor(cell: Cell): Promise<number> {
  const webhook = await h.db.transaction((tx) =>
    h.services.webhookStore.insert(
      tx,
      { url: 'http://127.0.0.1:9/matrix', events: ['user-deleted'], description: 'before' },
      'whsec_matrix',
    ),
  );
  hookIds.set(cell, webhook.id);
  return webhook.id;
}
async function hookRow(cell: Cell) {
  const [row] = await h.db.query<{ description: string }>(
    'SELECT description FROM webhooks WHERE id = $1',
    [hookIds.get(cell) ?? 0],
  );
  return row;
}
async function testDeliveries(cell: Cell): Promise<number> {
  const [row] = await h.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND event_type = 'webhook-test'",
    [hookIds.get(cell) ?? 0],
  );
  return row?.n ?? 0;
}

const routes: RouteCase[] = [
  {
    name: 'GET /api/admin/user',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/user', auth }),
    async check({ actor }, response) {
      expectStatus(response, 200);
      // Whatever the cell, it is always the caller's own identity.
      assert.equal(json<{ user: { id: number } }>(response).user.id, actor.user.id);
    },
  },
  {
    name: 'GET /api/admin/user/tokens',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/user/tokens', auth }),
    async check({ actor, target }, response) {
      expectStatus(response, 200);
      const ids = json<{ pats: { id: number; userId: number }[] }>(response).pats.map(
        (pat) => pat.id,
      );
      assert.ok(ids.includes(actor.tokenId));
      assert.ok(!ids.includes(target.tokenId), "never another user's tokens");
    },
  },
  {
    name: 'POST /api/admin/user/tokens',
    run: ({ auth, subject }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/user/tokens',
        auth,
        body: {
          description: `matrix ${++seq}`,
          expiresAt: '2099-01-01T00:00:00Z',
          userId: subject.user.id,
        },
      }),
    async check({ actor }, response) {
      expectStatus(response, 201);
      assert.equal(
        json<{ userId: number }>(response).userId,
        actor.user.id,
        'always created for the caller',
      );
    },
  },
  {
    name: 'DELETE /api/admin/user/tokens/{id}',
    run: ({ auth, subject }) =>
      h.request({ method: 'DELETE', url: `/api/admin/user/tokens/${subject.tokenId}`, auth }),
    async check({ own, subject }, response) {
      expectStatus(response, 200);
      assert.equal(
        await tokenExists(subject.tokenId),
        !own,
        own ? 'own token deleted' : "another user's token untouched",
      );
    },
  },
  {
    name: 'GET /api/admin/events',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/events', auth }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'GET /api/admin/user-admin',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/user-admin', auth }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'POST /api/admin/user-admin',
    run: ({ auth, own }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/user-admin',
        auth,
        body: { username: `made-${++seq}`, rootRole: own ? 'Viewer' : 'Admin' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 201);
      const made = await h.db.query('SELECT 1 FROM users WHERE username = $1', [`made-${seq}`]);
      assert.equal(made.length, cell.role === 'Admin' ? 1 : 0);
    },
  },
  {
    name: 'GET /api/admin/user-admin/{id}',
    run: ({ auth, subject }) =>
      h.request({ method: 'GET', url: `/api/admin/user-admin/${subject.user.id}`, auth }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      if (cell.role === 'Admin')
        assert.equal(json<{ id: number }>(response).id, cell.subject.user.id);
    },
  },
  {
    name: 'PUT /api/admin/user-admin/{id}',
    run: ({ auth, subject }) =>
      h.request({
        method: 'PUT',
        url: `/api/admin/user-admin/${subject.user.id}`,
        auth,
        body: { name: 'Changed By Matrix' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal(
        (await userRow(cell.subject.user.id))?.name === 'Changed By Matrix',
        cell.role === 'Admin',
      );
    },
  },
  {
    name: 'DELETE /api/admin/user-admin/{id}',
    run: ({ auth, subject }) =>
      h.request({ method: 'DELETE', url: `/api/admin/user-admin/${subject.user.id}`, auth }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal(
        (await userRow(cell.subject.user.id))?.deleted_at instanceof Date,
        cell.role === 'Admin',
      );
    },
  },
  {
    name: 'POST /api/admin/user-admin/{id}/change-password',
    async run({ auth, subject }) {
      hashBefore.set(subject.user.id, (await userRow(subject.user.id))?.password_hash ?? '');
      return h.request({
        method: 'POST',
        url: `/api/admin/user-admin/${subject.user.id}/change-password`,
        auth,
        body: { password: STRONG },
      });
    },
    async check(cell, response) {
      const allowed = cell.role === 'Admin' && !ownPasswordByToken(cell);
      if (cell.role === 'Admin' && !allowed) expectStatus(response, 403, 'OperationDeniedError');
      else adminOnly(cell, response, 200);
      const changed =
        (await userRow(cell.subject.user.id))?.password_hash !==
        hashBefore.get(cell.subject.user.id);
      assert.equal(changed, allowed);
    },
  },
  {
    name: 'POST /api/admin/user/change-password',
    run: ({ auth }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/user/change-password',
        auth,
        body: { password: STRONG, confirmPassword: STRONG },
      }),
    async check({ actor, target, via }, response) {
      // Only ever the caller's own account: the other user can still use their token.
      assert.equal(
        (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: target.token } }))
          .statusCode,
        200,
      );
      if (via === 'PAT') {
        expectStatus(response, 403, 'OperationDeniedError');
        assert.equal(await tokenExists(actor.tokenId), true, 'refused: nothing rotated');
        return;
      }
      expectStatus(response, 200);
      assert.equal(await tokenExists(actor.tokenId), false, 'own tokens rotated with the password');
    },
  },
  {
    name: 'GET /api/admin/user/tokens/self',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/user/tokens/self', auth }),
    async check({ actor, via }, response) {
      // Always the calling token; a session has none.
      if (via === 'session') return expectStatus(response, 404);
      expectStatus(response, 200);
      assert.equal(json<{ id: number }>(response).id, actor.tokenId);
    },
  },
  {
    name: 'DELETE /api/admin/user/tokens/self',
    run: ({ auth }) => h.request({ method: 'DELETE', url: '/api/admin/user/tokens/self', auth }),
    async check({ actor, target, via }, response) {
      expectStatus(response, via === 'session' ? 404 : 200);
      assert.equal(await tokenExists(actor.tokenId), via === 'session');
      assert.equal(await tokenExists(target.tokenId), true, "never another user's token");
    },
  },
  // Service accounts: Admins only, whoever's; an Editor or Viewer changes nothing.
  {
    name: 'GET /api/admin/service-account',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/service-account', auth }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'POST /api/admin/service-account',
    run: ({ auth }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/service-account',
        auth,
        body: { username: `made-bot-${++seq}`, rootRole: 'Admin' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 201);
      const made = await h.db.query('SELECT 1 FROM users WHERE username = $1', [`made-bot-${seq}`]);
      assert.equal(made.length, cell.role === 'Admin' ? 1 : 0);
    },
  },
  {
    name: 'PUT /api/admin/service-account/{id}',
    run: async (cell) =>
      h.request({
        method: 'PUT',
        url: `/api/admin/service-account/${(await accountOf(cell)).id}`,
        auth: cell.auth,
        body: { rootRole: 'Admin' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      const row = await userRow((await accountOf(cell)).id);
      assert.equal(row?.root_role === 'Admin', cell.role === 'Admin');
    },
  },
  {
    name: 'DELETE /api/admin/service-account/{id}',
    run: async (cell) =>
      h.request({
        method: 'DELETE',
        url: `/api/admin/service-account/${(await accountOf(cell)).id}`,
        auth: cell.auth,
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      const account = await accountOf(cell);
      assert.equal((await userRow(account.id))?.deleted_at instanceof Date, cell.role === 'Admin');
      assert.equal(await tokenExists(account.tokenId), cell.role !== 'Admin');
    },
  },
  {
    name: 'GET /api/admin/service-account/{id}/token',
    run: async (cell) =>
      h.request({
        method: 'GET',
        url: `/api/admin/service-account/${(await accountOf(cell)).id}/token`,
        auth: cell.auth,
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      if (cell.role === 'Admin')
        assert.deepEqual(
          json<{ pats: { id: number }[] }>(response).pats.map((pat) => pat.id),
          [(await accountOf(cell)).tokenId],
        );
    },
  },
  {
    name: 'POST /api/admin/service-account/{id}/token',
    run: async (cell) =>
      h.request({
        method: 'POST',
        url: `/api/admin/service-account/${(await accountOf(cell)).id}/token`,
        auth: cell.auth,
        body: { description: 'made in a cell', expiresAt: '2099-01-01T00:00:00Z' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 201);
      const rows = await h.db.query('SELECT 1 FROM personal_access_tokens WHERE user_id = $1', [
        (await accountOf(cell)).id,
      ]);
      assert.equal(rows.length, cell.role === 'Admin' ? 2 : 1);
    },
  },
  {
    name: 'DELETE /api/admin/service-account/{id}/token/{tokenId}',
    run: async (cell) => {
      const account = await accountOf(cell);
      return h.request({
        method: 'DELETE',
        url: `/api/admin/service-account/${account.id}/token/${account.tokenId}`,
        auth: cell.auth,
      });
    },
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal(await tokenExists((await accountOf(cell)).tokenId), cell.role !== 'Admin');
    },
  },
  // Rotation needs the rights of deletion: the owner only; someone else's token is not found.
  {
    name: 'POST /api/admin/user/tokens/{id}/rotate',
    run: ({ auth, subject }) =>
      h.request({
        method: 'POST',
        url: `/api/admin/user/tokens/${subject.tokenId}/rotate`,
        auth,
        body: { overlapSeconds: 60 },
      }),
    async check({ own, subject }, response) {
      expectStatus(response, own ? 201 : 404);
      const [row] = await h.db.query<{ rotated_to: number | null }>(
        'SELECT rotated_to FROM personal_access_tokens WHERE id = $1',
        [subject.tokenId],
      );
      assert.equal(row?.rotated_to !== null, own, own ? 'rotated' : "another user's untouched");
    },
  },
  {
    name: 'GET /api/admin/user/tokens/{id}/usage',
    run: ({ auth, subject }) =>
      h.request({ method: 'GET', url: `/api/admin/user/tokens/${subject.tokenId}/usage`, auth }),
    check: async ({ own }, response) => expectStatus(response, own ? 200 : 404, 'NotFoundError'),
  },
  {
    name: 'GET /api/admin/tokens',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/tokens', auth }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'DELETE /api/admin/tokens/{id}',
    run: ({ auth, subject }) =>
      h.request({
        method: 'DELETE',
        url: `/api/admin/tokens/${subject.tokenId}?reason=matrix`,
        auth,
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal(await tokenExists(cell.subject.tokenId), cell.role !== 'Admin');
    },
  },
  {
    name: 'POST /api/admin/tokens/revoke',
    run: ({ auth, subject }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/tokens/revoke',
        auth,
        body: { ids: [subject.tokenId], reason: 'matrix' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal(await tokenExists(cell.subject.tokenId), cell.role !== 'Admin');
    },
  },
  {
    name: 'GET /api/admin/tokens/{id}/usage',
    run: ({ auth, subject }) =>
      h.request({ method: 'GET', url: `/api/admin/tokens/${subject.tokenId}/usage`, auth }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'GET /api/admin/webhooks',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/admin/webhooks', auth }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'POST /api/admin/webhooks',
    run: ({ auth }) =>
      h.request({
        method: 'POST',
        url: '/api/admin/webhooks',
        auth,
        body: { url: 'http://127.0.0.1:9/made', events: ['*'], description: `made ${++seq}` },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 201);
      const made = await h.db.query('SELECT 1 FROM webhooks WHERE description = $1', [
        `made ${seq}`,
      ]);
      assert.equal(made.length, cell.role === 'Admin' ? 1 : 0);
    },
  },
  {
    name: 'GET /api/admin/webhooks/{id}',
    run: async (cell) =>
      h.request({
        method: 'GET',
        url: `/api/admin/webhooks/${await hookFor(cell)}`,
        auth: cell.auth,
      }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'PUT /api/admin/webhooks/{id}',
    run: async (cell) =>
      h.request({
        method: 'PUT',
        url: `/api/admin/webhooks/${await hookFor(cell)}`,
        auth: cell.auth,
        body: { url: 'http://127.0.0.1:9/put', events: ['*'], description: 'after' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal((await hookRow(cell))?.description === 'after', cell.role === 'Admin');
    },
  },
  {
    name: 'PATCH /api/admin/webhooks/{id}',
    run: async (cell) =>
      h.request({
        method: 'PATCH',
        url: `/api/admin/webhooks/${await hookFor(cell)}`,
        auth: cell.auth,
        body: { description: 'after' },
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal((await hookRow(cell))?.description === 'after', cell.role === 'Admin');
    },
  },
  {
    name: 'DELETE /api/admin/webhooks/{id}',
    run: async (cell) =>
      h.request({
        method: 'DELETE',
        url: `/api/admin/webhooks/${await hookFor(cell)}`,
        auth: cell.auth,
      }),
    async check(cell, response) {
      adminOnly(cell, response, 200);
      assert.equal((await hookRow(cell)) === undefined, cell.role === 'Admin');
    },
  },
  {
    name: 'GET /api/admin/webhooks/{id}/deliveries',
    run: async (cell) =>
      h.request({
        method: 'GET',
        url: `/api/admin/webhooks/${await hookFor(cell)}/deliveries`,
        auth: cell.auth,
      }),
    check: async (cell, response) => adminOnly(cell, response, 200),
  },
  {
    name: 'POST /api/admin/webhooks/{id}/test',
    run: async (cell) =>
      h.request({
        method: 'POST',
        url: `/api/admin/webhooks/${await hookFor(cell)}/test`,
        auth: cell.auth,
      }),
    async check(cell, response) {
      adminOnly(cell, response, 202);
      assert.equal(await testDeliveries(cell), cell.role === 'Admin' ? 1 : 0);
    },
  },
  // The gateway endpoints take tokens only: a session is 401 whatever the role.
  {
    name: 'GET /api/authz/forward-auth',
    run: ({ auth }) => h.request({ method: 'GET', url: '/api/authz/forward-auth', auth }),
    async check({ auth, actor, role }, response) {
      if (auth && 'cookie' in auth) return expectStatus(response, 401);
      expectStatus(response, 200);
      assert.equal(response.headers['x-unlatch-user-id'], String(actor.user.id));
      assert.equal(response.headers['remote-groups'], role);
    },
  },
  {
    name: 'POST /oauth/introspect',
    run: ({ auth, subject }) =>
      h.request({
        method: 'POST',
        url: '/oauth/introspect',
        auth,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${encodeURIComponent(subject.token)}`,
      }),
    async check({ auth, role, subject }, response) {
      if (auth && 'cookie' in auth) return expectStatus(response, 401);
      // Admins' tokens (scopes *) may introspect; others need the scope introspect.
      expectStatus(response, role === 'Admin' ? 200 : 403);
      if (role === 'Admin')
        assert.equal(json<{ sub: string }>(response).sub, String(subject.user.id));
    },
  },
];

let cells = 0;
for (const route of routes) {
  describe(route.name, () => {
    for (const role of ['Admin', 'Editor', 'Viewer'] as const) {
      for (const via of ['session', 'PAT'] as const) {
        for (const own of [true, false]) {
          test(`${role} by ${via}, ${own ? 'own resource' : "someone else's"}`, async () => {
            cells++;
            const actor = await party(role);
            const target = await party('Editor');
            const auth: Auth =
              via === 'session' ? { cookie: actor.cookie } : { token: actor.token };
            const cell: Cell = {
              actor,
              target,
              auth,
              role,
              via,
              own,
              subject: own ? actor : target,
            };
            await route.check(cell, await route.run(cell));
          });
        }
      }
    }
  });
}

test('the matrix covered every cell', () => {
  assert.equal(cells, routes.length * 3 * 2 * 2);
});
