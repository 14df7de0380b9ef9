// Webhook deliveries with several instances on one PostgreSQL schema: each delivery is sent
// once when nothing fails, and none is lost when an instance is killed (SIGKILL, no shutdown)
// while its posts are in flight. Skipped on PGlite, whose database belongs to one process.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import { PgDb } from '../src/db/pg-db.js';
import { createLogger } from '../src/logger.js';
import { databaseUrl, type Harness, json, startHarness, type TestUser } from './helpers/harness.js';
import { type Receiver, signatureValid, startReceiver } from './helpers/webhook-receiver.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const skip = databaseUrl === undefined ? 'needs DATABASE_URL: PGlite has one process' : false;
const FAST = { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_INTERVAL_MS: '50', PAT_LIMIT: '1000' };

async function schemaOf(h: Harness): Promise<string> {
  const [row] = await h.db.query<{ schema: string }>('SELECT current_schema() AS schema');
  return row?.schema as string;
}

/** Another instance in this process on the harness's schema. */
async function secondInstance(h: Harness, config: Partial<Config> = {}) {
  const db = new PgDb({
    connectionString: databaseUrl as string,
    options: `-c search_path=${await schemaOf(h)}`,
  });
  const { app } = await buildApp({
    config: { ...h.config, ...config },
    db,
    logger: createLogger('silent'),
  });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

async function createWebhook(h: Harness, admin: TestUser, url: string) {
  const response = await h.request({
    method: 'POST',
    url: '/api/admin/webhooks',
    auth: { cookie: admin.cookie },
    body: { url, events: ['pat-created'] },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ id: number; secret: string }>(response);
}

async function deliveryIds(h: Harness): Promise<string[]> {
  const rows = await h.db.query<{ id: string }>('SELECT id FROM webhook_deliveries');
  return rows.map((row) => row.id);
}

async function receiverSettled(h: Harness): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'delivered'",
    );
    if (row?.n === 0 || Date.now() > deadline) return row?.n ?? -1;
    await sleep(50);
  }
}

describe('two instances, one PostgreSQL', () => {
  let a: Harness;
  let b: Awaited<ReturnType<typeof secondInstance>> | undefined;
  let receiver: Receiver;
  before(async () => {
    if (skip) return;
    a = await startHarness(FAST);
    b = await secondInstance(a);
    receiver = await startReceiver();
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
  });

  test('each delivery is sent exactly once when nothing fails', { skip }, async (t) => {
    const admin = await a.quickSignedIn('Admin');
    const { secret } = await createWebhook(a, admin, receiver.url);
    const N = 40;
    for (let i = 0; i < N; i++) {
      // Half the changes through each instance; both senders hear every commit.
      const app = i % 2 === 0 ? a.app : (b?.app as FastifyInstance);
      const response = await app.inject({
        method: 'POST',
        url: '/api/admin/user/tokens',
        headers: { cookie: admin.cookie, 'content-type': 'application/json' },
        payload: JSON.stringify({ description: `multi ${i}`, expiresAt: '2099-01-01T00:00:00Z' }),
      });
      assert.equal(response.statusCode, 201, response.body);
    }
    await receiver.waitFor(() => receiver.accepted().size >= N, 20_000);
    await sleep(500); // time for a second copy to arrive, if one were sent
    const ids = await deliveryIds(a);
    assert.equal(ids.length, N);
    const counts = receiver.accepted();
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    t.diagnostic(
      `deliveries ${N}, requests received ${receiver.received.length}, duplicates ${duplicates}`,
    );
    for (const id of ids) assert.equal(counts.get(id), 1, `delivery ${id} sent once`);
    assert.equal(receiver.received.length, N);
    for (const entry of receiver.received) assert.ok(signatureValid(secret, entry));
  });
});

describe('an instance killed while deliveries are in flight', () => {
  let a: Harness;
  let receiver: Receiver;
  let child: ChildProcess | undefined;
  let d: Awaited<ReturnType<typeof secondInstance>> | undefined;
  before(async () => {
    if (skip) return;
    a = await startHarness(FAST);
    // A only records events; the instances under test send them.
    await a.services.webhookSender.stop();
    receiver = await startReceiver();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await d?.close();
    await a?.close();
    await receiver?.close();
  });

  test('every delivery still arrives, through another instance', { skip }, async (t) => {
    const admin = await a.quickSignedIn('Admin');
    const { secret } = await createWebhook(a, admin, receiver.url);
    const before = 20;
    for (let i = 0; i < before; i++) await a.createPat({ cookie: admin.cookie });

    // The receiver holds every request open: the killed instance never hears an answer.
    let phase: 'hang' | 'ok' = 'hang';
    receiver.answer = () => phase;
    const url = new URL(databaseUrl as string);
    url.searchParams.set('options', `-c search_path=${await schemaOf(a)}`);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: url.toString(),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        UNLEASH_DEFAULT_ADMIN_PASSWORD: 'Not-used-here 1!',
        ...FAST,
        // Far longer than the test waits before the kill: these posts are in flight.
        WEBHOOK_TIMEOUT_MS: '3000',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await receiver
      .waitFor(() => receiver.received.length >= 10, 60_000)
      .catch((error) => {
        throw new Error(`${String(error)}\n${stderr}`);
      });
    const inFlight = receiver.received.length;
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    const [leased] = await a.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending' AND locked_until > now()",
    );
    // More changes while no instance sends.
    const afterKill = 10;
    for (let i = 0; i < afterKill; i++) await a.createPat({ cookie: admin.cookie });
    const [pending] = await a.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'",
    );

    phase = 'ok';
    const started = Date.now();
    d = await secondInstance(a);
    const ids = await deliveryIds(a);
    assert.equal(ids.length, before + afterKill);
    await receiver.waitFor(() => ids.every((id) => receiver.accepted().has(id)), 60_000);
    const recoveredMs = Date.now() - started;
    await sleep(300);
    const counts = new Map<string, number>();
    for (const entry of receiver.received)
      counts.set(entry.deliveryId, (counts.get(entry.deliveryId) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    const acceptedTwice = [...receiver.accepted().values()].filter((n) => n > 1).length;
    t.diagnostic(
      `deliveries ${ids.length} (${before} before the kill, ${afterKill} after); in flight at the kill ${inFlight}, still leased ${leased?.n}; pending after the kill ${pending?.n}`,
    );
    t.diagnostic(
      `delivered ${receiver.accepted().size} of ${ids.length} within ${recoveredMs} ms of the new instance starting; requests received ${receiver.received.length}; delivery ids received more than once ${duplicates} (the in-flight ones, resent); accepted more than once ${acceptedTwice}`,
    );
    assert.equal(pending?.n, before + afterKill, 'nothing was settled by the killed instance');
    assert.equal(receiver.accepted().size, ids.length, 'every delivery arrived');
    assert.equal(duplicates, inFlight, 'exactly the in-flight ones were sent twice');
    for (const entry of receiver.received) assert.ok(signatureValid(secret, entry));
    // The new instance settles what it sent: nothing is left pending.
    const left = await receiverSettled(a);
    assert.equal(left, 0);
  });
});
