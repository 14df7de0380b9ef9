// What each scenario sends. The baseline receives exactly the same requests, so the load
// generator does the same work on both sides and the ratio compares servers only.

import type { Request } from 'autocannon';
import type { ScenarioName } from './options.js';
import type { Fixtures } from './seed.js';

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** A fresh request list for one autocannon run. */
  requests(): Request[];
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

// Shared by every run in this process, so that descriptions stay unique across warm-up,
// rounds and scenarios (a repeated description would be a 409, not a create).
let sequence = 0;
const runTag = Date.now().toString(36);

function rotating<T>(items: readonly T[]): () => T {
  return () => {
    if (items.length === 0) throw new Error('this scenario needs seeded users');
    return items[sequence++ % items.length] as T;
  };
}

function authGet(name: ScenarioName, title: string, path: string, token: string): Scenario {
  return {
    name,
    title,
    requests: () => [{ method: 'GET', path, headers: { authorization: token } }],
  };
}

/**
 * Pages of the Admins' inventory (the reader is an Admin): the newest page, a filtered one,
 * one owner's, and, when the scale run found one, a page from the middle by its cursor.
 */
export function inventoryScenario(
  token: string,
  ownerId?: number,
  middleCursor?: string,
): Scenario {
  const paths = [
    '/api/admin/tokens?limit=100',
    '/api/admin/tokens?limit=100&expired=false&neverUsed=true',
    ...(ownerId === undefined ? [] : [`/api/admin/tokens?owner=${ownerId}&limit=100`]),
    ...(middleCursor === undefined ? [] : [`/api/admin/tokens?limit=100&next=${middleCursor}`]),
  ];
  return {
    name: 'inventory',
    title: 'GET /api/admin/tokens, a page of 100 (Admin PAT)',
    requests: () =>
      paths.map((path) => ({ method: 'GET', path, headers: { authorization: token } })),
  };
}

export function buildScenarios(fixtures: Fixtures): Record<ScenarioName, Scenario> {
  const readerToken = fixtures.readerTokens[0]?.secret;
  if (readerToken === undefined) throw new Error('the reader has no token');
  const nextUser = rotating(fixtures.users);
  const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  return {
    auth: authGet('auth', 'GET /api/admin/user (PAT)', '/api/admin/user', readerToken),
    list: authGet(
      'list',
      'GET /api/admin/user/tokens (PAT)',
      '/api/admin/user/tokens',
      readerToken,
    ),
    create: {
      name: 'create',
      title: `POST /api/admin/user/tokens (PAT, ${fixtures.users.length} users)`,
      requests: () => [
        {
          method: 'POST',
          path: '/api/admin/user/tokens',
          // Called for every request: a different user's token and a new description.
          setupRequest: (request) => {
            const user = nextUser();
            return {
              ...request,
              headers: { ...JSON_HEADERS, authorization: user.token },
              body: JSON.stringify({ description: `bench ${runTag} ${sequence}`, expiresAt }),
            };
          },
        },
      ],
    },
    // The gateway's hot path: a cached token's check, answered with identity headers.
    verify: authGet(
      'verify',
      'GET /api/authz/forward-auth (PAT), vs bare node:http',
      '/api/authz/forward-auth',
      readerToken,
    ),
    // Server: nginx with auth_request to Unlatch; baseline: the same nginx without auth. Both
    // proxy to a bare node:http upstream (see bench/gateway-mode.ts).
    gateway: authGet(
      'gateway',
      'GET /hello through nginx auth_request (PAT), vs the same nginx without auth',
      '/hello',
      readerToken,
    ),
    inventory: inventoryScenario(readerToken),
    login: {
      name: 'login',
      title: `POST /auth/simple/login (scrypt, ${fixtures.users.length} users)`,
      requests: () => [
        {
          method: 'POST',
          path: '/auth/simple/login',
          setupRequest: (request) => ({
            ...request,
            headers: { ...JSON_HEADERS },
            body: JSON.stringify({ username: nextUser().username, password: fixtures.password }),
          }),
        },
      ],
    },
  };
}
