// Ids at and past the integer limits on every route that takes one, and paths the router
// itself rejects: each answer is a 4xx in the contract's shape, never a 500 or Fastify's own
// body; under /api/admin a stranger gets 401 before anything else.

import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../helpers/assertions.js';
import { type Harness, startHarness, type TestUser } from '../helpers/harness.js';

let h: Harness;
let admin: TestUser;
before(async () => {
  h = await startHarness();
  admin = await h.quickSignedIn('Admin');
});
after(() => h.close());

/** The error shape, with the headers every answer carries (no sniffing, no caching). */
function assertHardenedError(response: LightMyRequestResponse, status: number, name: string) {
  return assertError(response, status, name, {
    headers: { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });
}

// Past int4 (the id columns), past int8, past a double's exact range, and digits that are
// digits only to unicode.
const PAST_LIMITS = [
  '2147483648',
  '-2147483648',
  '4294967296',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '9007199254740993',
  '1' + '0'.repeat(400),
  encodeURIComponent('١٢٣'),
  encodeURIComponent('１２'),
  encodeURIComponent('٣'),
];

const ID_ROUTES: {
  method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  url: (id: string) => string;
  body?: unknown;
}[] = [
  { method: 'DELETE', url: (id) => `/api/admin/user/tokens/${id}` },
  { method: 'GET', url: (id) => `/api/admin/user-admin/${id}` },
  { method: 'PUT', url: (id) => `/api/admin/user-admin/${id}`, body: { name: 'x' } },
  { method: 'DELETE', url: (id) => `/api/admin/user-admin/${id}` },
  {
    method: 'POST',
    url: (id) => `/api/admin/user-admin/${id}/change-password`,
    body: { password: 'A-long-enough-Passw0rd!' },
  },
];

describe('ids at and past the integer limits', () => {
  for (const route of ID_ROUTES) {
    test(`${route.method} ${route.url(':id')}: past the limits is 400 on /params/id`, async () => {
      for (const id of PAST_LIMITS) {
        const response = await h.request({
          method: route.method,
          url: route.url(id),
          auth: { cookie: admin.cookie },
          ...(route.body !== undefined && { body: route.body }),
        });
        const body = assertHardenedError(response, 400, 'BadDataError');
        assert.equal(
          body.details[0] && 'path' in body.details[0] && body.details[0].path,
          '/params/id',
          id,
        );
      }
    });

    test(`${route.method} ${route.url(':id')}: the largest int4 is a well-formed id of nothing`, async () => {
      const response = await h.request({
        method: route.method,
        url: route.url('2147483647'),
        auth: { cookie: admin.cookie },
        ...(route.body !== undefined && { body: route.body }),
      });
      // Deleting a token is idempotent (200); a user that does not exist is 404.
      if (route.url('x').startsWith('/api/admin/user/tokens'))
        assert.equal(response.statusCode, 200);
      else assertHardenedError(response, 404, 'NotFoundError');
    });
  }

  test('events paging at and past its limits never fails the request', async () => {
    for (const query of [
      'limit=2147483648&offset=9223372036854775808',
      'limit=0',
      'offset=999999999',
      'limit=1000',
    ]) {
      const response = await h.request({
        method: 'GET',
        url: `/api/admin/events?${query}`,
        auth: { cookie: admin.cookie },
      });
      assert.equal(response.statusCode < 500, true, `${query}: ${response.statusCode}`);
      if (response.statusCode >= 400) assertHardenedError(response, 400, 'BadDataError');
    }
  });
});

describe('paths the router rejects (regression: Fastify answered these in its own shape)', () => {
  const MALFORMED = ['/api/admin/user/tokens/%E0%A4%A', '/api/admin/%%32fuser', '/api/admin/user%'];

  test('a malformed percent-escape under /api/admin: 401 for a stranger, 400 for a user', async () => {
    for (const url of MALFORMED) {
      assertHardenedError(await h.request({ method: 'GET', url }), 401, 'AuthenticationRequired');
      assertHardenedError(
        await h.request({ method: 'GET', url, auth: { token: 'garbage' } }),
        401,
        'UnauthorizedError',
      );
      const body = assertHardenedError(
        await h.request({ method: 'GET', url, auth: { cookie: admin.cookie } }),
        400,
        'BadDataError',
      );
      assert.ok(!body.message.includes(url), 'the path is not echoed');
    }
  });

  test('a malformed percent-escape elsewhere: 400 in the error shape', async () => {
    for (const url of ['/%zz', '/health%', '/auth/simple/login%']) {
      assertHardenedError(await h.request({ method: 'GET', url }), 400, 'BadDataError');
    }
  });

  test('a path parameter over the router limit: 400 in the error shape, 401 first for a stranger', async () => {
    const url = `/api/admin/user/tokens/${'1'.repeat(600)}`;
    assertHardenedError(await h.request({ method: 'DELETE', url }), 401, 'AuthenticationRequired');
    assertHardenedError(
      await h.request({ method: 'DELETE', url, auth: { cookie: admin.cookie } }),
      400,
      'BadDataError',
    );
  });
});
