// Issue 9, "Unleash clients that still trip": DELETE ignores its body, an unknown path is a
// 404 whatever body it carries, and OPTIONS answers as Unleash's Express does.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, json, startHarness } from '../../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

async function tokenCount(userId: number): Promise<number> {
  const [row] = await h.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM personal_access_tokens WHERE user_id = $1',
    [userId],
  );
  return row?.n ?? 0;
}

test('DELETE of a token answers 200 whatever body or content-type comes with it', async () => {
  const owner = await h.quickSignedIn('Editor');
  const cases: { headers: Record<string, string>; payload?: string }[] = [
    { headers: { 'content-type': 'application/json' } },
    { headers: { 'content-type': 'application/json' }, payload: '' },
    { headers: { 'content-type': 'application/json' }, payload: '{}' },
    { headers: { 'content-type': 'application/json' }, payload: '{not json' },
    { headers: { 'content-type': 'text/plain' }, payload: 'hello' },
    { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' },
  ];
  for (const { headers, payload } of cases) {
    const { id } = json<{ id: number }>(await h.createPat({ cookie: owner.cookie }));
    const response = await h.app.inject({
      method: 'DELETE',
      url: `/api/admin/user/tokens/${id}`,
      headers: { ...headers, cookie: owner.cookie },
      ...(payload !== undefined && { payload }),
    });
    assert.equal(
      response.statusCode,
      200,
      `${JSON.stringify(headers)} ${payload}: ${response.body}`,
    );
  }
  assert.equal(await tokenCount(owner.user.id), 0, 'every token was deleted');
  // A stranger still gets 401, body or not.
  const stranger = await h.app.inject({
    method: 'DELETE',
    url: '/api/admin/user/tokens/1',
    headers: { 'content-type': 'application/json' },
  });
  assertError(stranger, 401, 'AuthenticationRequired');
});

test('an unknown path is a 404 even with an empty or malformed JSON body (401 first under /api/admin)', async () => {
  const user = await h.quickSignedIn('Viewer');
  for (const payload of ['', '{oops', '"x"']) {
    for (const [url, cookie, status, name] of [
      ['/api/admin/no-such-thing', user.cookie, 404, 'NotFoundError'],
      ['/api/admin/no-such-thing', undefined, 401, 'AuthenticationRequired'],
      ['/no-such-thing', undefined, 404, 'NotFoundError'],
    ] as const) {
      const response = await h.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...(cookie && { cookie }) },
        payload,
      });
      assertError(response, status, name);
    }
  }
});

test('an authenticated OPTIONS lists the methods as text/html, like Unleash', async () => {
  const user = await h.quickSignedIn('Viewer');
  const response = await h.request({
    method: 'OPTIONS',
    url: '/api/admin/user/tokens',
    auth: { cookie: user.cookie },
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers.allow, 'GET,HEAD,POST');
  assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(response.body, 'GET,HEAD,POST');
  // With a JSON content-type and no body, as some clients send on every request.
  const withType = await h.app.inject({
    method: 'OPTIONS',
    url: '/api/admin/user/tokens',
    headers: { cookie: user.cookie, 'content-type': 'application/json' },
  });
  assert.equal(withType.statusCode, 200, withType.body);
});
