// Property-based fuzzing of every route, seeded so that `npm test` is reproducible.
// `npm run fuzz` runs the same properties longer, with any seed (see scripts/fuzz.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHistogram, runFuzz, startFuzzTarget } from './http-fuzz.js';

const SEED = 20_261_123;
const RUNS = 300;

test(`${RUNS} generated requests (seed ${SEED}) to every route: no 5xx, every error in the contract's shape, no hang`, async (t) => {
  const target = await startFuzzTarget();
  try {
    // Not vacuous: the documented routes are all there (PATs, users, user admin, events, login,
    // webhooks).
    const paths = new Set(target.routes.map((r) => `${r.method} ${r.path}`));
    for (const expected of [
      'GET /api/admin/user/tokens',
      'POST /api/admin/user/tokens',
      'DELETE /api/admin/user/tokens/{id}',
      'PUT /api/admin/user-admin/{id}',
      'POST /api/admin/user-admin/{id}/change-password',
      'POST /auth/simple/login',
      'GET /api/admin/events',
      'GET /api/authz/auth-request',
      'GET /api/authz/forward-auth',
      'GET /api/authz/ext-authz',
      'GET /api/authz/ext-authz/{id}',
      'POST /oauth/introspect',
      'GET /api/admin/service-account',
      'POST /api/admin/service-account',
      'PUT /api/admin/service-account/{id}',
      'DELETE /api/admin/service-account/{id}',
      'GET /api/admin/service-account/{id}/token',
      'POST /api/admin/service-account/{id}/token',
      'DELETE /api/admin/service-account/{id}/token/{tokenId}',
      'POST /api/admin/user/tokens/{id}/rotate',
      'GET /api/admin/user/tokens/{id}/usage',
      'GET /api/admin/tokens',
      'DELETE /api/admin/tokens/{id}',
      'POST /api/admin/tokens/revoke',
      'GET /api/admin/tokens/{id}/usage',
      'GET /api/admin/webhooks',
      'POST /api/admin/webhooks',
      'PUT /api/admin/webhooks/{id}',
      'PATCH /api/admin/webhooks/{id}',
      'DELETE /api/admin/webhooks/{id}',
      'GET /api/admin/webhooks/{id}/deliveries',
      'POST /api/admin/webhooks/{id}/test',
    ]) {
      assert.ok(paths.has(expected), `fuzzes ${expected}`);
    }
    const report = await runFuzz({ seed: SEED, numRuns: RUNS, shrink: false, target });
    t.diagnostic(`sent ${report.sent} requests; statuses ${formatHistogram(report.histogram)}`);
    assert.equal(report.failure, undefined, JSON.stringify(report.failure, null, 1));
    assert.equal(report.sent, RUNS);
    // The generated requests reached past the front door: successes, and each kind of refusal.
    for (const status of [200, 400, 401, 404]) {
      assert.ok((report.histogram.get(status) ?? 0) > 0, `some requests got ${status}`);
    }
  } finally {
    await target.close();
  }
});
