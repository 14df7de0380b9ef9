// GET /internal-backstage/prometheus: what it counts, that labels are route templates and
// closed outcome sets, METRICS_ENABLED=false, and the optional METRICS_TOKEN guard.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbKind, json, PASSWORD, startHarness, type Harness } from '../../helpers/harness.js';

const PATH = '/internal-backstage/prometheus';

async function scrape(h: Harness, headers: Record<string, string> = {}): Promise<string> {
  const response = await h.request({ method: 'GET', url: PATH, headers });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return response.body;
}

/** The value of one sample, e.g. sample(body, 'x_total{outcome="unknown"}'). */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('counts requests by route template, token and login outcomes, cache entries, LISTEN, process', async () => {
  const h = await startHarness();
  try {
    const admin = await h.signedIn('Admin');
    const secret = json<{ secret: string; id: number }>(
      await h.createPat({ cookie: admin.cookie }),
    );
    const auth = { token: secret.secret };
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await h.request({ method: 'GET', url: '/api/admin/user', auth })).statusCode,
        200,
      );
    }
    // Unknown: garbage, and a real selector with the wrong secret.
    await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: 'user:v2_nonsense' } });
    await h.request({
      method: 'GET',
      url: '/api/admin/user',
      // Another last character: 'A' itself (one token in 64) would be the right secret.
      auth: { token: `${secret.secret.slice(0, -1)}${secret.secret.endsWith('A') ? 'B' : 'A'}` },
    });
    // Expired: a second token whose expiry has passed (set in the table, as time would).
    const old = json<{ secret: string; id: number }>(await h.createPat({ cookie: admin.cookie }));
    await h.db.query(
      "UPDATE personal_access_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1",
      [old.id],
    );
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: old.secret } }))
        .statusCode,
      401,
    );
    // A raw URL with an id: the label must be the template.
    await h.request({
      method: 'GET',
      url: '/api/admin/user-admin/987654',
      auth: { cookie: admin.cookie },
    });
    await h.request({ method: 'GET', url: '/no/such/page/42' });
    await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: admin.user.username, password: `${PASSWORD}x` },
    });

    const body = await scrape(h);
    const outcome = (name: string) =>
      sample(body, `unlatch_token_authentications_total{outcome="${name}"}`);
    assert.equal(outcome('db_hit'), 1, 'the first use reads the database');
    assert.equal(outcome('cache_hit'), 2, 'the next two are served from memory');
    assert.equal(outcome('unknown'), 2);
    assert.equal(outcome('expired'), 1);
    assert.equal(outcome('rate_limited'), 0);
    assert.equal(sample(body, 'unlatch_login_attempts_total{outcome="success"}'), 1);
    assert.equal(sample(body, 'unlatch_login_attempts_total{outcome="failure"}'), 1);
    // The live token only: a credential is cached once it verified and was live.
    assert.equal(sample(body, 'unlatch_credential_cache_entries'), 1);
    assert.equal(sample(body, 'unlatch_listen_connected'), 1);
    assert.equal(
      sample(
        body,
        'http_request_duration_seconds_count{route="/api/admin/user",method="GET",status="200"}',
      ),
      3,
    );
    assert.ok(body.includes('route="/api/admin/user-admin/:id",method="GET",status="404"'), body);
    assert.ok(body.includes('route="(unmatched)",method="GET",status="404"'));
    assert.ok(!body.includes('987654') && !body.includes('/no/such'), 'no raw URL is a label');
    assert.ok(
      sample(body, 'process_cpu_user_seconds_total') !== undefined,
      'default process metrics',
    );
    assert.ok(body.includes('nodejs_eventloop_lag_seconds'));
    if (dbKind === 'postgres') {
      assert.ok(sample(body, 'unlatch_db_pool_connections{state="idle"}') !== undefined, body);
      assert.equal(sample(body, 'unlatch_db_pool_connections{state="waiting"}'), 0);
    } else {
      assert.ok(!body.includes('unlatch_db_pool_connections{'), 'PGlite has no pool');
    }
    // Wired to the password-hashing queue, idle between requests.
    assert.equal(sample(body, 'unlatch_password_hashes{state="in_flight"}'), 0);
    assert.equal(sample(body, 'unlatch_password_hashes{state="queued"}'), 0);
    h.services.metrics.setHashingSource(() => ({ inFlight: 2, queued: 5 }));
    const wired = await scrape(h);
    assert.equal(sample(wired, 'unlatch_password_hashes{state="in_flight"}'), 2);
    assert.equal(sample(wired, 'unlatch_password_hashes{state="queued"}'), 5);
  } finally {
    await h.close();
  }
});

test('rate-limited token and login attempts are counted as such', async () => {
  const h = await startHarness({
    AUTH_FAILURE_LIMIT_PER_MINUTE: '1',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1',
  });
  try {
    for (let i = 0; i < 3; i++) {
      await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: 'user:v2_nope' } });
      await h.request({
        method: 'POST',
        url: '/auth/simple/login',
        body: { username: 'nobody', password: 'not it at all' },
      });
    }
    const body = await scrape(h);
    assert.equal(sample(body, 'unlatch_token_authentications_total{outcome="unknown"}'), 1);
    assert.equal(sample(body, 'unlatch_token_authentications_total{outcome="rate_limited"}'), 2);
    assert.equal(sample(body, 'unlatch_login_attempts_total{outcome="failure"}'), 1);
    assert.equal(sample(body, 'unlatch_login_attempts_total{outcome="rate_limited"}'), 2);
  } finally {
    await h.close();
  }
});

test('METRICS_ENABLED=false: no route, nothing counted', async () => {
  const h = await startHarness({ METRICS_ENABLED: 'false' });
  try {
    const response = await h.request({ method: 'GET', url: PATH });
    assert.equal(response.statusCode, 404);
    assert.equal(json(response).name, 'NotFoundError');
    assert.equal(h.services.metrics.enabled, false);
  } finally {
    await h.close();
  }
});

test('METRICS_TOKEN: without it 401 AuthenticationRequired, a wrong one 401, the right one 200', async () => {
  const token = 'scraper-secret-0123456789';
  const h = await startHarness({ METRICS_TOKEN: token });
  try {
    const none = await h.request({ method: 'GET', url: PATH });
    assert.equal(none.statusCode, 401);
    assert.equal(json(none).name, 'AuthenticationRequired');
    for (const authorization of [`Bearer ${token}x`, token, 'Bearer ', `Basic ${token}`]) {
      const wrong = await h.request({ method: 'GET', url: PATH, headers: { authorization } });
      assert.equal(wrong.statusCode, 401, authorization);
      assert.ok(!wrong.body.includes(token));
    }
    const body = await scrape(h, { authorization: `Bearer ${token}` });
    assert.ok(body.includes('unlatch_listen_connected 1'));
    assert.ok(!body.includes(token));
  } finally {
    await h.close();
  }
});
