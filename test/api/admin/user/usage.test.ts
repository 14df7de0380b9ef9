// Usage: requests per token per UTC day, the last address and user agent, written in
// batches with seenAt; GET /api/admin/user/tokens/{id}/usage (owner) and
// GET /api/admin/tokens/{id}/usage (Admins).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError } from '../../../helpers/assertions.js';
import { type Harness, json, startHarness } from '../../../helpers/harness.js';

interface Usage {
  days: { date: string; requests: number }[];
  lastSeenAt: string | null;
  lastIp: string | null;
  lastUserAgent: string | null;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const today = () => new Date().toISOString().slice(0, 10);

async function use(token: string, times: number, userAgent: string) {
  for (let i = 0; i < times; i++) {
    const response = await h.request({
      method: 'GET',
      url: '/api/admin/user',
      auth: { token },
      headers: { 'user-agent': userAgent },
    });
    assert.equal(response.statusCode, 200);
  }
}

test('N requests are N on today, with the last address and user agent, after a flush', async () => {
  const owner = await h.quickSignedIn('Viewer');
  const { id, secret } = json<{ id: number; secret: string }>(
    await h.createPat({ cookie: owner.cookie }),
  );
  const url = `/api/admin/user/tokens/${id}/usage`;
  const fresh = json<Usage>(
    await h.request({ method: 'GET', url, auth: { cookie: owner.cookie } }),
  );
  assert.equal(fresh.days.length, 90);
  assert.ok(fresh.days.every((d) => d.requests === 0));
  assert.equal(fresh.days.at(-1)?.date, today());
  assert.deepEqual([fresh.lastSeenAt, fresh.lastIp, fresh.lastUserAgent], [null, null, null]);

  await use(secret, 7, 'first-agent/1.0');
  await h.services.seenAt.flush();
  await use(secret, 5, 'deploy-bot/2.0');
  await h.services.seenAt.flush();
  const response = await h.request({ method: 'GET', url, auth: { cookie: owner.cookie } });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.headers['cache-control'], 'no-store');
  const usage = json<Usage>(response);
  assert.deepEqual(usage.days.at(-1), { date: today(), requests: 12 });
  assert.equal(
    usage.days.slice(0, -1).reduce((n, d) => n + d.requests, 0),
    0,
  );
  assert.equal(usage.lastIp, '127.0.0.1');
  assert.equal(usage.lastUserAgent, 'deploy-bot/2.0');
  assert.ok(usage.lastSeenAt !== null);
  // One row per token and day: written in batches, never a row per request.
  const rows = await h.db.query('SELECT 1 FROM pat_usage_days WHERE pat_id = $1', [id]);
  assert.equal(rows.length, 1);

  // The Admins' view of the same token.
  const admin = await h.quickSignedIn('Admin');
  const adminView = await h.request({
    method: 'GET',
    url: `/api/admin/tokens/${id}/usage`,
    auth: { cookie: admin.cookie },
  });
  assert.equal(adminView.statusCode, 200, adminView.body);
  assert.deepEqual(json<Usage>(adminView), usage);
});

test("another user's token, an unknown one, a bad id: 404, 404, 400", async () => {
  const owner = await h.quickSignedIn();
  const other = await h.quickSignedIn();
  const theirs = json<{ id: number }>(await h.createPat({ cookie: other.cookie }));
  for (const id of [theirs.id, 2_147_483_647]) {
    assertError(
      await h.request({
        method: 'GET',
        url: `/api/admin/user/tokens/${id}/usage`,
        auth: { cookie: owner.cookie },
      }),
      404,
      'NotFoundError',
    );
  }
  assertError(
    await h.request({
      method: 'GET',
      url: '/api/admin/user/tokens/abc/usage',
      auth: { cookie: owner.cookie },
    }),
    400,
    'BadDataError',
  );
  const admin = await h.quickSignedIn('Admin');
  assertError(
    await h.request({
      method: 'GET',
      url: '/api/admin/tokens/2147483647/usage',
      auth: { cookie: admin.cookie },
    }),
    404,
    'NotFoundError',
  );
});

test('housekeeping prunes days older than 90; a deleted token takes its days along', async () => {
  const owner = await h.quickSignedIn();
  const { id } = json<{ id: number }>(await h.createPat({ cookie: owner.cookie }));
  await h.db.query(
    `INSERT INTO pat_usage_days (pat_id, day, requests) VALUES
       ($1, current_date - 90, 3), ($1, current_date - 89, 4), ($1, current_date - 1, 5)`,
    [id],
  );
  const removed = await h.services.housekeeping.runOnce();
  assert.ok(removed.usageDays >= 1);
  const left = await h.db.query<{ requests: number }>(
    'SELECT requests FROM pat_usage_days WHERE pat_id = $1 ORDER BY day',
    [id],
  );
  assert.deepEqual(
    left.map((r) => r.requests),
    [4, 5],
  );
  const usage = json<Usage>(
    await h.request({
      method: 'GET',
      url: `/api/admin/user/tokens/${id}/usage`,
      auth: { cookie: owner.cookie },
    }),
  );
  assert.equal(usage.days[0]?.requests, 4);
  assert.equal(usage.days.at(-2)?.requests, 5);
  await h.request({
    method: 'DELETE',
    url: `/api/admin/user/tokens/${id}`,
    auth: { cookie: owner.cookie },
  });
  assert.equal(
    (await h.db.query('SELECT 1 FROM pat_usage_days WHERE pat_id = $1', [id])).length,
    0,
  );
});

test('a token deleted between its use and the flush: the batch still writes', async () => {
  const owner = await h.quickSignedIn();
  const a = json<{ id: number; secret: string }>(await h.createPat({ cookie: owner.cookie }));
  const b = json<{ id: number; secret: string }>(await h.createPat({ cookie: owner.cookie }));
  await use(a.secret, 2, 'x');
  await use(b.secret, 3, 'y');
  await h.request({
    method: 'DELETE',
    url: `/api/admin/user/tokens/${a.id}`,
    auth: { cookie: owner.cookie },
  });
  await h.services.seenAt.flush();
  const [row] = await h.db.query<{ requests: number }>(
    'SELECT requests FROM pat_usage_days WHERE pat_id = $1',
    [b.id],
  );
  assert.equal(row?.requests, 3);
});

test('PAT_USAGE_TRACKING=false: seenAt only, as before usage existed', async () => {
  const hx = await startHarness({ PAT_USAGE_TRACKING: 'false' });
  try {
    const owner = await hx.quickSignedIn();
    const { id, secret } = json<{ id: number; secret: string }>(
      await hx.createPat({ cookie: owner.cookie }),
    );
    await hx.request({ method: 'GET', url: '/api/admin/user', auth: { token: secret } });
    await hx.services.seenAt.flush();
    assert.equal((await hx.db.query('SELECT 1 FROM pat_usage_days')).length, 0);
    const usage = json<Usage>(
      await hx.request({
        method: 'GET',
        url: `/api/admin/user/tokens/${id}/usage`,
        auth: { cookie: owner.cookie },
      }),
    );
    assert.ok(usage.lastSeenAt !== null);
    assert.equal(usage.lastIp, null);
  } finally {
    await hx.close();
  }
});
