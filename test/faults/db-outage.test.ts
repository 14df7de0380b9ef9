// The database goes away in the middle of a stream of token creations and comes back. While it
// is gone, requests fail fast with 503 in the error shape; when it returns, service resumes by
// itself; and the database ends up holding exactly the tokens whose 201 was sent.
// PostgreSQL only: PGlite runs inside the process, there is no connection to cut.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PgDb } from '../../src/db/pg-db.js';
import { assertError } from '../helpers/assertions.js';
import { databaseUrl, inDays, json, startHarness } from '../helpers/harness.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const WORKERS = 4;
const BEFORE_MS = 400;
const OUTAGE_MS = 1500;
const AFTER_MS = 600;
/** A request during the outage must be answered within this. */
const FAIL_FAST_MS = 3000;
/** After the database returns, a request must succeed within this. */
const RESUME_MS = 2000;

interface Outcome {
  description: string;
  status: number;
  startedAt: number;
  endedAt: number;
  id?: number;
  body: string;
  retryAfter?: string;
  contentType?: string;
}

const skip = databaseUrl === undefined && 'needs DATABASE_URL (PGlite has no connection to cut)';

test(
  'a database outage: fast 503s, recovery by itself, every acknowledged token stored and no refused one',
  { skip },
  async (t) => {
    const url = new URL(databaseUrl as string);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const h = await startHarness({ PAT_LIMIT: '10000' }, { connectVia: viaProxy.toString() });
    const direct = new PgDb({
      connectionString: url.toString(),
      options: `-c search_path=${h.schema}`,
      max: 1,
    });
    try {
      const { user, cookie } = await h.quickSignedIn('Editor');
      const outcomes: Outcome[] = [];
      const t0 = Date.now();
      let cutAt = Infinity;
      let restoredAt = Infinity;
      let stopAt = Infinity;
      let firstSuccessAfterRestore = Infinity;
      let n = 0;

      const worker = async () => {
        // Bounded: the phases end the loop, and a hard cap keeps a broken server from spinning.
        while (Date.now() < stopAt && Date.now() - t0 < 20_000) {
          const description = `outage ${++n}`;
          const startedAt = Date.now();
          const response = await h.request({
            method: 'POST',
            url: '/api/admin/user/tokens',
            auth: { cookie },
            body: { description, expiresAt: inDays(30) },
          });
          const endedAt = Date.now();
          const outcome: Outcome = {
            description,
            status: response.statusCode,
            startedAt,
            endedAt,
            body: response.body,
          };
          if (response.statusCode === 201) {
            outcome.id = json<{ id: number }>(response).id;
            if (startedAt >= restoredAt)
              firstSuccessAfterRestore = Math.min(firstSuccessAfterRestore, endedAt);
          } else {
            outcome.retryAfter = response.headers['retry-after'] as string | undefined;
            outcome.contentType = response.headers['content-type'] as string | undefined;
          }
          outcomes.push(outcome);
        }
      };
      const timeline = (async () => {
        await sleep(BEFORE_MS);
        cutAt = Date.now();
        proxy.cut();
        await sleep(OUTAGE_MS);
        restoredAt = Date.now();
        proxy.restore();
        // Run on until service has resumed (or clearly has not), then a little longer.
        while (firstSuccessAfterRestore === Infinity && Date.now() - restoredAt < RESUME_MS + 1000)
          await sleep(50);
        await sleep(AFTER_MS);
        stopAt = Date.now();
      })();
      await Promise.all([timeline, ...Array.from({ length: WORKERS }, worker)]);

      const acknowledged = outcomes.filter((o) => o.status === 201);
      const refused = outcomes.filter((o) => o.status !== 201);
      const during = outcomes.filter((o) => o.startedAt >= cutAt && o.endedAt <= restoredAt);
      t.diagnostic(
        `requests ${outcomes.length}: acknowledged ${acknowledged.length}, refused ${refused.length} ` +
          `(${during.length} wholly inside the ${OUTAGE_MS} ms outage); proxy accepted ${proxy.accepted}, reset ${proxy.refused} connections; ` +
          `first success ${firstSuccessAfterRestore - restoredAt} ms after restore`,
      );

      // Refusals are 503 in the error shape, fast, with Retry-After; nothing else went wrong.
      for (const o of refused) {
        assert.equal(o.status, 503, `${o.description}: ${o.status} ${o.body}`);
        assertError(
          { status: o.status, body: o.body, headers: { 'content-type': o.contentType } },
          503,
          'ServiceUnavailableError',
        );
        assert.ok(Number(o.retryAfter) >= 1, 'Retry-After');
        assert.ok(
          o.endedAt - o.startedAt < FAIL_FAST_MS,
          `${o.description} took ${o.endedAt - o.startedAt} ms`,
        );
      }
      assert.ok(
        acknowledged.some((o) => o.endedAt <= cutAt),
        'tokens were created before the cut',
      );
      assert.ok(during.length >= WORKERS, 'requests ran during the outage');
      assert.ok(
        during.every((o) => o.status === 503),
        'nothing succeeds while the database is gone',
      );
      assert.ok(proxy.refused > 0, 'the server tried to reconnect during the outage');
      assert.ok(
        firstSuccessAfterRestore - restoredAt < RESUME_MS,
        `service resumed ${firstSuccessAfterRestore - restoredAt} ms after the database returned`,
      );

      // The database holds exactly what was acknowledged. A create whose COMMIT was cut may have
      // committed without its 201 being sent; the server must remove such a token by itself
      // (its secret never reached anyone), within the same bound as resuming service.
      const expected = new Map(acknowledged.map((o) => [o.description, o.id]));
      let stored: { id: number; description: string }[] = [];
      const deadline = Date.now() + RESUME_MS;
      do {
        stored = await direct.query<{ id: number; description: string }>(
          'SELECT id, description FROM personal_access_tokens WHERE user_id = $1 ORDER BY id',
          [user.id],
        );
        if (stored.length === expected.size) break;
        await sleep(100);
      } while (Date.now() < deadline);
      const storedByDescription = new Map(stored.map((row) => [row.description, row.id]));
      t.diagnostic(`acknowledged ${acknowledged.length} tokens, stored ${stored.length}`);
      for (const [description, id] of expected) {
        assert.equal(
          storedByDescription.get(description),
          id,
          `acknowledged "${description}" is stored`,
        );
      }
      for (const o of refused) {
        assert.ok(
          !storedByDescription.has(o.description),
          `refused "${o.description}" is not stored`,
        );
      }
      assert.equal(stored.length, acknowledged.length);
    } finally {
      proxy.restore();
      await direct.close();
      await h.close();
      await proxy.close();
    }
  },
);

test(
  'a create whose COMMIT reached the database but whose answer was lost: 503, and the token is removed when the database returns',
  { skip },
  async () => {
    const url = new URL(databaseUrl as string);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const h = await startHarness({}, { connectVia: viaProxy.toString() });
    const direct = new PgDb({
      connectionString: url.toString(),
      options: `-c search_path=${h.schema}`,
      max: 1,
    });
    try {
      const { user, cookie } = await h.quickSignedIn('Editor');
      const tokens = () =>
        direct.query<{ id: number }>(
          "SELECT id FROM personal_access_tokens WHERE user_id = $1 AND description = 'lost answer'",
          [user.id],
        );
      // The first COMMIT after this is the create's (sessions and seenAt use no transaction).
      const sprung = proxy.cutAfterClientSends('COMMIT', 150);
      const response = await h.request({
        method: 'POST',
        url: '/api/admin/user/tokens',
        auth: { cookie },
        body: { description: 'lost answer', expiresAt: inDays(3) },
      });
      await sprung;
      assert.equal(response.statusCode, 503, response.body);
      assert.equal(json<{ name: string }>(response).name, 'ServiceUnavailableError');
      // The trap worked: the database did commit what the client was told had failed.
      assert.equal((await tokens()).length, 1, 'the COMMIT went through');

      proxy.restore();
      const deadline = Date.now() + RESUME_MS;
      while ((await tokens()).length > 0 && Date.now() < deadline) await sleep(50);
      assert.equal(
        (await tokens()).length,
        0,
        `the unacknowledged token is gone within ${RESUME_MS} ms`,
      );
      const events = await direct.query<{ type: string }>(
        "SELECT type FROM events WHERE type LIKE 'pat-%' AND created_by_user_id = $1 ORDER BY id",
        [user.id],
      );
      assert.deepEqual(
        events.map((e) => e.type),
        ['pat-created', 'pat-deleted'],
        'the removal is audited',
      );
      // And the user can create it again, now acknowledged.
      assert.equal((await h.createPat({ cookie }, { description: 'lost answer' })).statusCode, 201);
    } finally {
      proxy.restore();
      await direct.close();
      await h.close();
      await proxy.close();
    }
  },
);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
