// Graceful shutdown under load, on the real entry point (src/main.ts) in a child process:
// SIGTERM lets the requests it had accepted finish with their normal answers, refuses new ones
// cleanly (connection refused, or 503 in the error shape; never a hang), writes the pending
// seenAt of a token used just before, and exits 0.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/db/db.js';
import { PgDb } from '../../src/db/pg-db.js';
import { PgliteDb } from '../../src/db/pglite-db.js';
import { databaseUrl, inDays } from '../helpers/harness.js';
import { isResponse, RawConnection } from '../helpers/raw-http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_PASSWORD = 'shutdown-test Passw0rd!';

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One request on its own connection; `sent` resolves once it is fully written. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): { sent: Promise<void>; answer: Promise<Answer> } {
  let markSent: () => void = () => {};
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        timeout: 10_000,
        headers: {
          ...headers,
          ...(payload !== undefined && { 'content-type': 'application/json' }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', reject);
    request.on('finish', markSent);
    request.end(payload);
  });
  answer.catch(() => markSent());
  return { sent, answer };
}

function waitForExit(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('SIGTERM under load: accepted requests finish, new ones are refused cleanly, seenAt is flushed, exit 0', async (t) => {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'unlatch-shutdown-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    UNLEASH_DEFAULT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Only the shutdown flush can write seenAt during this test.
    SEEN_AT_FLUSH_INTERVAL_MS: '600000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
  };
  let pgAdmin: PgDb | undefined;
  if (databaseUrl === undefined) {
    env.DATA_DIR = dataDir;
  } else {
    pgAdmin = new PgDb({ connectionString: databaseUrl, max: 1 });
    await pgAdmin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = url.toString();
  }

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    // Started: bounded wait for the listening line.
    const startDeadline = Date.now() + 60_000;
    while (!output.includes('Unlatch listening') && Date.now() < startDeadline) {
      assert.equal(child.exitCode, null, `the server exited early:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(output.includes('Unlatch listening'), `the server did not start:\n${output}`);

    const login = await send(
      port,
      'POST',
      '/auth/simple/login',
      {},
      {
        username: 'admin',
        password: ADMIN_PASSWORD,
      },
    ).answer;
    assert.equal(login.status, 200, login.body);
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const created = await send(
      port,
      'POST',
      '/api/admin/user/tokens',
      { cookie },
      {
        description: 'used before shutdown',
        expiresAt: inDays(1),
      },
    ).answer;
    assert.equal(created.status, 201, created.body);
    const { id: tokenId, secret } = JSON.parse(created.body) as { id: number; secret: string };

    // The load: slow requests (each login is a deliberately slow password hash), token uses
    // (seenAt), and token creations, all sent and fully written before the signal.
    const inFlight = [
      ...Array.from({ length: 6 }, () =>
        send(
          port,
          'POST',
          '/auth/simple/login',
          {},
          { username: 'admin', password: ADMIN_PASSWORD },
        ),
      ),
      ...Array.from({ length: 6 }, () =>
        send(port, 'GET', '/api/admin/user', { authorization: secret }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        send(
          port,
          'POST',
          '/api/admin/user/tokens',
          { cookie },
          { description: `in flight ${i}`, expiresAt: inDays(1) },
        ),
      ),
    ];
    // A kept-alive connection busy with a slow request; a second request on it is sent after
    // the signal (below) and must get a 503 in the error shape, the first its normal answer.
    const pipelined = new RawConnection(port, 15_000);
    const loginBody = JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD });
    pipelined.write(
      `POST /auth/simple/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${loginBody.length}\r\n\r\n${loginBody}`,
    );
    await Promise.all(inFlight.map((r) => r.sent));
    // A barrier: once a request sent after all of them is answered, the server has taken
    // every one of them off its socket; they are accepted, and most are still being served.
    assert.equal((await send(port, 'GET', '/health').answer).status, 200);
    const lastUse = Date.now();
    const expected = [
      ...Array(6).fill(200),
      ...Array(6).fill(200),
      ...Array(4).fill(201),
    ] as number[];
    let answeredAfterSignal = 0;
    const signalled = Date.now();
    const answers = inFlight.map((r) =>
      r.answer.then(
        (a) => {
          if (Date.now() > signalled) answeredAfterSignal++;
          return a;
        },
        (error: Error & { code?: string }) => ({
          status: 0,
          body: `${error.code ?? ''} ${error.message}`,
          headers: {},
        }),
      ),
    );
    child.kill('SIGTERM');

    // New requests after the signal: refused (connection refused or 503), each answered fast.
    const refusals: string[] = [];
    const signalDeadline = Date.now() + 5000;
    while (!output.includes('shutting down') && Date.now() < signalDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    pipelined.write(`GET /api/admin/user HTTP/1.1\r\nHost: x\r\nAuthorization: ${secret}\r\n\r\n`);
    for (let i = 0; i < 10 && child.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = Date.now();
      const late = await send(port, 'GET', '/api/admin/user', {
        authorization: secret,
      }).answer.then(
        (answer) => answer,
        (error: Error & { code?: string }) => error.code ?? String(error),
      );
      if (typeof late === 'string') {
        assert.equal(late, 'ECONNREFUSED', 'a request after SIGTERM: connection refused, or ...');
        refusals.push(late);
      } else {
        assert.equal(late.status, 503, `... 503, not ${late.status} ${late.body}`);
        assert.equal((JSON.parse(late.body) as { name: string }).name, 'ServiceUnavailableError');
        refusals.push('503');
      }
      assert.ok(Date.now() - started < 2000, 'refused without a hang');
    }

    const settled = await Promise.all(answers);
    assert.deepEqual(
      settled.map((a) => a.status),
      expected,
      `${settled.map((a) => `${a.status} ${a.body.slice(0, 100)}`).join('\n')}\n${output}`,
    );
    const both = await pipelined.done;
    assert.ok(isResponse(both), JSON.stringify(both));
    assert.equal(both.status, 200, 'the login on the kept-alive connection finished');
    const second = both.rest;
    const secondStatus = /^HTTP\/1\.1 (\d{3})/.exec(second)?.[1];
    assert.equal(secondStatus, '503', `the request read after the signal: ${second.slice(0, 300)}`);
    const secondBody = JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4)) as {
      id: string;
      name: string;
    };
    assert.equal(secondBody.name, 'ServiceUnavailableError');
    assert.match(second, /connection: close/i);
    const code = await waitForExit(child, 15_000);
    assert.equal(code, 0, `exit code ${code}:\n${output}`);
    t.diagnostic(
      `${inFlight.length} requests in flight at SIGTERM, ${answeredAfterSignal} answered after it; later requests: ${refusals.join(', ') || 'none (exited first)'}`,
    );
    assert.ok(answeredAfterSignal > 0, 'the signal came while requests were still being served');
    assert.ok(refusals.length > 0, 'requests after the signal were tried');

    // seenAt of the token used just before the signal was written by the shutdown flush.
    let db: Db;
    if (databaseUrl === undefined) db = await PgliteDb.open(dataDir);
    else
      db = new PgDb({ connectionString: databaseUrl, options: `-c search_path=${schema}`, max: 1 });
    try {
      const [row] = await db.query<{ seen_at: Date | null }>(
        'SELECT seen_at FROM personal_access_tokens WHERE id = $1',
        [tokenId],
      );
      assert.ok(row?.seen_at, 'seen_at was written at shutdown');
      assert.ok(
        row.seen_at.getTime() >= lastUse - 5000,
        `seen_at ${row.seen_at.toISOString()} is recent`,
      );
      const stored = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM personal_access_tokens WHERE description LIKE 'in flight %'",
      );
      assert.equal(stored[0]?.n, 4, 'the creations answered 201 are stored');
    } finally {
      await db.close();
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    if (pgAdmin) {
      await pgAdmin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pgAdmin.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  }
});
