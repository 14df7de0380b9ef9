// GET /api/admin/ui-config: what the web page needs to know up front.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Harness, json, startHarness } from '../../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ PAT_LIMIT: '4' });
});
after(() => h.close());

test('tells any signed-in user the configured PAT limit', async () => {
  const viewer = await h.signedIn('Viewer');
  const response = await h.request({
    method: 'GET',
    url: '/api/admin/ui-config',
    auth: { cookie: viewer.cookie },
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.deepEqual(json(response), { patLimit: 4 });
});

test('needs credentials, as every /api/admin route', async () => {
  const response = await h.request({ method: 'GET', url: '/api/admin/ui-config' });
  assert.equal(response.statusCode, 401);
  assert.equal(json(response).name, 'AuthenticationRequired');
});
