// Apache with mod_oauth2 in front of the echo upstream, validating tokens through
// POST /oauth/introspect (RFC 7662), with the config of docs/gateways.md.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apacheConfig } from '../helpers/gateway-configs.js';
import {
  type EchoUpstream,
  findBinary,
  freePort,
  type ProxyProcess,
  proxySkipReason,
  send,
  startEchoUpstream,
  startProxy,
  tempFolder,
} from '../helpers/gateway-proxies.js';
import { type Harness, json, startHarness } from '../helpers/harness.js';

const MODULE = '/usr/lib/apache2/modules/mod_oauth2.so';

function skipReason(): string | undefined {
  const binary = proxySkipReason('apache2', 'apache2');
  if (binary) return binary;
  return proxySkipReason(MODULE, 'libapache2-mod-oauth2');
}

describe('Apache mod_oauth2 introspection (tested here)', { skip: skipReason() ?? false }, () => {
  let h: Harness;
  let upstream: EchoUpstream;
  let apache: ProxyProcess;
  let folder: { path: string; remove(): void };
  let base: string;
  let admin: { cookie: string };

  before(async () => {
    h = await startHarness({ LOG_LEVEL: 'warn' });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    upstream = await startEchoUpstream();
    admin = await h.quickSignedIn('Admin');
    const caller = json<{ secret: string }>(await h.createPat(admin)).secret;
    folder = tempFolder('apache');
    const port = await freePort();
    const config = join(folder.path, 'httpd.conf');
    writeFileSync(
      config,
      apacheConfig({
        folder: folder.path,
        port,
        app: (h.app.server.address() as AddressInfo).port,
        upstream: upstream.port,
        callerToken: caller,
        cacheSeconds: 1,
      }),
    );
    // -X: one process in the foreground, stopped by its PID.
    apache = await startProxy(findBinary('apache2') as string, ['-X', '-f', config], port);
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await apache?.stop();
    folder?.remove();
    await upstream?.close();
    await h?.close();
  });

  async function through(headers: Record<string, string>) {
    const before = upstream.seen.length;
    const answer = await send(`${base}/service/x`, { headers });
    return { status: answer.status, headers: answer.headers, seen: upstream.seen.slice(before)[0] };
  }

  test('a valid token passes with its claims; none, garbage and unknown are refused before the upstream', async () => {
    const editor = await h.quickSignedIn('Editor');
    const created = json<{ id: number; secret: string }>(await h.createPat(editor));
    const answer = await through({ authorization: `Bearer ${created.secret}` });
    assert.equal(answer.status, 200, apache.output());
    const seen = answer.seen?.headers ?? {};
    assert.equal(seen.oauth2_claim_sub, String(editor.user.id), JSON.stringify(seen));
    assert.equal(seen.oauth2_claim_username, editor.user.username);
    assert.equal(seen.oauth2_claim_jti, String(created.id));
    assert.equal(seen.authorization, undefined, 'the token stays at the gateway');
    for (const headers of [
      {},
      { authorization: 'Bearer garbage' },
      {
        authorization:
          'Bearer user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      },
    ] as Record<string, string>[]) {
      const refused = await through(headers);
      assert.equal(refused.status, 401, JSON.stringify(headers));
      assert.equal(refused.seen, undefined);
    }
  });

  test('a deleted token is refused once mod_oauth2’s result cache (1 s here) expires', async () => {
    const editor = await h.quickSignedIn('Editor');
    const created = json<{ id: number; secret: string }>(await h.createPat(editor));
    const auth = { authorization: `Bearer ${created.secret}` };
    assert.equal((await through(auth)).status, 200);
    const deleted = await h.request({
      method: 'DELETE',
      url: `/api/admin/user/tokens/${created.id}`,
      auth: editor,
    });
    assert.equal(deleted.statusCode, 200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answer = await through(auth);
    assert.equal(answer.status, 401);
    assert.equal(answer.seen, undefined);
  });
});
