// The gateway endpoints while the database is away: a token that must be read from the
// database answers 503 in the error shape (never 401: the proxy must not treat a live token
// as invalid), introspection likewise; a cached token keeps passing; service resumes.
// PostgreSQL only: PGlite runs inside the process, there is no connection to cut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { databaseUrl, json, startHarness } from '../helpers/harness.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const skip = databaseUrl === undefined && 'needs DATABASE_URL (PGlite has no connection to cut)';

test(
  'database outage: 503 for uncached tokens on authz and introspection, cached ones pass',
  { skip },
  async () => {
    const url = new URL(databaseUrl as string);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const h = await startHarness({}, { connectVia: viaProxy.toString() });
    try {
      const { cookie } = await h.quickSignedIn('Admin');
      const cached = json<{ secret: string }>(await h.createPat({ cookie })).secret;
      const uncached = json<{ secret: string }>(await h.createPat({ cookie })).secret;
      const ask = (token: string) =>
        h.app.inject({
          method: 'GET',
          url: '/api/authz/auth-request',
          headers: { authorization: token },
        });
      assert.equal((await ask(cached)).statusCode, 200);
      proxy.cut();
      const refused = await ask(uncached);
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(json<{ name: string }>(refused).name, 'ServiceUnavailableError');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      const introspected = await h.app.inject({
        method: 'POST',
        url: '/oauth/introspect',
        headers: { authorization: cached, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `token=${encodeURIComponent(uncached)}`,
      });
      assert.equal(introspected.statusCode, 503, introspected.body);
      // The cache is emptied when the revocation listener loses its connection; until then a
      // cached token needs no database at all.
      const cachedAnswer = await ask(cached);
      assert.ok([200, 503].includes(cachedAnswer.statusCode), cachedAnswer.body);
      proxy.restore();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await ask(uncached)).statusCode;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 200, 'service resumes by itself');
    } finally {
      await h.close();
      await proxy.close();
    }
  },
);
