// POST /api/public/tokens/revoke: anyone may report leaked tokens; each live one is revoked
// at once; the answer is always 202 with nothing in it, so it is no oracle.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertTooMany, bogusToken } from '../../helpers/assertions.js';
import { type Harness, json, startHarness } from '../../helpers/harness.js';

const URL = '/api/public/tokens/revoke';
let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const report = (tokens: unknown, headers: Record<string, string> = {}) =>
  h.request({ method: 'POST', url: URL, body: { tokens }, headers });

const me = (token: string) => h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });

test('a reported live token is revoked at once, with a pat-leaked event; the answer says nothing', async () => {
  const owner = await h.quickSignedIn('Editor');
  const leaked = json<{ id: number; secret: string }>(await h.createPat({ cookie: owner.cookie }));
  const kept = json<{ secret: string }>(await h.createPat({ cookie: owner.cookie }));
  assert.equal((await me(leaked.secret)).statusCode, 200, 'cached before the report');
  const answer = await report([leaked.secret], { 'user-agent': 'secret-scanner/1.0' });
  assert.equal(answer.statusCode, 202);
  assert.equal(answer.body, '');
  assertError(await me(leaked.secret), 401, 'UnauthorizedError');
  assert.equal((await me(kept.secret)).statusCode, 200, 'only the reported token');
  const [event] = await h.db.query<{
    created_by: string;
    created_by_user_id: number | null;
    data: Record<string, unknown>;
  }>("SELECT created_by, created_by_user_id, data FROM events WHERE type = 'pat-leaked'");
  assert.equal(event?.created_by, 'leak-report');
  assert.equal(event?.created_by_user_id, null);
  assert.equal(event?.data.id, leaked.id);
  assert.equal(event?.data.userId, owner.user.id);
  assert.equal(event?.data.reporterUserAgent, 'secret-scanner/1.0');
});

test('no oracle: garbage, unknown, a selector with a wrong secret and a live token all get the same 202', async () => {
  const owner = await h.quickSignedIn('Editor');
  const live = json<{ secret: string }>(await h.createPat({ cookie: owner.cookie })).secret;
  const wrongSecret = `${live.slice(0, -1)}${live.at(-1) === 'A' ? 'B' : 'A'}`;
  const answers = [];
  for (const tokens of [['garbage'], [bogusToken(1)], [wrongSecret], [], [live]]) {
    answers.push(await report(tokens));
  }
  assert.deepEqual(
    answers.map((r) => [r.statusCode, r.body, r.headers['content-type']]),
    Array(5).fill([202, '', undefined]),
  );
  // The selector alone proves nothing: only the last report, the whole secret, revoked it.
  assertError(await me(live), 401, 'UnauthorizedError');
});

test('bad shapes are 400/415 in the error shape; more than 1,000 tokens is a 400', async () => {
  assertError(await report('not a list'), 400, 'BadDataError');
  assertError(await report([42]), 400, 'BadDataError');
  assertError(await report(Array(1001).fill('x')), 400, 'BadDataError');
  assertError(
    await h.request({
      method: 'POST',
      url: URL,
      body: 'tokens',
      headers: { 'content-type': 'text/plain' },
    }),
    415,
    'ContentTypeError',
  );
  assertError(await h.request({ method: 'POST', url: URL }), 415, 'ContentTypeError');
});

test('reports are limited per address: 429 in the error shape', async () => {
  const hx = await startHarness({ LEAK_REPORT_RATE_LIMIT_PER_MINUTE: '3' });
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await hx.request({ method: 'POST', url: URL, body: { tokens: [] } })).statusCode,
        202,
      );
    }
    assertTooMany(await hx.request({ method: 'POST', url: URL, body: { tokens: [] } }));
  } finally {
    await hx.close();
  }
});
