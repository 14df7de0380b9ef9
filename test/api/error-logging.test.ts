// An unexpected failure: the client gets a 500 in the error shape with an id and nothing of
// the cause; the log keeps the cause under that id and names the request (there is no child
// logger per request, so the line carries its reqId itself).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, startHarness } from '../helpers/harness.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  errorId?: string;
  err?: { message?: string };
}

test('a 500 is logged with its cause, its error id and its request id; the answer holds neither cause nor stack', async () => {
  const h = await startHarness();
  try {
    const { cookie } = await h.signedIn();
    // A fault in the service, as a bug or an unexpected database error would raise it.
    h.services.patService.list = () => Promise.reject(new Error('disk on fire at /var/secret'));
    const before = h.logLines.length;
    const response = await h.request({
      method: 'GET',
      url: '/api/admin/user/tokens',
      auth: { cookie },
    });
    assert.equal(response.statusCode, 500);
    const body = json<{ id: string; name: string; message: string }>(response);
    assert.equal(body.name, 'InternalError');
    assert.ok(!response.body.includes('disk on fire'), 'the cause stays out of the answer');
    const lines = h.logLines.slice(before).map((line) => JSON.parse(line) as LogLine);
    const failure = lines.find((line) => line.msg === 'request failed');
    assert.equal(failure?.level, 50, 'logged as an error');
    assert.equal(failure?.errorId, body.id);
    assert.match(failure?.err?.message ?? '', /disk on fire/);
    const requestLine = lines.find((line) => line.msg === 'request');
    assert.ok(failure?.reqId, 'the failure names its request');
    assert.equal(requestLine?.reqId, failure?.reqId);
  } finally {
    await h.close();
  }
});
