// PAT_IDLE_REVOKE_DAYS: tokens unused for that many days (by seenAt, or by creation when
// never used) are revoked by a background job, once, by one instance at a time.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.js';
import type { Services } from '../../../src/composition.js';
import { PgDb } from '../../../src/db/pg-db.js';
import { IDLE_JOB_LOCK_KEY } from '../../../src/features/pats/idle-tokens.js';
import { createLogger } from '../../../src/logger.js';
import { assertError } from '../../helpers/assertions.js';
import { databaseUrl, type Harness, json, startHarness } from '../../helpers/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ PAT_IDLE_REVOKE_DAYS: '30' });
});
after(() => h.close());

const me = (token: string) => h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });

async function token(cookie: string, age: { created?: number; seen?: number; expired?: boolean }) {
  const made = json<{ id: number; secret: string }>(await h.createPat({ cookie }));
  await h.db.query(
    `UPDATE personal_access_tokens SET
       created_at = now() - make_interval(days => $2::int),
       seen_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END,
       expires_at = CASE WHEN $4::boolean THEN now() - interval '1 day' ELSE expires_at END
     WHERE id = $1`,
    [made.id, age.created ?? 0, age.seen ?? null, age.expired === true],
  );
  return made;
}

describe('idle tokens', () => {
  test('revoked by seenAt, or by creation when never used; events with reason idle; once', async () => {
    const owner = await h.quickSignedIn();
    const neverUsed = await token(owner.cookie, { created: 40 });
    const usedLongAgo = await token(owner.cookie, { created: 60, seen: 31 });
    const usedLately = await token(owner.cookie, { created: 60, seen: 5 });
    const fresh = await token(owner.cookie, { created: 2 });
    const expired = await token(owner.cookie, { created: 90, expired: true });
    assert.equal(await h.services.idleTokens?.revokeIdle(), 2);
    for (const gone of [neverUsed, usedLongAgo])
      assertError(await me(gone.secret), 401, 'UnauthorizedError');
    for (const kept of [usedLately, fresh]) assert.equal((await me(kept.secret)).statusCode, 200);
    const ids = (
      await h.db.query<{ id: number }>(
        'SELECT id FROM personal_access_tokens WHERE user_id = $1 ORDER BY id',
        [owner.user.id],
      )
    ).map((r) => r.id);
    assert.deepEqual(ids, [usedLately.id, fresh.id, expired.id]);
    const events = await h.db.query<{
      id: number;
      reason: string;
      created_by: string;
      user_id: number;
    }>(
      `SELECT (data->>'id')::int AS id, data->>'reason' AS reason, created_by, (data->>'userId')::int AS user_id
       FROM events WHERE type = 'pat-deleted' ORDER BY id`,
    );
    assert.deepEqual(events, [
      { id: neverUsed.id, reason: 'idle', created_by: 'idle-token-job', user_id: owner.user.id },
      { id: usedLongAgo.id, reason: 'idle', created_by: 'idle-token-job', user_id: owner.user.id },
    ]);
    assert.equal(await h.services.idleTokens?.revokeIdle(), 0, 'nothing twice');
    assert.equal((await h.services.housekeeping.runOnce()).idleTokens, 0);
  });

  test('a stopping server begins no clean-up step: what is due stays for the next run', async () => {
    const owner = await h.quickSignedIn();
    const idle = await token(owner.cookie, { created: 40 });
    await h.db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 day' WHERE user_id = $1`,
      [owner.user.id],
    );
    // Looked up in the tables, not used: a use would make the token no longer idle.
    const left = async () =>
      (
        await h.db.query<{ tokens: number; sessions: number }>(
          `SELECT (SELECT count(*)::int FROM personal_access_tokens WHERE id = $1) AS tokens,
                  (SELECT count(*)::int FROM sessions WHERE user_id = $2) AS sessions`,
          [idle.id, owner.user.id],
        )
      )[0];
    assert.deepEqual(await h.services.housekeeping.runOnce(AbortSignal.abort()), {
      sessions: 0,
      events: 0,
      usageDays: 0,
      idleTokens: 0,
    });
    assert.equal(await h.services.idleTokens?.revokeIdle(AbortSignal.abort()), 0);
    assert.deepEqual(await left(), { tokens: 1, sessions: 1 });
    const next = await h.services.housekeeping.runOnce();
    assert.ok(next.sessions >= 1 && next.idleTokens >= 1, JSON.stringify(next));
    assert.deepEqual(await left(), { tokens: 0, sessions: 0 });
  });

  test('while another instance holds the job lock, this one does nothing', async () => {
    const owner = await h.quickSignedIn();
    const idle = await token(owner.cookie, { created: 45 });
    if (h.db.kind === 'pglite') {
      // One connection: hold the lock in a transaction and run the job in it.
      await h.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [IDLE_JOB_LOCK_KEY]);
      });
      assert.equal(await h.services.idleTokens?.revokeIdle(), 1);
      return;
    }
    const holder = new PgDb({ connectionString: databaseUrl as string, max: 1 });
    try {
      await holder.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [IDLE_JOB_LOCK_KEY]);
        assert.equal(await h.services.idleTokens?.revokeIdle(), 0);
      });
    } finally {
      await holder.close();
    }
    assert.equal(await h.services.idleTokens?.revokeIdle(), 1);
    assertError(await me(idle.secret), 401, 'UnauthorizedError');
  });

  test('unset: there is no job', async () => {
    const hx = await startHarness();
    try {
      assert.equal(hx.services.idleTokens, undefined);
      assert.equal((await hx.services.housekeeping.runOnce()).idleTokens, 0);
    } finally {
      await hx.close();
    }
  });
});

const skip = databaseUrl === undefined ? 'needs DATABASE_URL: PGlite has one process' : false;

describe('two instances on one PostgreSQL', () => {
  let a: Harness;
  let bDb: PgDb | undefined;
  let b: FastifyInstance | undefined;
  let bServices: Services | undefined;
  before(async () => {
    if (skip) return;
    a = await startHarness({ PAT_IDLE_REVOKE_DAYS: '30' });
    const [row] = await a.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    bDb = new PgDb({
      connectionString: databaseUrl as string,
      options: `-c search_path=${row?.schema}`,
    });
    ({ app: b, services: bServices } = await buildApp({
      config: { ...a.config, authCacheTtlMs: 60_000 },
      db: bDb,
      logger: createLogger('silent'),
    }));
    await b.ready();
  });
  after(async () => {
    await b?.close();
    await bDb?.close();
    await a?.close();
  });

  test(
    'both run the job together: each idle token is revoked once, with one event, and fails on both',
    { skip },
    async () => {
      const owner = await a.quickSignedIn();
      const made: { id: number; secret: string }[] = [];
      for (let i = 0; i < 5; i++) {
        const pat = json<{ id: number; secret: string }>(
          await a.createPat({ cookie: owner.cookie }),
        );
        made.push(pat);
      }
      // B has them cached: the revocation must reach it by notification.
      for (const pat of made) {
        const response = await (b as FastifyInstance).inject({
          method: 'GET',
          url: '/api/admin/user',
          headers: { authorization: pat.secret },
        });
        assert.equal(response.statusCode, 200);
      }
      await a.db.query(
        "UPDATE personal_access_tokens SET created_at = now() - interval '45 days' WHERE user_id = $1",
        [owner.user.id],
      );
      const counts = await Promise.all([
        a.services.idleTokens?.revokeIdle(),
        bServices?.idleTokens?.revokeIdle(),
        a.services.idleTokens?.revokeIdle(),
        bServices?.idleTokens?.revokeIdle(),
      ]);
      assert.equal(
        counts.reduce((n: number, c) => n + (c ?? 0), 0),
        5,
        JSON.stringify(counts),
      );
      const [events] = await a.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM events WHERE type = 'pat-deleted' AND data->>'reason' = 'idle'",
      );
      assert.equal(events?.n, 5);
      const deadline = Date.now() + 1000;
      for (const pat of made) {
        for (;;) {
          const response = await (b as FastifyInstance).inject({
            method: 'GET',
            url: '/api/admin/user',
            headers: { authorization: pat.secret },
          });
          if (response.statusCode === 401) break;
          assert.ok(Date.now() < deadline, 'B still accepts a revoked token');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(
          (await a.request({ method: 'GET', url: '/api/admin/user', auth: { token: pat.secret } }))
            .statusCode,
          401,
        );
      }
    },
  );
});
