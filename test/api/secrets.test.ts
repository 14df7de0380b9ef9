// After a full token and password lifecycle, no issued secret, password or session id is
// anywhere the server keeps or writes: tables, events (as stored and as served), log lines,
// and every response body but the one that hands a secret to its owner.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { json, PASSWORD, startHarness } from '../helpers/harness.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

test('no secret or password in any table, event, log line or other response after a full lifecycle', async () => {
  const h = await startHarness({ LOG_LEVEL: 'trace' });
  try {
    const user = await h.createUser('Admin');
    const cookie = await h.login(user.username as string);
    // Every answer except a token's creation (which carries its secret to its owner) and a
    // login's Set-Cookie header must be free of secrets: recorded here, checked at the end.
    const answers: string[] = [];
    const record = (response: LightMyRequestResponse) => {
      answers.push(`${response.statusCode} ${response.body}`);
      return response;
    };
    const passwords = {
      created: 'Created-by-admin 1!',
      setByAdmin: 'Set-by-admin pw 2!',
      ownChange: 'Own-change pw 3!',
      refusedByPolicy: 'weakpassword',
      wrongType: 'Sent as an array 4!',
      // Sent as a number, the wrong type: a message that repeats what was sent would show it.
      numeric: '31415926535897',
    };
    // A user created with a password; an admin setting it; the user changing their own.
    const created = json<{ id: number; username: string }>(
      record(
        await h.request({
          method: 'POST',
          url: '/api/admin/user-admin',
          auth: { cookie },
          body: { username: 'leak-check', password: passwords.created, rootRole: 'Editor' },
        }),
      ),
    );
    record(
      await h.request({
        method: 'POST',
        url: `/api/admin/user-admin/${created.id}/change-password`,
        auth: { cookie },
        body: { password: passwords.setByAdmin },
      }),
    );
    const theirCookie = await h.login('leak-check', passwords.setByAdmin);
    assert.equal(
      record(
        await h.request({
          method: 'POST',
          url: '/api/admin/user/change-password',
          auth: { cookie: theirCookie },
          body: { password: passwords.ownChange, confirmPassword: passwords.ownChange },
        }),
      ).statusCode,
      200,
    );
    // Refusals must not repeat what was sent.
    for (const body of [
      { password: passwords.refusedByPolicy, confirmPassword: passwords.refusedByPolicy },
      { password: [passwords.wrongType], confirmPassword: passwords.wrongType },
      { password: Number(passwords.numeric), confirmPassword: passwords.numeric },
      { password: passwords.ownChange, confirmPassword: `${passwords.ownChange}x` },
    ]) {
      const refused = record(
        await h.request({
          method: 'POST',
          url: '/api/admin/user/change-password',
          auth: { cookie: theirCookie },
          body,
        }),
      );
      assert.equal(refused.statusCode, 400, refused.body);
    }
    record(
      await h.request({
        method: 'POST',
        url: '/auth/simple/login',
        body: { username: 'leak-check', password: [passwords.wrongType] },
      }),
    );
    record(
      await h.request({
        method: 'POST',
        url: '/api/admin/user-admin',
        auth: { cookie },
        body: { username: 'leak-check-2', password: { nested: passwords.wrongType }, rootRole: 1 },
      }),
    );
    const secrets: string[] = [];
    for (let i = 0; i < 3; i++)
      secrets.push(json<{ secret: string }>(await h.createPat({ cookie })).secret);
    // A scoped token, and a service account's token: used, listed and deleted below too.
    secrets.push(
      json<{ secret: string }>(
        await h.createPat({ cookie }, { scopes: ['*:read', 'introspect'], audiences: ['leaks'] }),
      ).secret,
    );
    const bot = json<{ id: number }>(
      record(
        await h.request({
          method: 'POST',
          url: '/api/admin/service-account',
          auth: { cookie },
          body: { username: 'leak-check-bot', rootRole: 'Editor' },
        }),
      ),
    );
    const botToken = json<{ id: number; secret: string }>(
      await h.request({
        method: 'POST',
        url: `/api/admin/service-account/${bot.id}/token`,
        auth: { cookie },
        body: { description: 'bot', expiresAt: '2099-01-01T00:00:00Z', scopes: ['*:read'] },
      }),
    );
    secrets.push(botToken.secret);
    record(await h.request({ method: 'GET', url: '/api/admin/service-account', auth: { cookie } }));
    record(
      await h.request({
        method: 'GET',
        url: `/api/admin/service-account/${bot.id}/token`,
        auth: { cookie },
      }),
    );
    // A scope refusal must not repeat the token either.
    record(
      await h.request({
        method: 'POST',
        url: '/api/admin/user/tokens',
        auth: { token: botToken.secret },
        body: {},
      }),
    );
    // Use each token, by both header forms; fail once with a wrong one; list; delete one.
    for (const secret of secrets) {
      assert.equal(
        record(await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: secret } }))
          .statusCode,
        200,
      );
      assert.equal(
        (
          await h.request({
            method: 'GET',
            url: '/api/admin/user/tokens',
            auth: { token: `Bearer ${secret}` },
          })
        ).statusCode,
        200,
      );
    }
    record(
      await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: `${secrets[0]}x` } }),
    );
    // The gateway endpoints, whose answers are mostly headers: those are recorded too.
    const recordAll = (response: LightMyRequestResponse) => {
      answers.push(`${JSON.stringify(response.headers)} ${response.body}`);
      return record(response);
    };
    for (const secret of secrets) {
      for (const url of [
        '/api/authz/auth-request?resource=orders',
        '/api/authz/forward-auth?scope=deploy',
        '/api/authz/ext-authz/orders/1',
      ]) {
        recordAll(
          await h.request({
            method: 'GET',
            url,
            auth: { token: `Bearer ${secret}` },
            headers: {
              'x-original-url': 'https://shop.example/orders/1',
              'x-original-method': 'POST',
            },
          }),
        );
      }
      const introspected = recordAll(
        await h.request({
          method: 'POST',
          url: '/oauth/introspect',
          auth: { token: `Bearer ${secrets[0]}` },
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `token=${encodeURIComponent(secret)}`,
        }),
      );
      assert.equal(json<{ active: boolean }>(introspected).active, true);
    }
    recordAll(
      await h.request({
        method: 'POST',
        url: '/oauth/introspect',
        auth: { token: `Basic ${Buffer.from(`x:${secrets[2]}`).toString('base64')}` },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${encodeURIComponent(`${secrets[1]}x`)}`,
      }),
    );
    recordAll(
      await h.request({
        method: 'GET',
        url: '/api/authz/forward-auth',
        auth: { token: `${secrets[1]}x` },
      }),
    );
    record(
      await h.request({
        method: 'POST',
        url: '/auth/simple/login',
        body: { username: user.username, password: `${PASSWORD}!` },
      }),
    );
    const list = json<{ pats: { id: number }[] }>(
      await h.request({ method: 'GET', url: '/api/admin/user/tokens', auth: { cookie } }),
    );
    await h.request({
      method: 'DELETE',
      url: `/api/admin/user/tokens/${list.pats[0]?.id}`,
      auth: { token: secrets[1] as string },
    });
    // The calling token's own entry, and a leak report of the last token (and garbage).
    assert.equal(
      record(
        await h.request({
          method: 'GET',
          url: '/api/admin/user/tokens/self',
          auth: { token: secrets[2] as string },
        }),
      ).statusCode,
      200,
    );
    assert.equal(
      record(
        await h.request({
          method: 'POST',
          url: '/api/public/tokens/revoke',
          body: { tokens: [secrets[2], `${secrets[2]}x`, 'not a token'] },
        }),
      ).statusCode,
      202,
    );
    // Rotation (by the token itself, with an overlap), the Admins' inventory, usage and
    // revocation with a reason: only the rotation's answer carries a secret, to its owner.
    const toRotate = json<{ id: number; secret: string }>(await h.createPat({ cookie }));
    secrets.push(toRotate.secret);
    const rotated = await h.request({
      method: 'POST',
      url: `/api/admin/user/tokens/${toRotate.id}/rotate`,
      auth: { token: toRotate.secret },
      body: { overlapSeconds: 60 },
    });
    assert.equal(rotated.statusCode, 201, rotated.body);
    const successor = json<{ id: number; secret: string }>(rotated);
    secrets.push(successor.secret);
    record(
      await h.request({
        method: 'POST',
        url: `/api/admin/user/tokens/${toRotate.id}/rotate`,
        auth: { token: successor.secret },
        body: {},
      }),
    );
    for (const url of [
      '/api/admin/tokens?limit=500',
      `/api/admin/user/tokens/${successor.id}/usage`,
      `/api/admin/tokens/${toRotate.id}/usage`,
      '/api/admin/user/tokens',
    ]) {
      assert.equal(
        record(await h.request({ method: 'GET', url, auth: { token: successor.secret } }))
          .statusCode,
        200,
        url,
      );
    }
    record(
      await h.request({
        method: 'POST',
        url: '/api/admin/tokens/revoke',
        auth: { cookie },
        body: { ids: [toRotate.id, 2_147_483_000], reason: 'rotated out' },
      }),
    );
    record(
      await h.request({
        method: 'DELETE',
        url: `/api/admin/tokens/${successor.id}?reason=done`,
        auth: { cookie },
      }),
    );
    // A webhook: its signing secret is in its creation's answer only (not recorded), and is
    // stored, as it must be to sign, in the webhooks table and nowhere else.
    const receiver = await startReceiver();
    const hook = json<{ id: number; secret: string }>(
      await h.request({
        method: 'POST',
        url: '/api/admin/webhooks',
        auth: { cookie },
        body: { url: receiver.url, events: ['*'], description: 'leak check' },
      }),
    );
    const webhookSecret = hook.secret;
    record(await h.request({ method: 'GET', url: '/api/admin/webhooks', auth: { cookie } }));
    record(
      await h.request({
        method: 'PATCH',
        url: `/api/admin/webhooks/${hook.id}`,
        auth: { cookie },
        body: { description: 'leak check 2' },
      }),
    );
    record(
      await h.request({
        method: 'POST',
        url: `/api/admin/webhooks/${hook.id}/test`,
        auth: { cookie },
      }),
    );
    await receiver.waitFor(() => receiver.received.some((r) => r.event === 'webhook-test'));
    await receiver.close();
    record(
      await h.request({
        method: 'GET',
        url: `/api/admin/webhooks/${hook.id}/deliveries`,
        auth: { cookie },
      }),
    );
    const events = record(
      await h.request({ method: 'GET', url: '/api/admin/events?limit=1000', auth: { cookie } }),
    );
    assert.equal(events.statusCode, 200);
    for (const type of [
      'user-created',
      'user-password-changed',
      'pat-created',
      'pat-deleted',
      'pat-leaked',
      'service-account-created',
      'pat-rotated',
      'webhook-created',
      'webhook-updated',
      'webhook-test',
    ]) {
      assert.ok(events.body.includes(`"${type}"`), `the served events include ${type}`);
    }
    record(await h.request({ method: 'GET', url: '/api/admin/user-admin', auth: { cookie } }));
    await h.request({ method: 'POST', url: '/logout', auth: { cookie } });
    await h.services.seenAt.flush();
    // The metrics saw all of the above: they must name no user, token, selector or password.
    const metrics = await h.request({ method: 'GET', url: '/internal-backstage/prometheus' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /unlatch_token_authentications_total\{outcome="cache_hit"\} [1-9]/);
    record(metrics);
    for (const name of [user.username as string, 'leak-check', 'leak-check-2', 'leak-check-bot']) {
      assert.ok(!metrics.body.includes(name), `the metrics name the user ${name}`);
    }
    for (const secret of secrets) {
      // user:v2_<selector 22>_<secret 43>
      assert.ok(!metrics.body.includes(secret.slice(8, 30)), 'the metrics hold a selector');
    }

    const tables = await h.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    assert.ok(tables.length >= 4);
    let dump = '';
    for (const { table_name } of tables) {
      // The one place the webhook secret may be: its own column (see below).
      const row = table_name === 'webhooks' ? "row_to_json(t)::jsonb - 'secret'" : 'row_to_json(t)';
      const rows = await h.db.query(`SELECT ${row}::text AS row FROM ${table_name} t`);
      dump += JSON.stringify(rows);
    }
    const [stored] = await h.db.query<{ secret: string }>(
      'SELECT secret FROM webhooks WHERE id = $1',
      [hook.id],
    );
    assert.equal(stored?.secret, webhookSecret, 'the signing secret is stored, to sign with');
    const logs = h.logLines.join('\n');
    assert.ok(logs.length > 0, 'something was logged');
    const sessionIds = [cookie, theirCookie].map((c) => c.split('=')[1] as string);
    const forbidden = [
      ...secrets,
      ...secrets.map((s) => s.slice(-43)),
      PASSWORD,
      ...Object.values(passwords),
      ...sessionIds,
      webhookSecret,
      webhookSecret.slice(6),
    ];
    const served = answers.join('\n');
    assert.ok(answers.length >= 15 && served.includes('BadDataError'), 'refusals were recorded');
    // A selector is stored (it finds the row) but is never served or logged.
    for (const selector of secrets.map((s) => s.slice(8, 30))) {
      assert.ok(!logs.includes(selector), `log holds selector ${selector.slice(0, 6)}...`);
      assert.ok(!served.includes(selector), `a response holds selector ${selector.slice(0, 6)}...`);
    }
    for (const value of forbidden) {
      assert.ok(!dump.includes(value), `database holds ${value.slice(0, 12)}...`);
      assert.ok(!logs.includes(value), `log holds ${value.slice(0, 12)}...`);
      assert.ok(!served.includes(value), `a response holds ${value.slice(0, 12)}...`);
    }
  } finally {
    await h.close();
  }
});
