// The gateway's fast lane (src/features/authz/fast-lane.ts) over real HTTP: a cached, live,
// allowed token is answered before the framework with exactly the route's answer; everything
// else falls through to the route, which decides as before.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Harness, json, startHarness } from '../../helpers/harness.js';
import { metricValue, stableHeaders } from '../../helpers/answers.js';

let h: Harness;
let base: string;
let routeCalls = 0;

before(async () => {
  // Not debug: at debug level every request takes the route, to be logged.
  h = await startHarness({ LOG_LEVEL: 'warn' });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  // Counts the route's way (the lane calls authenticateCached instead): a spy on the real
  // authenticator, which still does its work.
  const pats = h.services.patAuthenticator;
  const authenticate = pats.authenticate.bind(pats);
  pats.authenticate = (token, clientKey) => {
    routeCalls++;
    return authenticate(token, clientKey);
  };
});
after(() => h.close());

function cacheHits(): Promise<number> {
  return metricValue(base, 'unlatch_token_authentications_total{outcome="cache_hit"}');
}

async function token(grant: { scopes?: string[] } = {}) {
  const owner = await h.quickSignedIn('Editor');
  const created = await h.createPat({ cookie: owner.cookie }, grant);
  return { owner, secret: json<{ secret: string }>(created).secret };
}

test("a cached token: the second answer comes from the lane and equals the route's", async () => {
  const { owner, secret } = await token();
  for (const path of ['/api/authz/forward-auth', '/api/authz/auth-request?resource=orders']) {
    const calls = routeCalls;
    const first = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    const second = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.deepEqual(stableHeaders(second.headers), stableHeaders(first.headers));
    assert.equal(await second.text(), '');
    assert.equal(second.headers.get('x-unlatch-user-id'), String(owner.user.id));
    assert.equal(second.headers.get('cache-control'), 'no-store');
    assert.equal(second.headers.get('x-content-type-options'), 'nosniff');
    // The first filled the cache through the route (or found it filled); the second did not
    // take the route.
    assert.ok(routeCalls - calls <= 1, `${routeCalls - calls} route calls`);
  }
});

test('a refusal, a body, another method, garbage: the route answers, as before', async () => {
  const { secret } = await token({ scopes: ['orders:read'] });
  const auth = { authorization: `Bearer ${secret}` };
  await fetch(`${base}/api/authz/forward-auth`, { headers: auth }); // cached now
  let calls = routeCalls;
  const hits = await cacheHits();
  const refused = await fetch(`${base}/api/authz/forward-auth?resource=orders`, {
    headers: { ...auth, 'x-forwarded-method': 'POST' },
  });
  assert.equal(refused.status, 403);
  assert.match(String(refused.headers.get('www-authenticate')), /insufficient_scope/);
  assert.equal(routeCalls - calls, 1, 'the route decided the refusal');
  // The lane declined before counting: the route's authentication is the only hit.
  assert.equal((await cacheHits()) - hits, 1);
  calls = routeCalls;
  const withBody = await fetch(`${base}/api/authz/forward-auth`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  assert.equal(withBody.status, 200);
  assert.equal(routeCalls - calls, 1);
  for (const headers of [{ authorization: 'garbage' }, {}] as Record<string, string>[]) {
    const answer = await fetch(`${base}/api/authz/auth-request`, { headers });
    assert.equal(answer.status, 401);
    assert.match(String(answer.headers.get('www-authenticate')), /^Bearer realm="unlatch"/);
  }
  const malformedAsk = await fetch(`${base}/api/authz/auth-request?scope=NOT%20OK`, {
    headers: auth,
  });
  assert.equal(malformedAsk.status, 400);
});

test('a revoked token is refused on the very next request, lane or not', async () => {
  const { owner, secret } = await token();
  const auth = { authorization: secret };
  await fetch(`${base}/api/authz/forward-auth`, { headers: auth });
  assert.equal((await fetch(`${base}/api/authz/forward-auth`, { headers: auth })).status, 200);
  const list = json<{ pats: { id: number }[] }>(
    await h.request({
      method: 'GET',
      url: '/api/admin/user/tokens',
      auth: { cookie: owner.cookie },
    }),
  );
  await h.request({
    method: 'DELETE',
    url: `/api/admin/user/tokens/${list.pats[0]?.id}`,
    auth: { cookie: owner.cookie },
  });
  assert.equal((await fetch(`${base}/api/authz/forward-auth`, { headers: auth })).status, 401);
});

test("the lane's answers are counted in the metrics under the route", async () => {
  const { secret } = await token();
  for (let i = 0; i < 5; i++)
    await fetch(`${base}/api/authz/forward-auth`, { headers: { authorization: secret } });
  const scrape = await fetch(`${base}/internal-backstage/prometheus`);
  const line = (await scrape.text())
    .split('\n')
    .find((l) =>
      l.startsWith(
        'http_request_duration_seconds_count{route="/api/authz/forward-auth",method="GET",status="200"}',
      ),
    );
  assert.ok(line, 'the route is counted');
  assert.ok(Number(line.split(' ').pop()) >= 5, line);
});
