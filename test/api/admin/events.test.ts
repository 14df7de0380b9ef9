// The audit log: what PAT changes record, and who may read it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, json, startHarness } from '../../helpers/harness.js';

interface Event {
  id: number;
  type: string;
  createdBy: string;
  createdByUserId: number;
  createdAt: string;
  ip: string | null;
  data: Record<string, unknown>;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('pat-created and pat-deleted carry {id, description, expiresAt, secure} and nothing secret', async () => {
  const admin = await h.signedIn('Admin');
  const created = json<{ id: number; description: string; expiresAt: string; secret: string }>(
    await h.createPat({ cookie: admin.cookie }, { description: 'audited' }),
  );
  await h.request({
    method: 'DELETE',
    url: `/api/admin/user/tokens/${created.id}`,
    auth: { cookie: admin.cookie },
  });
  const response = await h.request({
    method: 'GET',
    url: '/api/admin/events',
    auth: { cookie: admin.cookie },
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  const { events, totalEvents } = json<{ events: Event[]; totalEvents: number }>(response);
  assert.equal(totalEvents, 2);
  assert.deepEqual(
    events.map((event) => event.type),
    ['pat-deleted', 'pat-created'],
    'newest first',
  );
  for (const event of events) {
    assert.deepEqual(event.data, {
      id: created.id,
      description: 'audited',
      expiresAt: created.expiresAt,
      secure: true,
      scopes: ['*'],
      audiences: [],
    });
    assert.equal(event.createdBy, admin.user.username);
    assert.equal(event.createdByUserId, admin.user.id);
    assert.match(event.createdAt, /Z$/);
  }
  assert.ok(!response.body.includes(created.secret));
  // The secret part is the last 43 characters (base64url may itself contain '_').
  assert.ok(!response.body.includes(created.secret.slice(-43)));
});

test('a failed create writes no event', async () => {
  const admin = await h.signedIn('Admin');
  const before_ = json<{ totalEvents: number }>(
    await h.request({ method: 'GET', url: '/api/admin/events', auth: { cookie: admin.cookie } }),
  ).totalEvents;
  await h.createPat({ cookie: admin.cookie }, { description: '' });
  await h.request({
    method: 'DELETE',
    url: '/api/admin/user/tokens/2147483647',
    auth: { cookie: admin.cookie },
  });
  const after_ = json<{ totalEvents: number }>(
    await h.request({ method: 'GET', url: '/api/admin/events', auth: { cookie: admin.cookie } }),
  ).totalEvents;
  assert.equal(after_, before_);
});

test('paged with limit and offset; bad paging values are 400', async () => {
  const admin = await h.signedIn('Admin');
  for (let i = 0; i < 3; i++) await h.createPat({ cookie: admin.cookie });
  const page = json<{ events: Event[] }>(
    await h.request({
      method: 'GET',
      url: '/api/admin/events?limit=2&offset=1',
      auth: { cookie: admin.cookie },
    }),
  );
  const all = json<{ events: Event[] }>(
    await h.request({ method: 'GET', url: '/api/admin/events', auth: { cookie: admin.cookie } }),
  );
  assert.deepEqual(
    page.events.map((e) => e.id),
    all.events.slice(1, 3).map((e) => e.id),
  );
  const bad = await h.request({
    method: 'GET',
    url: '/api/admin/events?limit=-1',
    auth: { cookie: admin.cookie },
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(json<{ name: string }>(bad).name, 'BadDataError');
});

test('Editors and Viewers get 403 PermissionError, by session and by PAT', async () => {
  for (const role of ['Editor', 'Viewer'] as const) {
    const user = await h.signedIn(role);
    const secret = json<{ secret: string }>(await h.createPat({ cookie: user.cookie })).secret;
    for (const auth of [{ cookie: user.cookie }, { token: secret }]) {
      const response = await h.request({ method: 'GET', url: '/api/admin/events', auth });
      assert.equal(response.statusCode, 403);
      assert.deepEqual(json(response), {
        ...json<{ id: string }>(response),
        name: 'PermissionError',
        message:
          'You don\'t have the required permissions to perform this operation. To perform this action, you need the "ADMIN" permission.',
        details: [
          {
            message:
              'You don\'t have the required permissions to perform this operation. To perform this action, you need the "ADMIN" permission.',
          },
        ],
        permissions: ['ADMIN'],
      });
    }
  }
});
