// The checks every real proxy in front of Unlatch must pass (spec/gateway.md, "Proof
// expected"). Each proxy's test supplies a config that protects:
//   /          any live token          /orders/   resource=orders
//   /deploy/   scope=deploy            /billing/  audience=billing
// and forwards to the echo upstream, which records what reached it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import {
  type EchoUpstream,
  send,
  type SeenRequest,
  startEchoUpstream,
} from '../helpers/gateway-proxies.js';
import { type Harness, json, startHarness, type TestUser } from '../helpers/harness.js';

const UNKNOWN = 'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
/** Low, so that the last test can trip it; the earlier ones stay far below. */
const FAILURE_LIMIT = 40;

export interface RunningProxy {
  baseUrl: string;
  stop(): Promise<void>;
  output(): string;
}

export interface GatewaySuiteOptions {
  name: string;
  skip: string | undefined;
  start(appPort: number, upstreamPort: number): Promise<RunningProxy>;
  /**
   * How the proxy answers when Unlatch says 429: Caddy and Traefik pass the answer on
   * (429 with Retry-After); nginx's auth_request knows only 2xx, 401 and 403 and answers 500.
   */
  tooManyStatus: number;
  /** Whether the proxy passes Unlatch's WWW-Authenticate challenge on with a 401. */
  passesChallenge: boolean;
}

export function describeGateway(options: GatewaySuiteOptions): void {
  describe(options.name, { skip: options.skip ?? false }, () => {
    let h: Harness;
    let upstream: EchoUpstream;
    let proxy: RunningProxy;
    let admin: TestUser;

    before(async () => {
      h = await startHarness({
        LOG_LEVEL: 'warn',
        AUTH_FAILURE_LIMIT_PER_MINUTE: String(FAILURE_LIMIT),
        // "A cached valid token still passes" must not depend on the machine being fast
        // enough to trip the limit within the default TTL (0.9 s): the entry must still be
        // cached. Revocations evict at once on this (single) instance whatever the TTL.
        AUTH_CACHE_TTL_MS: '60000',
      });
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      upstream = await startEchoUpstream();
      proxy = await options.start((h.app.server.address() as AddressInfo).port, upstream.port);
      admin = await h.quickSignedIn('Admin');
    });
    after(async () => {
      await proxy?.stop();
      await upstream?.close();
      await h?.close();
    });

    async function editorWithToken() {
      const editor = await h.quickSignedIn('Editor');
      const created = json<{ id: number; secret: string }>(
        await h.createPat({ cookie: editor.cookie }),
      );
      return { ...editor, tokenId: created.id, token: created.secret };
    }

    /** Sends through the proxy; returns the answer and what the upstream saw of it. */
    async function through(
      path: string,
      headers: Record<string, string> = {},
      method = 'GET',
    ): Promise<{ status: number; headers: Headers; seen: SeenRequest | undefined }> {
      const before = upstream.seen.length;
      const marker = `m${Math.random().toString(36).slice(2)}`;
      const separator = path.includes('?') ? '&' : '?';
      const answer = await send(`${proxy.baseUrl}${path}${separator}marker=${marker}`, {
        method,
        headers,
        ...(method === 'POST' && { body: '{"order":1}' }),
      });
      const seen = upstream.seen.slice(before).find((r) => r.url.includes(marker));
      return { status: answer.status, headers: answer.headers, seen };
    }

    test('a valid token: the upstream answers and saw the identity headers, not the token', async () => {
      const editor = await editorWithToken();
      for (const authorization of [`Bearer ${editor.token}`, editor.token]) {
        const answer = await through('/hello/world', {
          authorization,
          // Spoofing attempts: a client must not be able to add or replace identity headers.
          'remote-email': 'boss@evil.example',
          'x-unlatch-user-id': '1',
          'remote-groups': 'Admin',
        });
        assert.equal(answer.status, 200, proxy.output());
        const seen = answer.seen?.headers;
        assert.ok(seen, 'the upstream saw the request');
        assert.equal(seen['remote-user'], editor.user.username);
        assert.equal(seen['x-auth-request-user'], editor.user.username);
        assert.equal(seen['remote-groups'], 'Editor');
        assert.equal(seen['x-unlatch-user-id'], String(editor.user.id));
        assert.equal(seen['x-unlatch-token-id'], String(editor.tokenId));
        assert.equal(seen['x-unlatch-scopes'], '*');
        assert.equal(seen['x-unlatch-account-type'], 'User');
        // No email known: no header, and the spoofed one is gone.
        assert.equal(seen['remote-email'], undefined);
        assert.equal(seen['x-auth-request-email'], undefined);
        assert.equal(seen['remote-name'], undefined);
        assert.equal(seen.authorization, undefined, 'the token stays at the gateway');
      }
    });

    test('none, garbage, unknown, or a session cookie: refused, and the upstream never saw it', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'garbage' },
        { authorization: `Bearer ${UNKNOWN}` },
        { cookie: admin.cookie },
      ];
      for (const headers of attempts) {
        const answer = await through('/hello', headers);
        assert.equal(answer.status, 401, `${JSON.stringify(headers)}\n${proxy.output()}`);
        assert.equal(answer.seen, undefined);
        if (options.passesChallenge) {
          const challenge = String(answer.headers.get('www-authenticate'));
          assert.match(challenge, /^Bearer realm="unlatch"/);
          // Once: a proxy that passes a 401's challenge on by itself must not add it again.
          assert.equal(challenge.split('realm=').length, 2, challenge);
        }
      }
    });

    test('deleted and expired tokens are refused on the very next request', async () => {
      const editor = await editorWithToken();
      const other = json<{ id: number; secret: string }>(
        await h.createPat({ cookie: editor.cookie }),
      );
      const auth = (token: string) => ({ authorization: `Bearer ${token}` });
      assert.equal((await through('/a', auth(editor.token))).status, 200);
      assert.equal((await through('/a', auth(other.secret))).status, 200);
      const deleted = await h.request({
        method: 'DELETE',
        url: `/api/admin/user/tokens/${editor.tokenId}`,
        auth: { cookie: editor.cookie },
      });
      assert.equal(deleted.statusCode, 200);
      const afterDelete = await through('/a', auth(editor.token));
      assert.equal(afterDelete.status, 401);
      assert.equal(afterDelete.seen, undefined);
      // Expired: the cached expiry passes while the credential is cached.
      const cached = h.services.credentialCache.get(other.secret.slice(8, 30));
      assert.ok(cached);
      cached.expiresAt = new Date(Date.now() - 1000);
      const afterExpiry = await through('/a', auth(other.secret));
      assert.equal(afterExpiry.status, 401);
      assert.equal(afterExpiry.seen, undefined);
    });

    test('a role change and a user deletion show on the next request', async () => {
      const editor = await editorWithToken();
      const auth = { authorization: `Bearer ${editor.token}` };
      assert.equal((await through('/r', auth)).seen?.headers['remote-groups'], 'Editor');
      const demoted = await h.request({
        method: 'PUT',
        url: `/api/admin/user-admin/${editor.user.id}`,
        auth: { cookie: admin.cookie },
        body: { rootRole: 'Viewer' },
      });
      assert.equal(demoted.statusCode, 200, demoted.body);
      assert.equal((await through('/r', auth)).seen?.headers['remote-groups'], 'Viewer');
      const removed = await h.request({
        method: 'DELETE',
        url: `/api/admin/user-admin/${editor.user.id}`,
        auth: { cookie: admin.cookie },
      });
      assert.equal(removed.statusCode, 200, removed.body);
      const answer = await through('/r', auth);
      assert.equal(answer.status, 401);
      assert.equal(answer.seen, undefined);
    });

    test('resource and audience asks pass a * token; a special right it does not hold is 403', async () => {
      const editor = await editorWithToken();
      const auth = { authorization: `Bearer ${editor.token}` };
      for (const method of ['GET', 'POST']) {
        const answer = await through('/orders/7', auth, method);
        assert.equal(answer.status, 200, `${method} /orders/7\n${proxy.output()}`);
        assert.equal(answer.seen?.method, method);
      }
      assert.equal((await through('/billing/invoices', auth)).status, 200);
      const refused = await through('/deploy/now', auth, 'POST');
      assert.equal(refused.status, 403);
      assert.equal(refused.seen, undefined);
      if (options.passesChallenge)
        assert.match(
          String(refused.headers.get('www-authenticate')),
          /error="insufficient_scope", scope="deploy"/,
        );
      // Without a token the scoped paths are 401 like any other.
      assert.equal((await through('/deploy/now', {})).status, 401);
    });

    async function scopedToken(
      owner: TestUser,
      grant: { scopes?: string[]; audiences?: string[] },
    ): Promise<Record<string, string>> {
      const created = await h.createPat({ cookie: owner.cookie }, grant);
      assert.equal(created.statusCode, 201, created.body);
      return { authorization: `Bearer ${json<{ secret: string }>(created).secret}` };
    }

    test('resource=orders: a read token reads and cannot write; a write token does both', async () => {
      const editor = await h.quickSignedIn('Editor');
      const reader = await scopedToken(editor, { scopes: ['orders:read'] });
      const writer = await scopedToken(editor, { scopes: ['orders:write'] });
      const read = await through('/orders/7', reader);
      assert.equal(read.status, 200, proxy.output());
      assert.equal(read.seen?.headers['x-unlatch-scopes'], 'orders:read');
      const refused = await through('/orders/7', reader, 'POST');
      assert.equal(refused.status, 403);
      assert.equal(refused.seen, undefined, 'the upstream never saw the write');
      if (options.passesChallenge)
        assert.match(
          String(refused.headers.get('www-authenticate')),
          /error="insufficient_scope", scope="orders:write"/,
        );
      for (const method of ['GET', 'POST']) {
        const answer = await through('/orders/7', writer, method);
        assert.equal(answer.status, 200, `${method}\n${proxy.output()}`);
        assert.equal(answer.seen?.method, method);
      }
      // Scoped to orders, the token passes no scope it does not hold.
      assert.equal((await through('/deploy/now', writer, 'POST')).status, 403);
    });

    test('audience=billing: a token for other audiences is refused; one for billing passes', async () => {
      const editor = await h.quickSignedIn('Editor');
      const shop = await scopedToken(editor, { audiences: ['shop'] });
      const billing = await scopedToken(editor, { audiences: ['billing', 'shop'] });
      const refused = await through('/billing/invoices', shop);
      assert.equal(refused.status, 403);
      assert.equal(refused.seen, undefined);
      assert.equal((await through('/billing/invoices', billing)).status, 200);
      // Asking for no audience, any token passes.
      assert.equal((await through('/hello', shop)).status, 200);
    });

    test('a demotion to Viewer narrows a write token at once: reads pass, writes stop', async () => {
      const editor = await h.quickSignedIn('Editor');
      const writer = await scopedToken(editor, { scopes: ['orders:*'] });
      assert.equal((await through('/orders/1', writer, 'POST')).status, 200);
      const demoted = await h.request({
        method: 'PUT',
        url: `/api/admin/user-admin/${editor.user.id}`,
        auth: { cookie: admin.cookie },
        body: { rootRole: 'Viewer' },
      });
      assert.equal(demoted.statusCode, 200, demoted.body);
      const write = await through('/orders/1', writer, 'POST');
      assert.equal(write.status, 403);
      assert.equal(write.seen, undefined);
      const read = await through('/orders/1', writer);
      assert.equal(read.status, 200);
      assert.equal(read.seen?.headers['x-unlatch-scopes'], 'orders:read');
      assert.equal(read.seen?.headers['remote-groups'], 'Viewer');
    });

    test("a service account's token passes as the account, marked Service", async () => {
      const made = await h.request({
        method: 'POST',
        url: '/api/admin/service-account',
        auth: { cookie: admin.cookie },
        body: { username: `gw-bot-${options.name.replace(/\W/g, '')}`, rootRole: 'Editor' },
      });
      assert.equal(made.statusCode, 201, made.body);
      const account = json<{ id: number; username: string }>(made);
      const token = await h.request({
        method: 'POST',
        url: `/api/admin/service-account/${account.id}/token`,
        auth: { cookie: admin.cookie },
        body: {
          description: 'gateway',
          expiresAt: '2099-01-01T00:00:00Z',
          scopes: ['orders:write'],
        },
      });
      assert.equal(token.statusCode, 201, token.body);
      const auth = { authorization: `Bearer ${json<{ secret: string }>(token).secret}` };
      const answer = await through('/orders/9', auth, 'POST');
      assert.equal(answer.status, 200, proxy.output());
      assert.equal(answer.seen?.headers['remote-user'], account.username);
      assert.equal(answer.seen?.headers['x-unlatch-account-type'], 'Service');
      assert.equal(answer.seen?.headers['remote-groups'], 'Editor');
    });

    // Last: it trips the failed-token limit of this instance for 127.0.0.1.
    test(`the failed-token limit: ${options.tooManyStatus} through the proxy; a cached valid token still passes`, async () => {
      const editor = await editorWithToken();
      const good = { authorization: `Bearer ${editor.token}` };
      assert.equal((await through('/l', good)).status, 200);
      let answer = await through('/l', { authorization: `Bearer ${UNKNOWN}` });
      for (let i = 0; i < FAILURE_LIMIT && answer.status === 401; i++)
        answer = await through('/l', { authorization: `Bearer ${UNKNOWN}` });
      assert.equal(answer.status, options.tooManyStatus);
      assert.equal(answer.seen, undefined);
      if (options.tooManyStatus === 429)
        assert.ok(Number(answer.headers.get('retry-after')) >= 1, 'Retry-After passed on');
      assert.equal((await through('/l', good)).status, 200);
    });
  });
}
