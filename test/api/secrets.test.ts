// After a full token lifecycle, no issued secret, password or session id is anywhere the
// server keeps or writes: tables, events, log lines.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, PASSWORD, startHarness } from '../helpers/harness.js';

test('no secret in any table, event or log line after a full lifecycle', async () => {
  const h = await startHarness({ LOG_LEVEL: 'trace' });
  try {
    const user = await h.createUser('Admin');
    const cookie = await h.login(user.username as string);
    const secrets: string[] = [];
    for (let i = 0; i < 3; i++)
      secrets.push(json<{ secret: string }>(await h.createPat({ cookie })).secret);
    // Use each token, by both header forms; fail once with a wrong one; list; delete one.
    for (const secret of secrets) {
      assert.equal(
        (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: secret } }))
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
    await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: `${secrets[0]}x` } });
    await h.request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username: user.username, password: `${PASSWORD}!` },
    });
    const list = json<{ pats: { id: number }[] }>(
      await h.request({ method: 'GET', url: '/api/admin/user/tokens', auth: { cookie } }),
    );
    await h.request({
      method: 'DELETE',
      url: `/api/admin/user/tokens/${list.pats[0]?.id}`,
      auth: { token: secrets[1] as string },
    });
    await h.request({ method: 'POST', url: '/logout', auth: { cookie } });
    await h.services.seenAt.flush();

    const tables = await h.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    assert.ok(tables.length >= 4);
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await h.db.query(`SELECT row_to_json(t)::text AS row FROM ${table_name} t`);
      dump += JSON.stringify(rows);
    }
    const logs = h.logLines.join('\n');
    assert.ok(logs.length > 0, 'something was logged');
    const sessionId = cookie.split('=')[1] as string;
    const forbidden = [...secrets, ...secrets.map((s) => s.slice(-43)), PASSWORD, sessionId];
    for (const value of forbidden) {
      assert.ok(!dump.includes(value), `database holds ${value.slice(0, 12)}...`);
      assert.ok(!logs.includes(value), `log holds ${value.slice(0, 12)}...`);
    }
  } finally {
    await h.close();
  }
});
