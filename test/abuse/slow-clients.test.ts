// Slow clients (slowloris) must not hold connections open: the server's header and request
// timeouts cut them off, on time, with a 408 in the error shape. The timeouts are shortened
// through their environment variables to keep the test quick; Node enforces them on a timer
// whose period app.ts ties to them.

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { assertError } from '../helpers/assertions.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { isResponse, RawConnection, rawRequest } from '../helpers/raw-http.js';

const HEADERS_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1200;
// What Node adds at most: its checking interval (a quarter of the headers timeout here).
const SLACK_MS = 600;
let h: Harness;
let port: number;
before(async () => {
  h = await startHarness({
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
});
after(() => h.close());

/** Writes one byte at a time every `everyMs` until the server closes (bounded by count). */
async function dribble(connection: RawConnection, text: string, everyMs: number) {
  for (const byte of text) {
    if (connection.socket.destroyed || connection.socket.closed) return;
    connection.write(byte);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function assertTimeoutAnswer(outcome: Awaited<RawConnection['done']>, limitMs: number) {
  assert.ok(isResponse(outcome), `an answer, not ${JSON.stringify(outcome)}`);
  assertError(outcome, 408, 'RequestTimeoutError', { details: 1 });
  assert.ok(outcome.ms >= limitMs - 50, `cut at ${outcome.ms} ms, not before ${limitMs} ms`);
  assert.ok(outcome.ms <= limitMs + SLACK_MS, `cut at ${outcome.ms} ms, limit ${limitMs} ms`);
}

test('headers sent a byte at a time are cut off at the headers timeout with 408', async () => {
  const connection = new RawConnection(port, 10_000);
  // 20 s of bytes if nothing stopped it.
  const header = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(200)}`;
  void dribble(connection, header, 100);
  assertTimeoutAnswer(await connection.done, HEADERS_TIMEOUT_MS);
});

test('a body that never finishes is cut off at the request timeout with 408', async () => {
  const connection = new RawConnection(port, 10_000);
  connection.write(
    'POST /auth/simple/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":',
  );
  void dribble(connection, ' '.repeat(200), 100);
  assertTimeoutAnswer(await connection.done, REQUEST_TIMEOUT_MS);
});

test('a connection that sends nothing is closed by the headers timeout', async () => {
  const connection = new RawConnection(port, 10_000);
  const outcome = await connection.done;
  assert.ok(outcome.ms <= HEADERS_TIMEOUT_MS + SLACK_MS, `closed after ${outcome.ms} ms`);
});

test('a prompt client on the same server is served meanwhile', async () => {
  const slow = new RawConnection(port, 10_000);
  void dribble(slow, `GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(50)}`, 100);
  const quick = await rawRequest(
    port,
    'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  );
  assert.ok(isResponse(quick) && quick.status === 200, JSON.stringify(quick));
  assert.ok(quick.ms < 500, `served in ${quick.ms} ms`);
  await slow.done;
});
