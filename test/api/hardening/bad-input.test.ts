// Issue 9, "bad input and resource use": bad text is a 400 in every string field, token
// descriptions and event pages are bounded, old events and expired sessions are purged, and
// concurrent demotions never deadlock into a 5xx.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_DESCRIPTION_BYTES } from '../../../src/features/pats/pat-service.js';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, json, startHarness } from '../../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

test('NUL or a lone surrogate in a login username: 400 naming the field, never a 500', async () => {
  for (const username of [`ad${NUL}min`, `ad${LONE_SURROGATE}min`]) {
    const response = await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: JSON.stringify({ username, password: 'whatever' }),
    });
    const body = assertError(response, 400, 'BadDataError');
    assert.deepEqual(
      body.details.map((detail) => detail.path),
      ['/body/username'],
    );
  }
});

test("NUL or a lone surrogate in a user's name, username or email: 400 on create and update", async () => {
  const admin = await h.quickSignedIn('Admin');
  const target = await h.createUser('Viewer');
  for (const bad of [NUL, LONE_SURROGATE]) {
    for (const body of [
      { username: `u${bad}x`, rootRole: 'Viewer' },
      { username: 'fine', name: `n${bad}x`, rootRole: 'Viewer' },
      { email: `a${bad}@example.com`, rootRole: 'Viewer' },
    ]) {
      assertError(
        await h.request({
          method: 'POST',
          url: '/api/admin/user-admin',
          auth: { cookie: admin.cookie },
          body: JSON.stringify(body),
        }),
        400,
        'BadDataError',
      );
    }
    assertError(
      await h.request({
        method: 'PUT',
        url: `/api/admin/user-admin/${target.id}`,
        auth: { cookie: admin.cookie },
        body: JSON.stringify({ name: `n${bad}x` }),
      }),
      400,
      'BadDataError',
    );
  }
  const [row] = await h.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM users WHERE username = 'fine'",
  );
  assert.equal(row?.n, 0);
});

test('descriptions: 10,000 characters are kept as Unleash does; beyond 16 KiB is a 400', async () => {
  const owner = await h.quickSignedIn('Viewer');
  const long = 'x'.repeat(10_000);
  const created = await h.createPat({ cookie: owner.cookie }, { description: long });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(json<{ description: string }>(created).description, long);
  // Multi-byte text counts by its bytes: 5,462 three-byte characters are 16,386 bytes.
  for (const description of ['y'.repeat(MAX_DESCRIPTION_BYTES + 1), '€'.repeat(5462)]) {
    const refused = await h.createPat({ cookie: owner.cookie }, { description });
    assertError(refused, 400, 'BadDataError', /too long: at most 16 KiB/);
  }
  const exact = await h.createPat(
    { cookie: owner.cookie },
    { description: 'z'.repeat(MAX_DESCRIPTION_BYTES) },
  );
  assert.equal(exact.statusCode, 201);
  const [row] = await h.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM personal_access_tokens WHERE user_id = $1',
    [owner.user.id],
  );
  assert.equal(row?.n, 2);
});

test('the audit log answers at most 1,000 events a page, whatever limit is asked', async () => {
  const admin = await h.quickSignedIn('Admin');
  await h.db.query(
    `INSERT INTO events (type, created_by, data)
     SELECT 'test-filler', 'test', '{}'::jsonb FROM generate_series(1, 1005)`,
  );
  const response = await h.request({
    method: 'GET',
    url: '/api/admin/events?limit=999999999',
    auth: { cookie: admin.cookie },
  });
  assert.equal(response.statusCode, 200);
  const body = json<{ events: unknown[]; totalEvents: number }>(response);
  assert.equal(body.events.length, 1000);
  assert.ok(body.totalEvents >= 1005);
});

test('housekeeping: expired sessions are purged; events only past EVENTS_RETENTION_DAYS', async () => {
  const hx = await startHarness({ EVENTS_RETENTION_DAYS: '30' });
  try {
    const live = await hx.quickSignedIn('Viewer');
    await hx.db.query(
      `INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ('expired-one', $1, now() - interval '1 minute')`,
      [live.user.id],
    );
    await hx.db.query(
      `INSERT INTO events (type, created_by, data, created_at) VALUES
         ('old', 'test', '{}'::jsonb, now() - interval '31 days'),
         ('recent', 'test', '{}'::jsonb, now() - interval '29 days')`,
    );
    const removed = await hx.services.housekeeping.runOnce();
    assert.deepEqual(removed, { sessions: 1, events: 1, usageDays: 0, idleTokens: 0 });
    const types = await hx.db.query<{ type: string }>(
      "SELECT type FROM events WHERE type IN ('old', 'recent')",
    );
    assert.deepEqual(
      types.map((row) => row.type),
      ['recent'],
    );
    assert.equal(
      (await hx.request({ method: 'GET', url: '/api/admin/user', auth: { cookie: live.cookie } }))
        .statusCode,
      200,
    );
  } finally {
    await hx.close();
  }
  // Retention 0 (the default) keeps every event.
  const old = await h.db.query<{ n: number }>(
    `INSERT INTO events (type, created_by, data, created_at)
     VALUES ('ancient', 'test', '{}'::jsonb, now() - interval '3650 days') RETURNING 1 AS n`,
  );
  assert.equal(old.length, 1);
  await h.services.housekeeping.runOnce();
  const [kept] = await h.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM events WHERE type = 'ancient'",
  );
  assert.equal(kept?.n, 1);
});

test('two Admins demoted at the same moment: each answer is 200 or 403, never a 5xx', async () => {
  const actor = await h.quickSignedIn('Admin');
  const first = await h.createUser('Admin');
  const second = await h.createUser('Admin');
  const setRole = (id: number, rootRole: string) =>
    h.request({
      method: 'PUT',
      url: `/api/admin/user-admin/${id}`,
      auth: { cookie: actor.cookie },
      body: { rootRole },
    });
  for (let round = 0; round < 8; round++) {
    const answers = await Promise.all([
      setRole(first.id, 'Viewer'),
      setRole(second.id, 'Editor'),
      h.request({
        method: 'DELETE',
        url: `/api/admin/user-admin/${actor.user.id + 100_000}`,
        auth: { cookie: actor.cookie },
      }),
    ]);
    assert.deepEqual(
      answers.map((r) => r.statusCode),
      [200, 200, 404],
      answers.map((r) => r.body).join('\n'),
    );
    for (const user of [first, second])
      assert.equal((await setRole(user.id, 'Admin')).statusCode, 200);
  }
});
