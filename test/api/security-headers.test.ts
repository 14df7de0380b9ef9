// Every route, walked with and without credentials: each answer has the security headers, and
// every answer that can carry user data or a secret is `Cache-Control: no-store`.

import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { after, before, test } from 'node:test';
import { routesOf } from '../fuzz/http-fuzz.js';
import { ensureWebBuild } from '../helpers/browser.js';
import { type Harness, inDays, json, startHarness, type TestUser } from '../helpers/harness.js';

let h: Harness;
let admin: TestUser;
let secret: string;
before(async () => {
  // The page's own policy is only on the page: build it if this run has not yet.
  ensureWebBuild();
  h = await startHarness();
  admin = await h.signedIn('Admin');
  secret = json<{ secret: string }>(await h.createPat({ cookie: admin.cookie })).secret;
});
after(() => h.close());

function assertSecurityHeaders(response: LightMyRequestResponse, what: string) {
  assert.equal(response.headers['x-content-type-options'], 'nosniff', what);
  const csp = String(response.headers['content-security-policy']);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP ${csp}`);
  assert.match(csp, /default-src '(self|none)'/, `${what}: CSP ${csp}`);
  assert.equal(response.headers['referrer-policy'], 'no-referrer', what);
}

/** A body that gets each route past validation, so the answer is the route's own. */
function bodyFor(method: string, path: string): unknown {
  if (method !== 'POST' && method !== 'PUT') return undefined;
  if (path.endsWith('/tokens') || path.endsWith('/token'))
    return { description: `walk ${path} ${Math.random()}`, expiresAt: inDays(1) };
  if (path === '/api/admin/service-account')
    return { username: `walk-bot-${Math.random()}`, rootRole: 'Viewer' };
  if (path === '/auth/simple/login') return { username: admin.user.username, password: 'wrong' };
  if (path.endsWith('change-password'))
    return { password: 'Walk-the-routes 1!', confirmPassword: 'Walk-the-routes 1!' };
  if (path === '/api/public/tokens/revoke') return { tokens: [] };
  if (path.endsWith('/rotate')) return { overlapSeconds: 60 };
  if (path === '/api/admin/tokens/revoke') return { ids: [2147483647], reason: 'walk' };
  if (path === '/oauth/introspect') return `token=${encodeURIComponent(secret)}`;
  if (path === '/api/admin/user-admin')
    return { username: `walk-${Math.random()}`, rootRole: 'Viewer' };
  if (path.startsWith('/api/admin/webhooks') && !path.endsWith('/test'))
    return { url: 'http://127.0.0.1:9/walk', events: ['*'] };
  return { name: 'walked' };
}

test('every route, as a stranger, with a session and with a token: security headers; no-store on everything but static assets', async () => {
  const routes = routesOf(h).filter((r) => !/change-password|logout/.test(r.path));
  assert.ok(routes.length >= 12, `${routes.length} routes`);
  let checked = 0;
  for (const route of routes) {
    for (const walker of [undefined, { cookie: admin.cookie }, { token: secret }]) {
      // Revoking the calling token would end the walk's own: that one gets a token of its own.
      const revokesCaller =
        route.method === 'DELETE' && route.path.endsWith('/tokens/self') && walker?.token;
      const auth = revokesCaller
        ? { token: json<{ secret: string }>(await h.createPat({ cookie: admin.cookie })).secret }
        : walker;
      // A user id that is not the walker's own, so that DELETE does not end the walk.
      const url = route.path.replace('{id}', '2147483647').replace('{tokenId}', '2147483647');
      const body = bodyFor(route.method, route.path);
      const response = await h.request({
        method: route.method as 'GET',
        url,
        ...(auth && { auth }),
        ...(body !== undefined && { body }),
        ...(typeof body === 'string' && {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      });
      const what = `${route.method} ${url} (${auth ? Object.keys(auth)[0] : 'stranger'}): ${response.statusCode}`;
      assert.ok(response.statusCode < 500, what);
      assertSecurityHeaders(response, what);
      // The web page and the API browser are the same for everyone and hold no data.
      const isStaticAsset =
        url === '/' || url.startsWith('/docs/openapi/static/') || url === '/docs/openapi/';
      if (!isStaticAsset) assert.equal(response.headers['cache-control'], 'no-store', what);
      checked++;
    }
  }
  assert.equal(checked, routes.length * 3);
});

test('the answers that carry a secret or user data say no-store explicitly', async () => {
  const created = await h.createPat({ cookie: admin.cookie });
  assert.equal(created.statusCode, 201);
  assert.equal(created.headers['cache-control'], 'no-store');
  // A webhook's creation carries its signing secret.
  const hook = await h.request({
    method: 'POST',
    url: '/api/admin/webhooks',
    auth: { cookie: admin.cookie },
    body: { url: 'http://127.0.0.1:9/walk', events: ['*'] },
  });
  assert.equal(hook.statusCode, 201);
  assert.equal(hook.headers['cache-control'], 'no-store');
  assertSecurityHeaders(hook, 'webhook creation');
  const login = await h.request({
    method: 'POST',
    url: '/auth/simple/login',
    body: { username: admin.user.username, password: 'correct horse battery staple' },
  });
  assert.equal(login.statusCode, 200);
  assert.equal(login.headers['cache-control'], 'no-store');
  for (const url of [
    '/api/admin/user',
    '/api/admin/user/tokens',
    '/api/admin/user-admin',
    '/api/admin/events',
    '/api/admin/tokens',
    '/api/admin/webhooks',
    '/api/authz/auth-request',
    '/api/authz/forward-auth',
    '/api/authz/ext-authz/any/path',
  ]) {
    const response = await h.request({ method: 'GET', url, auth: { token: secret } });
    assert.equal(response.statusCode, 200, url);
    assert.equal(response.headers['cache-control'], 'no-store', url);
    assertSecurityHeaders(response, url);
  }
  const introspected = await h.request({
    method: 'POST',
    url: '/oauth/introspect',
    auth: { token: secret },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(secret)}`,
  });
  assert.equal(introspected.statusCode, 200);
  assert.equal(json<{ active: boolean }>(introspected).active, true);
  assert.equal(introspected.headers['cache-control'], 'no-store');
  assertSecurityHeaders(introspected, 'introspect');
});

test('the web page has the strict CSP: own scripts and styles only, no framing, no inline script', async () => {
  const page = await h.request({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  const csp = String(page.headers['content-security-policy']);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
});

test('the API browser page has a CSP that forbids framing and foreign scripts', async () => {
  const page = await h.request({ method: 'GET', url: '/docs/openapi/' });
  const html =
    page.statusCode === 302
      ? await h.request({ method: 'GET', url: String(page.headers.location) })
      : page;
  assert.equal(html.statusCode, 200);
  assert.match(String(html.headers['content-type']), /text\/html/);
  const csp = String(html.headers['content-security-policy']);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
  assert.equal(html.headers['x-content-type-options'], 'nosniff');
});
