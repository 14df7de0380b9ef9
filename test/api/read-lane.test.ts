// The token holder's read lane (src/http/read-lane.ts) over real HTTP: `GET /api/admin/user`
// and `GET /api/admin/user/tokens` with a cached token are answered before the framework,
// with exactly the route's answer; everything else takes the route, which decides as before.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Harness, json, startHarness } from '../helpers/harness.js';
import { metricValue, stableHeaders } from '../helpers/answers.js';
import { issueToken } from '../../src/features/pats/token.js';

const ME = '/api/admin/user';
const TOKENS = '/api/admin/user/tokens';

let h: Harness;
let base: string;
/** The lane's answers, by path: the lane reports each to the metrics with observeRoute. */
const laneAnswers = new Map<string, number>();

before(async () => {
  // Not debug: at debug level every request takes the route, to be logged.
  h = await startHarness({ LOG_LEVEL: 'warn' });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const metrics = h.services.metrics;
  const observeRoute = metrics.observeRoute.bind(metrics);
  metrics.observeRoute = (route, method, status, ms) => {
    laneAnswers.set(route, (laneAnswers.get(route) ?? 0) + 1);
    observeRoute(route, method, status, ms);
  };
  watchTokenLists();
});
after(() => h.close());

function lane(path: string): number {
  return laneAnswers.get(path) ?? 0;
}

async function token(grant: { scopes?: string[] } = {}) {
  const owner = await h.quickSignedIn('Editor');
  const created = await h.createPat({ cookie: owner.cookie }, grant);
  assert.equal(created.statusCode, 201, created.body);
  await tokenListSettled(owner.user.id, 1);
  return { owner, secret: json<{ secret: string }>(created).secret };
}

// A token's creation drops its owner's list twice: on commit, then again when the creation's
// own NOTIFY comes back over LISTEN (as it reaches every other instance). On PostgreSQL the
// echo lands a few ms after the create's answer, sometimes after the next read refilled the
// list, which it then rightly drops. Before a test expects the lane to answer from a filled
// list, it waits for the echoes.
const listChanges = new Map<number, number>();
const listWaiters: { userId: number; count: number; done: () => void }[] = [];

function watchTokenLists(): void {
  h.services.revocations.subscribe((revocation) => {
    if (revocation.kind !== 'pats') return;
    const count = (listChanges.get(revocation.userId) ?? 0) + 1;
    listChanges.set(revocation.userId, count);
    for (const waiter of listWaiters) {
      if (waiter.userId === revocation.userId && count >= waiter.count) waiter.done();
    }
  });
}

/** Resolves once both announcements (the local one and the echo) of `creations` have come. */
function tokenListSettled(userId: number, creations: number): Promise<void> {
  const wanted = 2 * creations;
  return new Promise((resolve, reject) => {
    if ((listChanges.get(userId) ?? 0) >= wanted) return resolve();
    const timer = setTimeout(() => {
      const seen = listChanges.get(userId) ?? 0;
      reject(new Error(`${seen} of ${wanted} token list announcements within 5 s`));
    }, 5000);
    listWaiters.push({ userId, count: wanted, done: () => (clearTimeout(timer), resolve()) });
  });
}

function get(path: string, headers: Record<string, string>, method = 'GET') {
  return fetch(`${base}${path}`, { method, headers });
}

/** A GET that carries a body (fetch will not send one). */
function getWithBody(path: string, secret: string, body: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const sent = httpRequest(
      `${base}${path}`,
      {
        method: 'GET',
        headers: {
          authorization: secret,
          'content-type': 'application/json',
          // Node sends no length for a GET's body unless told.
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

function cacheHits(): Promise<number> {
  return metricValue(base, 'unlatch_token_authentications_total{outcome="cache_hit"}');
}

test("a cached token: both reads come from the lane, with the route's exact answer", async () => {
  const { owner, secret } = await token();
  const auth = { authorization: secret };
  for (const path of [ME, TOKENS]) {
    await get(path, auth); // fills the caches (the route, or the lane when already filled)
    const before = lane(path);
    const fromLane = await get(path, auth);
    assert.equal(lane(path) - before, 1, `${path} answered by the lane`);
    // A cookie that names no session counts as none (decision 3), but sends the request the
    // long way: the route's answer for the same token.
    const fromRoute = await get(path, { ...auth, cookie: 'unrelated=1' });
    assert.equal(lane(path) - before, 1, `${path} with a cookie answered by the route`);
    assert.equal(fromLane.status, 200);
    assert.equal(fromRoute.status, 200);
    assert.deepEqual(stableHeaders(fromLane.headers), stableHeaders(fromRoute.headers));
    assert.equal(await fromLane.text(), await fromRoute.text());
  }
  const me = json<{ user: { id: number } }>(
    await h.request({ method: 'GET', url: ME, auth: { token: secret } }),
  );
  assert.equal(me.user.id, owner.user.id);
});

test('the list is never stale: a new token appears and a deleted one disappears at once', async () => {
  const { owner, secret } = await token();
  const auth = { authorization: secret };
  const ids = async () =>
    ((await (await get(TOKENS, auth)).json()) as { pats: { id: number }[] }).pats.map((p) => p.id);
  const first = await ids();
  assert.equal(first.length, 1);
  await ids(); // cached now: the lane answers
  const second = json<{ id: number }>(await h.createPat({ cookie: owner.cookie }));
  assert.deepEqual(await ids(), [...first, second.id]);
  await tokenListSettled(owner.user.id, 2);
  assert.deepEqual(await ids(), [...first, second.id]);
  const before = lane(TOKENS);
  assert.deepEqual(await ids(), [...first, second.id]);
  assert.equal(lane(TOKENS) - before, 1, 'the refilled list comes from the lane again');
  const deleted = await h.request({
    method: 'DELETE',
    url: `${TOKENS}/${second.id}`,
    auth: { cookie: owner.cookie },
  });
  assert.equal(deleted.statusCode, 200);
  assert.deepEqual(await ids(), first);
});

test('a revoked token is refused on the very next request', async () => {
  const { owner, secret } = await token();
  const auth = { authorization: secret };
  await get(ME, auth);
  assert.equal((await get(ME, auth)).status, 200);
  const [pat] = json<{ pats: { id: number }[] }>(
    await h.request({ method: 'GET', url: TOKENS, auth: { cookie: owner.cookie } }),
  ).pats;
  await h.request({
    method: 'DELETE',
    url: `${TOKENS}/${pat?.id}`,
    auth: { cookie: owner.cookie },
  });
  assert.equal((await get(ME, auth)).status, 401);
  assert.equal((await get(TOKENS, auth)).status, 401);
});

test("each read needs its route's scope: the route refuses, and counts the hit once", async () => {
  const tokensOnly = (await token({ scopes: ['tokens:read'] })).secret;
  const usersOnly = (await token({ scopes: ['users:read'] })).secret;
  for (const [secret, allowed, refused] of [
    [tokensOnly, TOKENS, ME],
    [usersOnly, ME, TOKENS],
  ] as const) {
    const auth = { authorization: secret };
    await get(allowed, auth);
    const before = lane(allowed);
    assert.equal((await get(allowed, auth)).status, 200);
    assert.equal(lane(allowed) - before, 1);
    const hits = await cacheHits();
    const answer = await get(refused, auth);
    assert.equal(answer.status, 403);
    assert.match(await answer.text(), /scope/);
    // The lane declined before counting: the route's authentication is the only hit.
    assert.equal((await cacheHits()) - hits, 1);
  }
});

test('the session cookie wins over the token, as on the route', async () => {
  const { secret } = await token();
  const other = await h.quickSignedIn('Viewer');
  await get(ME, { authorization: secret }); // cached: the lane would answer it alone
  const answer = await get(ME, { authorization: secret, cookie: other.cookie });
  assert.equal(answer.status, 200);
  assert.equal(((await answer.json()) as { user: { id: number } }).user.id, other.user.id);
});

test('any other form of the request takes the route, with the same answer', async () => {
  const { secret } = await token();
  const auth = { authorization: secret };
  const expected = await (await get(ME, auth)).text();
  const before = lane(ME);
  for (const path of [`${ME}?x=1`, `${ME}/`, '/API/ADMIN/USER']) {
    const answer = await get(path, auth);
    assert.equal(answer.status, 200, path);
    assert.equal(await answer.text(), expected, path);
  }
  const head = await get(ME, auth, 'HEAD');
  assert.equal(head.status, 200);
  const withBody = await getWithBody(ME, secret, '{}');
  assert.equal(withBody.status, 200);
  assert.equal(withBody.body, expected);
  assert.equal(lane(ME) - before, 0, 'none of these took the lane');
  for (const headers of [{}, { authorization: 'garbage' }] as Record<string, string>[]) {
    const answer = await get(ME, headers);
    assert.equal(answer.status, 401);
  }
});

test("the lane's answers are counted in the metrics under the route", async () => {
  const { secret } = await token();
  await get(ME, { authorization: secret }); // cached from here on
  const count = () =>
    metricValue(
      base,
      'http_request_duration_seconds_count{route="/api/admin/user",method="GET",status="200"}',
    );
  const before = await count();
  const lanesBefore = lane(ME);
  for (let i = 0; i < 5; i++) await get(ME, { authorization: secret });
  assert.equal(lane(ME) - lanesBefore, 5, 'all five from the lane');
  assert.equal((await count()) - before, 5);
});

test('behind TRUST_PROXY every request takes the route (the address needs its proxy rules)', async () => {
  const proxied = await startHarness({ LOG_LEVEL: 'warn', TRUST_PROXY: 'true' });
  try {
    await proxied.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(proxied.app.server.address() as AddressInfo).port}${ME}`;
    let laneAnswers = 0;
    const metrics = proxied.services.metrics;
    const observeRoute = metrics.observeRoute.bind(metrics);
    metrics.observeRoute = (...args) => {
      laneAnswers++;
      observeRoute(...args);
    };
    const owner = await proxied.quickSignedIn('Editor');
    const { secret } = json<{ secret: string }>(await proxied.createPat({ cookie: owner.cookie }));
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(url, { headers: { authorization: secret } });
      assert.equal(answer.status, 200);
    }
    assert.equal(laneAnswers, 0);
  } finally {
    await proxied.close();
  }
});

test('a lane that throws leaves the request to the route, and says so in the log', async () => {
  const { secret } = await token();
  await get(ME, { authorization: secret });
  const pats = h.services.patAuthenticator;
  const original = pats.authenticateCached.bind(pats);
  // The lanes pass an admits predicate; the route's hook does not.
  pats.authenticateCached = (token, ip, agent, admits) => {
    if (admits !== undefined) throw new Error('lane failure for the test');
    return original(token, ip, agent);
  };
  try {
    const answer = await get(ME, { authorization: secret });
    assert.equal(answer.status, 200);
    assert.ok(((await answer.json()) as { user?: unknown }).user);
  } finally {
    pats.authenticateCached = original;
  }
  assert.ok(h.logLines.some((line) => line.includes('fast lane failed; the route answers')));
});

test("PATs switched off: the list is the route's 404 every time, never a cached answer", async () => {
  const off = await startHarness({ LOG_LEVEL: 'warn', UNLEASH_PAT_KILL_SWITCH: 'true' });
  try {
    await off.app.listen({ port: 0, host: '127.0.0.1' });
    const offBase = `http://127.0.0.1:${(off.app.server.address() as AddressInfo).port}`;
    // A token from before the switch (the API makes none while it is on).
    const { user } = await off.signedIn();
    const token = issueToken();
    await off.db.query(
      `INSERT INTO personal_access_tokens (user_id, description, selector, verifier, expires_at)
       VALUES ($1, 'from before', $2, $3, now() + interval '1 day')`,
      [user.id, token.selector, token.verifier],
    );
    // Its list in the cache, as if read before the switch: an answer the lane could give.
    const pats = await off.services.patStore.listForUser(user.id);
    assert.equal(pats.length, 1);
    off.services.patLists.set(user.id, pats, off.services.patLists.generation);
    assert.ok(off.services.patLists.get(user.id));
    const headers = { authorization: token.secret };
    for (let i = 0; i < 3; i++) {
      const me = await fetch(`${offBase}${ME}`, { headers });
      assert.equal(me.status, 200, 'the token still says who it is, as on the route');
      const list = await fetch(`${offBase}${TOKENS}`, { headers });
      assert.equal(list.status, 404);
      assert.equal(((await list.json()) as { message: string }).message, 'PATs are disabled.');
    }
    // The lane declined by itself: it did not fail over to the route.
    assert.ok(!off.logLines.some((line) => line.includes('fast lane failed')));
  } finally {
    await off.close();
  }
});
