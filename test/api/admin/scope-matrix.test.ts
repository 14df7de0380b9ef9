// The scope matrix (spec/scopes.md): every route of Unlatch's own API x the token's scopes
// {full, read-only, the route's own scope, another resource's scope} x the owner's role
// {Admin, Editor, Viewer}. Each cell makes the request with a token and asserts the answer and
// what it changed in the database: a route runs only when the scope holds AND the role allows;
// a missing scope is a 403 naming it, checked before the role.

import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, test } from 'node:test';
import type { SqlParam } from '../../../src/db/db.js';
import { holdsScope } from '../../../src/core/scopes.js';
import type { RootRole } from '../../../src/core/user.js';
import { type Harness, inDays, json, startHarness, type TestUser } from '../../helpers/harness.js';

type Kind = 'full' | 'read-only' | 'own scope' | 'other resource';
const KINDS: Kind[] = ['full', 'read-only', 'own scope', 'other resource'];
const ROLES: RootRole[] = ['Admin', 'Editor', 'Viewer'];

interface Cell {
  role: RootRole;
  user: TestUser;
  token: { id: number; secret: string };
  /** A second token of the cell's user, for routes that delete one. */
  spare: number;
  /** Another person, for the user-admin routes. */
  other: number;
  /** A service account with one token, for its routes. */
  account: { id: number; tokenId: number };
  /** A webhook, for its routes. */
  webhook: number;
}

interface RouteCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The resource its scope names; null: any token. */
  resource: string | null;
  /** The roles that may use it at all. */
  roles: readonly RootRole[];
  /** Status when it runs. */
  ok: number;
  /** The 403 it gives a token that holds the scope anyway (own password: needs a session). */
  refusedAnyway?: string;
  url(cell: Cell): string;
  body?(cell: Cell): unknown;
  /** What the route changes, read before and after: it must differ exactly when it ran. */
  probe?(cell: Cell): Promise<unknown>;
}

const ALL: readonly RootRole[] = ROLES;
const ADMIN: readonly RootRole[] = ['Admin'];
let h: Harness;
let admin: TestUser;
let seq = 0;

before(async () => {
  h = await startHarness();
  admin = await h.quickSignedIn('Admin');
});
after(() => h.close());

const count = async (sql: string, params: SqlParam[]) => (await h.db.query(sql, params)).length;
const tokenLive = (id: number) => count('SELECT 1 FROM personal_access_tokens WHERE id = $1', [id]);
const rotated = async (id: number) =>
  JSON.stringify(
    await h.db.query('SELECT rotated_to FROM personal_access_tokens WHERE id = $1', [id]),
  );
const webhookState = async (id: number) =>
  JSON.stringify(
    await h.db.query('SELECT url, description, events FROM webhooks WHERE id = $1', [id]),
  );
const userState = async (id: number) =>
  JSON.stringify(
    await h.db.query('SELECT name, root_role, deleted_at, password_hash FROM users WHERE id = $1', [
      id,
    ]),
  );

const routes: RouteCase[] = [
  {
    name: 'GET /api/admin/user',
    method: 'GET',
    resource: 'users',
    roles: ALL,
    ok: 200,
    url: () => '/api/admin/user',
  },
  {
    name: 'GET /api/admin/ui-config',
    method: 'GET',
    resource: null,
    roles: ALL,
    ok: 200,
    url: () => '/api/admin/ui-config',
  },
  {
    name: 'GET /api/admin/user/tokens',
    method: 'GET',
    resource: 'tokens',
    roles: ALL,
    ok: 200,
    url: () => '/api/admin/user/tokens',
  },
  {
    name: 'POST /api/admin/user/tokens',
    method: 'POST',
    resource: 'tokens',
    roles: ALL,
    ok: 201,
    url: () => '/api/admin/user/tokens',
    // Within any cell's scopes, so that the maker rule does not decide the answer.
    body: (cell) => ({
      description: `m${++seq}`,
      expiresAt: inDays(1),
      scopes: cellScopes.get(cell),
    }),
    probe: (cell) =>
      count('SELECT 1 FROM personal_access_tokens WHERE user_id = $1', [cell.user.user.id]),
  },
  {
    name: 'DELETE /api/admin/user/tokens/{id}',
    method: 'DELETE',
    resource: 'tokens',
    roles: ALL,
    ok: 200,
    url: (cell) => `/api/admin/user/tokens/${cell.spare}`,
    probe: (cell) => tokenLive(cell.spare),
  },
  {
    name: 'GET /api/admin/user/tokens/self',
    method: 'GET',
    resource: 'tokens',
    roles: ALL,
    ok: 200,
    url: () => '/api/admin/user/tokens/self',
  },
  {
    name: 'DELETE /api/admin/user/tokens/self',
    method: 'DELETE',
    resource: 'tokens',
    roles: ALL,
    ok: 200,
    url: () => '/api/admin/user/tokens/self',
    probe: (cell) => tokenLive(cell.token.id),
  },
  {
    name: 'POST /api/admin/user/change-password',
    method: 'POST',
    resource: 'users',
    roles: ALL,
    ok: 200,
    refusedAnyway: 'OperationDeniedError',
    url: () => '/api/admin/user/change-password',
    body: () => ({ password: 'Sc0pe-matrix pw!', confirmPassword: 'Sc0pe-matrix pw!' }),
    probe: (cell) => userState(cell.user.user.id),
  },
  {
    name: 'GET /api/admin/events',
    method: 'GET',
    resource: 'events',
    roles: ADMIN,
    ok: 200,
    url: () => '/api/admin/events',
  },
  {
    name: 'GET /api/admin/user-admin',
    method: 'GET',
    resource: 'users',
    roles: ADMIN,
    ok: 200,
    url: () => '/api/admin/user-admin',
  },
  {
    name: 'POST /api/admin/user-admin',
    method: 'POST',
    resource: 'users',
    roles: ADMIN,
    ok: 201,
    url: () => '/api/admin/user-admin',
    body: () => ({ username: `scoped-made-${++seq}`, rootRole: 'Viewer' }),
    probe: () => count("SELECT 1 FROM users WHERE username LIKE 'scoped-made-%'", []),
  },
  {
    name: 'GET /api/admin/user-admin/{id}',
    method: 'GET',
    resource: 'users',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/user-admin/${cell.other}`,
  },
  {
    name: 'PUT /api/admin/user-admin/{id}',
    method: 'PUT',
    resource: 'users',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/user-admin/${cell.other}`,
    body: () => ({ name: `renamed ${++seq}` }),
    probe: (cell) => userState(cell.other),
  },
  {
    name: 'POST /api/admin/user-admin/{id}/change-password',
    method: 'POST',
    resource: 'users',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/user-admin/${cell.other}/change-password`,
    body: () => ({ password: 'Sc0pe-matrix pw!' }),
    probe: (cell) => userState(cell.other),
  },
  {
    name: 'DELETE /api/admin/user-admin/{id}',
    method: 'DELETE',
    resource: 'users',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/user-admin/${cell.other}`,
    probe: (cell) => userState(cell.other),
  },
  {
    name: 'GET /api/admin/service-account',
    method: 'GET',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 200,
    url: () => '/api/admin/service-account',
  },
  {
    name: 'POST /api/admin/service-account',
    method: 'POST',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 201,
    url: () => '/api/admin/service-account',
    body: () => ({ username: `scoped-bot-${++seq}`, rootRole: 'Viewer' }),
    probe: () => count("SELECT 1 FROM users WHERE username LIKE 'scoped-bot-%'", []),
  },
  {
    name: 'PUT /api/admin/service-account/{id}',
    method: 'PUT',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/service-account/${cell.account.id}`,
    body: () => ({ name: `bot ${++seq}` }),
    probe: (cell) => userState(cell.account.id),
  },
  {
    name: 'DELETE /api/admin/service-account/{id}',
    method: 'DELETE',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/service-account/${cell.account.id}`,
    probe: (cell) => userState(cell.account.id),
  },
  {
    name: 'GET /api/admin/service-account/{id}/token',
    method: 'GET',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/service-account/${cell.account.id}/token`,
  },
  {
    name: 'POST /api/admin/service-account/{id}/token',
    method: 'POST',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 201,
    url: (cell) => `/api/admin/service-account/${cell.account.id}/token`,
    body: (cell) => ({
      description: `sa ${++seq}`,
      expiresAt: inDays(1),
      scopes: cellScopes.get(cell),
    }),
    probe: (cell) =>
      count('SELECT 1 FROM personal_access_tokens WHERE user_id = $1', [cell.account.id]),
  },
  {
    name: 'DELETE /api/admin/service-account/{id}/token/{tokenId}',
    method: 'DELETE',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/service-account/${cell.account.id}/token/${cell.account.tokenId}`,
    probe: (cell) => tokenLive(cell.account.tokenId),
  },
  // Issue 13: rotation, usage, the Admins' inventory.
  {
    name: 'POST /api/admin/user/tokens/{id}/rotate',
    method: 'POST',
    resource: 'tokens',
    roles: ALL,
    ok: 201,
    url: (cell) => `/api/admin/user/tokens/${cell.spare}/rotate`,
    body: () => ({ overlapSeconds: 0 }),
    probe: (cell) => rotated(cell.spare),
  },
  {
    name: 'GET /api/admin/user/tokens/{id}/usage',
    method: 'GET',
    resource: 'tokens',
    roles: ALL,
    ok: 200,
    url: (cell) => `/api/admin/user/tokens/${cell.spare}/usage`,
  },
  {
    name: 'GET /api/admin/tokens',
    method: 'GET',
    resource: 'tokens',
    roles: ADMIN,
    ok: 200,
    url: () => '/api/admin/tokens',
  },
  {
    name: 'GET /api/admin/tokens/{id}/usage',
    method: 'GET',
    resource: 'tokens',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/tokens/${cell.account.tokenId}/usage`,
  },
  {
    name: 'DELETE /api/admin/tokens/{id}',
    method: 'DELETE',
    resource: 'tokens',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/tokens/${cell.account.tokenId}?reason=matrix`,
    probe: (cell) => tokenLive(cell.account.tokenId),
  },
  {
    name: 'POST /api/admin/tokens/revoke',
    method: 'POST',
    resource: 'tokens',
    roles: ADMIN,
    ok: 200,
    url: () => '/api/admin/tokens/revoke',
    body: (cell) => ({ ids: [cell.account.tokenId], reason: 'matrix' }),
    probe: (cell) => tokenLive(cell.account.tokenId),
  },
  {
    name: 'POST /api/admin/service-account/{id}/token/{tokenId}/rotate',
    method: 'POST',
    resource: 'service-accounts',
    roles: ADMIN,
    ok: 201,
    url: (cell) =>
      `/api/admin/service-account/${cell.account.id}/token/${cell.account.tokenId}/rotate`,
    probe: (cell) => rotated(cell.account.tokenId),
  },
  // Issue 14: webhooks.
  {
    name: 'GET /api/admin/webhooks',
    method: 'GET',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 200,
    url: () => '/api/admin/webhooks',
  },
  {
    name: 'POST /api/admin/webhooks',
    method: 'POST',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 201,
    url: () => '/api/admin/webhooks',
    body: () => ({
      url: 'http://127.0.0.1:9/made',
      events: ['pat-expired'],
      description: `scoped-hook-${++seq}`,
    }),
    probe: () => count("SELECT 1 FROM webhooks WHERE description LIKE 'scoped-hook-%'", []),
  },
  {
    name: 'GET /api/admin/webhooks/{id}',
    method: 'GET',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/webhooks/${cell.webhook}`,
  },
  {
    name: 'PUT /api/admin/webhooks/{id}',
    method: 'PUT',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/webhooks/${cell.webhook}`,
    body: () => ({ url: 'http://127.0.0.1:9/put', events: ['pat-expired'], description: 'put' }),
    probe: (cell) => webhookState(cell.webhook),
  },
  {
    name: 'PATCH /api/admin/webhooks/{id}',
    method: 'PATCH',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/webhooks/${cell.webhook}`,
    body: () => ({ description: `patched ${++seq}` }),
    probe: (cell) => webhookState(cell.webhook),
  },
  {
    name: 'DELETE /api/admin/webhooks/{id}',
    method: 'DELETE',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/webhooks/${cell.webhook}`,
    probe: (cell) => webhookState(cell.webhook),
  },
  {
    name: 'GET /api/admin/webhooks/{id}/deliveries',
    method: 'GET',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 200,
    url: (cell) => `/api/admin/webhooks/${cell.webhook}/deliveries`,
  },
  {
    name: 'POST /api/admin/webhooks/{id}/test',
    method: 'POST',
    resource: 'webhooks',
    roles: ADMIN,
    ok: 202,
    url: (cell) => `/api/admin/webhooks/${cell.webhook}/test`,
    probe: (cell) =>
      count('SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1', [cell.webhook]),
  },
];

const cellScopes = new WeakMap<Cell, string[]>();

function scopesFor(kind: Kind, route: RouteCase): string[] {
  const action = route.method === 'GET' ? 'read' : 'write';
  const resource = route.resource ?? 'tokens';
  if (kind === 'full') return ['*'];
  if (kind === 'read-only') return ['*:read'];
  if (kind === 'own scope') return [`${resource}:${action}`];
  return [`${resource === 'events' ? 'tokens' : 'events'}:*`];
}

async function makeCell(role: RootRole, scopes: string[]): Promise<Cell> {
  const user = await h.quickSignedIn(role);
  const make = async (grant: object) => {
    const response = await h.createPat({ cookie: user.cookie }, grant);
    assert.equal(response.statusCode, 201, response.body);
    return json<{ id: number; secret: string }>(response);
  };
  const token = await make({ scopes });
  // With the cell's scopes: a token can rotate only what it could make itself.
  const spare = (await make({ scopes })).id;
  const other = (await h.createUser('Viewer')).id;
  const made = await h.request({
    method: 'POST',
    url: '/api/admin/service-account',
    auth: { cookie: admin.cookie },
    body: { username: `cell-bot-${++seq}`, rootRole: 'Viewer' },
  });
  const accountId = json<{ id: number }>(made).id;
  const accountToken = await h.request({
    method: 'POST',
    url: `/api/admin/service-account/${accountId}/token`,
    auth: { cookie: admin.cookie },
    body: { description: 'cell', expiresAt: inDays(1), scopes },
  });
  const hook = await h.request({
    method: 'POST',
    url: '/api/admin/webhooks',
    auth: { cookie: admin.cookie },
    body: { url: 'http://127.0.0.1:9/cell', events: ['pat-expired'], description: 'cell' },
  });
  assert.equal(hook.statusCode, 201, hook.body);
  const cell = {
    role,
    user,
    token,
    spare,
    other,
    account: { id: accountId, tokenId: json<{ id: number }>(accountToken).id },
    webhook: json<{ id: number }>(hook).id,
  };
  cellScopes.set(cell, scopes);
  return cell;
}

let cells = 0;
const tally = new Map<number, number>();
for (const route of routes) {
  describe(route.name, () => {
    for (const role of ROLES) {
      for (const kind of KINDS) {
        test(`${role}, ${kind} token`, async () => {
          cells++;
          const scopes = scopesFor(kind, route);
          const cell = await makeCell(role, scopes);
          const before_ = await route.probe?.(cell);
          const response: LightMyRequestResponse = await h.request({
            method: route.method,
            url: route.url(cell),
            auth: { token: cell.token.secret },
            ...(route.body && { body: route.body(cell) }),
          });
          tally.set(response.statusCode, (tally.get(response.statusCode) ?? 0) + 1);
          const needed =
            route.resource === null
              ? undefined
              : `${route.resource}:${route.method === 'GET' ? 'read' : 'write'}`;
          const scopeHolds = needed === undefined || holdsScope(scopes, needed);
          const roleAllows = route.roles.includes(role);
          const runs = scopeHolds && roleAllows && route.refusedAnyway === undefined;
          if (runs) {
            assert.equal(response.statusCode, route.ok, response.body);
          } else {
            assert.equal(response.statusCode, 403, response.body);
            const body = json<{ name: string; permissions?: string[]; message: string }>(response);
            if (!scopeHolds) {
              assert.equal(body.name, 'PermissionError');
              assert.deepEqual(body.permissions, [needed], 'the missing scope is named');
            } else if (!roleAllows) {
              assert.equal(body.name, 'PermissionError');
              assert.deepEqual(body.permissions, ['ADMIN']);
            } else {
              assert.equal(body.name, route.refusedAnyway);
            }
          }
          if (route.probe) {
            const after_ = await route.probe(cell);
            assert.equal(
              JSON.stringify(after_) !== JSON.stringify(before_),
              runs,
              runs ? 'it changed the database' : 'nothing changed',
            );
          }
        });
      }
    }
  });
}

test('the matrix covered every cell', (t) => {
  assert.equal(cells, routes.length * ROLES.length * KINDS.length);
  t.diagnostic(
    `${cells} cells (${routes.length} routes x ${ROLES.length} roles x ${KINDS.length} token scopes); statuses ${[
      ...tally,
    ]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ')}`,
  );
});
