// A login whose client closes the connection before the answer, over real HTTP: one still
// waiting for the password hasher gives its turn on without checking the password (nobody
// would read the answer), and the metrics count it, which Fastify's own hook cannot (it sees
// only answers that finished writing).

import assert from 'node:assert/strict';
import { type ClientRequest, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { type Harness, PASSWORD, startHarness } from '../helpers/harness.js';
import { metricValue } from '../helpers/answers.js';

const LOGIN = '/auth/simple/login';
const duration = (status: number) =>
  `http_request_duration_seconds_count{route="${LOGIN}",method="POST",status="${status}"}`;
const logins = (outcome: string) => `unlatch_login_attempts_total{outcome="${outcome}"}`;

interface Sent {
  request: ClientRequest;
  /** The answer's status, or undefined when the connection ended without one. */
  status: Promise<number | undefined>;
}

function postLogin(port: number, username: string | null): Sent {
  const body = JSON.stringify({ username, password: PASSWORD });
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: LOGIN,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const status = new Promise<number | undefined>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined)); // our own destroy()
  });
  request.end(body);
  return { request, status };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await sleep(2);
  assert.ok(condition(), `timed out waiting until ${what}`);
}

async function listening(env: Record<string, string>): Promise<{ h: Harness; port: number }> {
  const h = await startHarness({ LOG_LEVEL: 'warn', ...env });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  return { h, port: (h.app.server.address() as AddressInfo).port };
}

/** Waits until `count` logins have an outcome (their handlers have ended). */
async function settled(base: string, count: number): Promise<void> {
  let outcomes = 0;
  for (let i = 0; i < 500 && outcomes < count; i++) {
    await sleep(10);
    outcomes = 0;
    for (const outcome of ['success', 'failure', 'abandoned'])
      outcomes += await metricValue(base, logins(outcome));
  }
  assert.equal(outcomes, count, 'logins with an outcome');
}

function errorsLogged(h: Harness): string[] {
  return h.logLines.filter((line) => /"level":(50|60)/.test(line));
}

test('a login whose client left while it waited for the hasher is not checked, and is counted', async () => {
  const { h, port } = await listening({
    PASSWORD_HASH_CONCURRENCY: '1',
    PASSWORD_HASH_QUEUE_MAX: '4',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const user = await h.createUser('Editor');
    // Two logins ahead of it, so that it still waits in the queue when its client leaves.
    const ahead = [postLogin(port, user.username), postLogin(port, user.username)];
    await until(() => h.services.hasher.state.waiting === 1, 'the second login waits');
    const leaving = postLogin(port, user.username);
    await until(() => h.services.hasher.state.waiting === 2, 'the third login waits');
    leaving.request.destroy();
    assert.deepEqual(await Promise.all(ahead.map((sent) => sent.status)), [200, 200]);
    assert.equal(await leaving.status, undefined);
    await settled(base, 3);
    assert.equal(await metricValue(base, logins('success')), 2, 'the third was not checked');
    assert.equal(await metricValue(base, logins('abandoned')), 1);
    assert.equal(await metricValue(base, duration(200)), 2);
    assert.equal(await metricValue(base, duration(499)), 1);
    assert.deepEqual(errorsLogged(h), []);
    // The server goes on answering logins.
    assert.equal(await postLogin(port, user.username).status, 200);
  } finally {
    await h.close();
  }
});

test('a login whose client left during its check is counted once, as 499, not as answered', async () => {
  const { h, port } = await listening({ PASSWORD_HASH_CONCURRENCY: '1' });
  try {
    const base = `http://127.0.0.1:${port}`;
    const user = await h.createUser('Editor');
    const leaving = postLogin(port, user.username);
    await until(() => h.services.hasher.state.running === 1, 'the password check runs');
    leaving.request.destroy();
    assert.equal(await leaving.status, undefined);
    await settled(base, 1);
    // The answer, if any, is written now: give it the time to be (wrongly) counted.
    await sleep(50);
    assert.equal(await metricValue(base, logins('success')), 1, 'the check ran to the end');
    assert.equal(await metricValue(base, duration(499)), 1);
    assert.equal(await metricValue(base, duration(200)), 0);
    assert.deepEqual(errorsLogged(h), []);
  } finally {
    await h.close();
  }
});
