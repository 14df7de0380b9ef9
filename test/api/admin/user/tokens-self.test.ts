// GET and DELETE /api/admin/user/tokens/self: the calling token itself.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError } from '../../../helpers/assertions.js';
import { type Harness, json, startHarness } from '../../../helpers/harness.js';

const URL = '/api/admin/user/tokens/self';
let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('GET: the calling token as in the list, with its scopes and audiences', async () => {
  const owner = await h.quickSignedIn('Viewer');
  const created = json<{ id: number; secret: string; description: string }>(
    await h.createPat({ cookie: owner.cookie }),
  );
  await h.createPat({ cookie: owner.cookie }); // another one, not this one
  const response = await h.request({ method: 'GET', url: URL, auth: { token: created.secret } });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['cache-control'], 'no-store');
  const self = json<Record<string, unknown>>(response);
  assert.deepEqual(Object.keys(self), [
    'id',
    'description',
    'expiresAt',
    'userId',
    'createdAt',
    'seenAt',
    'scopes',
    'audiences',
  ]);
  assert.equal(self.id, created.id);
  assert.equal(self.userId, owner.user.id);
  assert.deepEqual(self.scopes, ['*']);
  assert.deepEqual(self.audiences, []);
  assert.equal(JSON.stringify(self).includes(created.secret.slice(-43)), false);
});

test('a session has no calling token: 404 for GET and DELETE, and nothing is deleted', async () => {
  const owner = await h.quickSignedIn('Editor');
  await h.createPat({ cookie: owner.cookie });
  for (const method of ['GET', 'DELETE'] as const) {
    assertError(
      await h.request({ method, url: URL, auth: { cookie: owner.cookie } }),
      404,
      'NotFoundError',
      /made with a session, not a token/,
    );
  }
  const list = json<{ pats: unknown[] }>(
    await h.request({
      method: 'GET',
      url: '/api/admin/user/tokens',
      auth: { cookie: owner.cookie },
    }),
  );
  assert.equal(list.pats.length, 1);
});

test('DELETE: revokes the calling token only; the next request with it fails', async () => {
  const owner = await h.quickSignedIn('Editor');
  const doomed = json<{ id: number; secret: string }>(await h.createPat({ cookie: owner.cookie }));
  const other = json<{ secret: string }>(await h.createPat({ cookie: owner.cookie }));
  assert.equal(
    (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: doomed.secret } }))
      .statusCode,
    200,
  );
  const deleted = await h.request({
    method: 'DELETE',
    url: URL,
    auth: { token: `Bearer ${doomed.secret}` },
  });
  assert.equal(deleted.statusCode, 200, deleted.body);
  assertError(
    await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: doomed.secret } }),
    401,
    'UnauthorizedError',
  );
  assert.equal(
    (await h.request({ method: 'GET', url: URL, auth: { token: other.secret } })).statusCode,
    200,
  );
  const [event] = await h.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM events WHERE type = 'pat-deleted' AND (data->>'id')::int = $1",
    [doomed.id],
  );
  assert.equal(event?.n, 1);
});

test('strangers get 401', async () => {
  for (const method of ['GET', 'DELETE'] as const) {
    assertError(await h.request({ method, url: URL }), 401, 'AuthenticationRequired');
  }
});
